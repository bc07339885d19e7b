import { Alert, Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useRef, useState } from 'react';
import { ApiError, call } from '../api/client.ts';
import { setReauthPrompt } from './reauthentication.ts';
import { useSession } from './session.tsx';
import { showFieldErrors } from '../components/forms.ts';

/** Cancels the open prompt; null while none is open. */
let cancelPrompt: (() => void) | null = null;

// Every open Mantine dialog closes on Escape from its own listener on the window, so Escape in the
// prompt would close the dialog that asked as well. Added as this module loads, this listener
// comes before theirs and keeps the key for the prompt alone.
window.addEventListener(
  'keydown',
  (event) => {
    if (event.key !== 'Escape' || event.isComposing || !cancelPrompt) return;
    event.stopImmediatePropagation();
    cancelPrompt();
  },
  { capture: true },
);

/**
 * The last element that had the focus: the control whose action asked for
 * the prompt has lost it by the time the prompt opens (busy, so disabled).
 */
let lastFocused: HTMLElement | null = null;
document.addEventListener('focusin', (event) => {
  if (event.target instanceof HTMLElement) lastFocused = event.target;
});

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
  // where the focus was when the prompt was asked for, to go back to once it closes
  const before = useRef<HTMLElement | null>(null);
  current.current = asking;

  useEffect(() => {
    setReauthPrompt(
      (reason) =>
        new Promise<boolean>((answer) => {
          const now = document.activeElement;
          before.current = now instanceof HTMLElement && now !== document.body ? now : lastFocused;
          setAsking({ reason, answer });
        }),
    );
    return () => {
      setReauthPrompt(null);
      current.current?.answer(false);
    };
  }, []);

  const open = asking !== null;
  useEffect(() => {
    if (!open) return;
    document.body.dataset.steppingUp = '';
    return () => {
      delete document.body.dataset.steppingUp;
      returnFocus(before.current);
    };
  }, [open]);

  const close = (entered: boolean) => {
    asking?.answer(entered);
    setAsking(null);
    setFailure(null);
    form.reset();
  };
  const latestClose = useRef(close);
  latestClose.current = close;
  useEffect(() => {
    if (!open) return;
    cancelPrompt = () => latestClose.current(false);
    return () => {
      cancelPrompt = null;
    };
  }, [open]);

  const submit = form.onSubmit(async ({ password, code }) => {
    setBusy(true);
    setFailure(null);
    try {
      await call('auth.reauthenticate', withCode ? { password, code } : { password });
      close(true);
    } catch (error) {
      if (error instanceof ApiError && error.fields) showFieldErrors(form)(error);
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
      // above the dialog whose action asked for it (its portal may come later in the page),
      // which waits hidden meanwhile (styles/step-up.css)
      zIndex={400}
      className="step-up-prompt"
      // Mantine's own return would find the control that asked still busy (disabled)
      returnFocus={false}
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

/**
 * Back where the operator was: the control whose action asked; while that
 * is still busy with the call (disabled), the dialog it is in, until it is free.
 */
function returnFocus(element: HTMLElement | null) {
  if (!element?.isConnected || element === document.body) return;
  if (!element.matches(':disabled')) {
    element.focus();
    return;
  }
  const holder = element.closest<HTMLElement>('[role="dialog"]');
  holder?.focus();
  const watch = new MutationObserver(() => {
    if (!element.isConnected) return watch.disconnect();
    if (element.matches(':disabled')) return;
    watch.disconnect();
    const now = document.activeElement;
    if (now === holder || now === document.body) element.focus();
  });
  watch.observe(element, { attributes: true, attributeFilter: ['disabled'] });
}
