import { Alert, Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useRef, useState } from 'react';
import { ApiError, call } from '../api/client.ts';
import { setReauthPrompt } from './reauthentication.ts';
import { useSession } from './session.tsx';

interface Asking {
  reason: string;
  answer: (entered: boolean) => void;
}

/**
 * The step-up prompt: while the console is signed in, a call that needs the
 * password entered again opens this dialog where the operator is; entering
 * it makes the call again, cancelling leaves it refused. Where two-step
 * sign-in is set up, a code from the app goes with the password. Wrong
 * passwords and codes count like failed sign-ins.
 */
export function ReauthenticateModal() {
  const withCode = useSession().signedIn.secondFactor;
  const [asking, setAsking] = useState<Asking | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({ initialValues: { password: '', code: '' } });
  const current = useRef<Asking | null>(null);
  current.current = asking;

  useEffect(() => {
    setReauthPrompt((reason) => new Promise<boolean>((answer) => setAsking({ reason, answer })));
    return () => {
      setReauthPrompt(null);
      current.current?.answer(false);
    };
  }, []);

  const close = (entered: boolean) => {
    asking?.answer(entered);
    setAsking(null);
    setFailure(null);
    form.reset();
  };

  const submit = form.onSubmit(async ({ password, code }) => {
    setBusy(true);
    setFailure(null);
    try {
      await call('auth.reauthenticate', withCode ? { password, code } : { password });
      close(true);
    } catch (error) {
      if (error instanceof ApiError && error.fields) form.setErrors(error.fields);
      else if (error instanceof ApiError && error.code !== 'LOCKED') setFailure(error.message);
      else close(false);
    } finally {
      setBusy(false);
    }
  });

  return (
    <Modal
      opened={asking !== null}
      onClose={() => close(false)}
      title={withCode ? 'Enter your password and a code again' : 'Enter your password again'}
      // above the dialog whose action asked for it (its portal may come later in the page)
      zIndex={400}
    >
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">{asking?.reason}</Text>
          {failure && (
            <Alert color="red" role="alert">
              {failure}
            </Alert>
          )}
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            data-autofocus
            {...form.getInputProps('password')}
          />
          {withCode && (
            <TextInput
              label="Code from your authenticator app"
              inputMode="numeric"
              autoComplete="one-time-code"
              {...form.getInputProps('code')}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Continue
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
