import { Alert, Anchor, Button, Group, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconLock } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, call } from '../api/client.ts';
import { AuthCard } from './AuthCard.tsx';
import { useSignOut } from './sign-out.ts';
import { fieldSentence } from '../components/forms.ts';

/**
 * Sign-in's second step: the password was right, and the session waits for
 * a code from the authenticator app (or a recovery code); the password is
 * not asked again. Wrong codes count like wrong passwords.
 */
export function SecondFactorPage() {
  const client = useQueryClient();
  const signOut = useSignOut();
  const [recovery, setRecovery] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({ initialValues: { code: '' } });
  const field = recovery ? 'recoveryCode' : 'code';

  const submit = form.onSubmit(async ({ code }) => {
    setBusy(true);
    setFailure(null);
    try {
      await call('auth.verifySecondFactor', recovery ? { recoveryCode: code } : { code });
      await client.invalidateQueries();
    } catch (error) {
      const refused =
        error instanceof ApiError
          ? error
          : new ApiError({ code: 'INTERNAL', message: String(error) });
      const fieldError = refused.fields?.[field];
      if (fieldError) form.setErrors({ code: fieldSentence(fieldError) });
      else setFailure(refused);
      // a lock ends the session: back to the password
      if (refused.code === 'LOCKED' || refused.code === 'UNAUTHENTICATED')
        await client.invalidateQueries();
    } finally {
      setBusy(false);
    }
  });

  return (
    <AuthCard
      title="Two-step sign-in"
      description={
        recovery
          ? 'Enter one of the recovery codes you saved. Each works once.'
          : 'Enter the 6-digit code your authenticator app shows for FleetPrompt.'
      }
      form={{ label: 'Two-step sign-in', onSubmit: submit }}
    >
      {failure && (
        <Alert color="red" icon={<IconLock size={18} />} title="Not signed in" role="alert">
          {failure.message}
        </Alert>
      )}
      <TextInput
        key={field}
        label={recovery ? 'Recovery code' : 'Code'}
        inputMode={recovery ? 'text' : 'numeric'}
        autoComplete="one-time-code"
        data-autofocus
        autoFocus
        {...form.getInputProps('code')}
      />
      <Button type="submit" loading={busy} fullWidth>
        Verify
      </Button>
      <Group justify="space-between">
        <Anchor
          component="button"
          type="button"
          size="sm"
          onClick={() => {
            setRecovery(!recovery);
            form.reset();
          }}
        >
          {recovery ? 'Use a code from the app' : 'Use a recovery code'}
        </Anchor>
        <Anchor component="button" type="button" size="sm" onClick={() => void signOut()}>
          Sign out
        </Anchor>
      </Group>
    </AuthCard>
  );
}
