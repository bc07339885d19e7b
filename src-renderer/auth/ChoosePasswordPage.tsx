import { Alert, Button } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import type { SessionUser } from '../../src-shared/contract.ts';
import { AuthCard } from './AuthCard.tsx';
import { useSignOut } from './sign-out.ts';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';

/**
 * Right after signing in with a password someone else chose (demo data, an
 * administrator): nothing else is open until the user picks their own.
 */
export function ChoosePasswordPage({ user }: { user: SessionUser }) {
  const signOut = useSignOut();
  return (
    <AuthCard title="Choose your password" description={`Signed in as ${user.email}`} width={440}>
      <Alert color="blue" icon={<IconKey size={18} />} title="A new password first">
        Your current password was set by someone else. Choose one only you know to continue.
      </Alert>
      <ChangePasswordForm
        onDone={() => undefined}
        submitLabel="Set password and continue"
        secondary={
          <Button variant="default" onClick={() => void signOut()}>
            Sign out
          </Button>
        }
      />
    </AuthCard>
  );
}
