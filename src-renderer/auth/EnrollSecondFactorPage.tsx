import { Alert, Button } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import type { SessionUser } from '../../src-shared/contract.ts';
import { AuthCard } from './AuthCard.tsx';
import { useSignOut } from './sign-out.ts';
import { SecondFactorSetup } from './SecondFactorSetup.tsx';

/**
 * Right after signing in, when administrators must use two-step sign-in
 * and this one has not set it up: nothing else is open until they do
 * (like choosing one's own password).
 */
export function EnrollSecondFactorPage({ user }: { user: SessionUser }) {
  const signOut = useSignOut();
  return (
    <AuthCard
      title="Set up two-step sign-in"
      description={`Signed in as ${user.email}`}
      width={520}
    >
      <Alert color="blue" icon={<IconShieldLock size={18} />} title="Required for administrators">
        Administrators of this console sign in with a password and a code from an authenticator app.
        Set it up to continue.
      </Alert>
      <SecondFactorSetup
        onDone={() => undefined}
        secondary={
          <Button variant="default" onClick={() => void signOut()}>
            Sign out
          </Button>
        }
      />
    </AuthCard>
  );
}
