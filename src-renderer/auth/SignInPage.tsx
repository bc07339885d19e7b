import { Alert, Button, PasswordInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconLock } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, call } from '../api/client.ts';
import { AuthCard } from './AuthCard.tsx';
import { clearSessionEnd, useSessionEnd } from './session-end.ts';

export function SignInPage() {
  const client = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const ended = useSessionEnd();
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (v.trim() ? null : 'Enter your email'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });
  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(null);
    try {
      await call('auth.signIn', values);
      clearSessionEnd();
      await client.invalidateQueries();
    } catch (e) {
      // the password was right: the code step takes over (App asks auth.me, which says so)
      if (e instanceof ApiError && e.code === 'SECOND_FACTOR_REQUIRED') {
        clearSessionEnd();
        await client.invalidateQueries();
        return;
      }
      setError(e instanceof ApiError ? e : new ApiError({ code: 'INTERNAL', message: String(e) }));
    } finally {
      setBusy(false);
    }
  });
  return (
    <AuthCard
      title="FleetPrompt Console"
      description="Sign in to manage organizations, agents and skills."
      form={{ label: 'Sign in', onSubmit: submit }}
    >
      {ended && !error && (
        <Alert color="blue" title="Signed out" role="status">
          {ended}
        </Alert>
      )}
      {error && (
        <Alert
          color={error.code === 'LOCKED' ? 'orange' : 'red'}
          icon={error.code === 'LOCKED' ? <IconLock size={18} /> : <IconAlertCircle size={18} />}
          title={error.code === 'LOCKED' ? 'Temporarily locked' : 'Sign-in failed'}
          role="alert"
        >
          {error.message}
        </Alert>
      )}
      <TextInput
        label="Email"
        autoComplete="username"
        data-autofocus
        autoFocus
        {...form.getInputProps('email')}
      />
      <PasswordInput
        label="Password"
        autoComplete="current-password"
        {...form.getInputProps('password')}
      />
      <Button type="submit" loading={busy} fullWidth>
        Sign in
      </Button>
    </AuthCard>
  );
}
