import { Badge, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useWrite } from '../../api/hooks.ts';
import { SecondFactorSetup } from '../../auth/SecondFactorSetup.tsx';
import { useSession } from '../../auth/session.tsx';

/**
 * Account → two-step sign-in: set it up (QR code, first code, recovery
 * codes) or turn it off, which needs the password and a code again.
 */
export function SecondFactorPanel() {
  const { signedIn } = useSession();
  const [setting, setSetting] = useState(false);
  const [saved, setSaved] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // set up, the dialog's own focus return would land on the button that took Set up's place,
  // Turn off: the focus goes to what changed instead, once the dialog has let go of it
  useEffect(() => {
    if (!saved || setting) return;
    heading.current?.focus();
    setSaved(false);
  }, [saved, setting]);
  const disable = useWrite('auth.disableSecondFactor', {
    success: () => 'Two-step sign-in is off',
    invalidates: ['auth'],
  });
  const on = signedIn.secondFactor;
  return (
    <Paper withBorder p="md" radius="md" mb="lg">
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={4}>
          <Group gap="xs">
            <IconShieldLock size={18} aria-hidden />
            <Title
              order={3}
              size="h4"
              ref={heading}
              tabIndex={-1}
              // the console's focus ring, not the browser's
              className="mantine-focus-auto"
            >
              Two-step sign-in
            </Title>
            <Badge color={on ? 'teal' : 'gray'} variant="light">
              {on ? 'On' : 'Off'}
            </Badge>
          </Group>
          <Text size="sm">
            {on
              ? 'Signing in asks for a code from your authenticator app after your password.'
              : 'Ask for a code from an authenticator app after your password when you sign in.'}
          </Text>
        </Stack>
        {on ? (
          <Button
            variant="default"
            color="red"
            loading={disable.isPending}
            onClick={() => disable.mutate({})}
          >
            Turn off
          </Button>
        ) : (
          <Button onClick={() => setSetting(true)}>Set up</Button>
        )}
      </Group>
      <Modal
        opened={setting}
        onClose={() => setSetting(false)}
        title="Set up two-step sign-in"
        size="lg"
      >
        <SecondFactorSetup
          onDone={() => {
            setSaved(true);
            setSetting(false);
          }}
          secondary={
            <Button variant="default" onClick={() => setSetting(false)}>
              Cancel
            </Button>
          }
        />
      </Modal>
    </Paper>
  );
}
