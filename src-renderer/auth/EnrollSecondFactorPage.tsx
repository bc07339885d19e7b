import { Alert, Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import type { SessionUser } from '../../src-shared/contract.ts';
import { SecondFactorSetup } from './SecondFactorSetup.tsx';

/**
 * Right after signing in, when administrators must use two-step sign-in
 * and this one has not set it up: nothing else is open until they do
 * (like choosing one's own password).
 */
export function EnrollSecondFactorPage({
  user,
  onSignOut,
}: {
  user: SessionUser;
  onSignOut: () => void;
}) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={520} radius="md">
        <Stack>
          <div>
            <Title order={2}>Set up two-step sign-in</Title>
            <Text size="sm">Signed in as {user.email}</Text>
          </div>
          <Alert
            color="blue"
            icon={<IconShieldLock size={18} />}
            title="Required for administrators"
          >
            Administrators of this console sign in with a password and a code from an authenticator
            app. Set it up to continue.
          </Alert>
          <SecondFactorSetup
            onDone={() => undefined}
            secondary={
              <Button variant="default" onClick={onSignOut}>
                Sign out
              </Button>
            }
          />
        </Stack>
      </Paper>
    </Center>
  );
}
