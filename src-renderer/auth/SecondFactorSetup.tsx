import {
  Alert,
  Button,
  Code,
  Group,
  Image,
  List,
  Loader,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { SecondFactorEnrollment } from '../../src-shared/contract.ts';
import { ApiError, call } from '../api/client.ts';
import { showFieldErrors } from '../components/forms.ts';

/** The secret in groups of four, as authenticator apps ask for it typed in. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Setting up two-step sign-in: the secret as a QR code and as text, a
 * first code from the app to confirm it, then the ten recovery codes,
 * shown this once. `secondary` sits beside the confirm button (cancel, or
 * sign out where setting it up is required).
 */
export function SecondFactorSetup({
  onDone,
  secondary,
}: {
  onDone: () => void;
  secondary?: ReactNode;
}) {
  const client = useQueryClient();
  const [enrollment, setEnrollment] = useState<SecondFactorEnrollment | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (v) => (/^\d{6}$/.test(v.replace(/\s/g, '')) ? null : 'Enter the 6 digits') },
  });

  // one key per setup: a second call would replace the key the QR code shows
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    call('auth.enrollSecondFactor', {})
      .then(async (started) => {
        setQr(await QRCode.toDataURL(started.otpauthUrl, { margin: 1, width: 200 }));
        setEnrollment(started);
      })
      .catch((error: unknown) =>
        setFailure(error instanceof Error ? error.message : String(error)),
      );
  }, []);

  const confirm = form.onSubmit(async ({ code }) => {
    setBusy(true);
    setFailure(null);
    try {
      setRecoveryCodes((await call('auth.confirmSecondFactor', { code })).recoveryCodes);
    } catch (error) {
      if (error instanceof ApiError && error.fields) showFieldErrors(form)(error);
      else setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  });

  // the form the focus was in is gone: without this it falls to the page body, and a
  // keyboard would start again from the top; a screen reader hears the step by its heading
  const codesHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (recoveryCodes) codesHeading.current?.focus();
  }, [recoveryCodes]);

  const finish = async () => {
    await client.invalidateQueries({ queryKey: ['auth'] });
    onDone();
  };

  if (recoveryCodes) {
    return (
      <Stack>
        <Title
          order={3}
          size="h5"
          ref={codesHeading}
          tabIndex={-1}
          // the console's focus ring, not the browser's, clear of a dialog's sticky header
          className="mantine-focus-auto"
          mt={4}
        >
          Save your recovery codes
        </Title>
        {/* a status, not an alert: the heading taking the focus is what is announced first */}
        <Alert color="teal" title="Two-step sign-in is on" role="status">
          Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone.
          They are shown only now.
        </Alert>
        <List aria-label="Recovery codes" listStyleType="none" spacing={4}>
          {recoveryCodes.map((code) => (
            <List.Item key={code}>
              <Code fz="md">{code}</Code>
            </List.Item>
          ))}
        </List>
        <Group justify="flex-end">
          <Button onClick={() => void finish()}>I have saved them</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form onSubmit={confirm} aria-label="Set up two-step sign-in">
      <Stack>
        {failure && (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        )}
        <Text size="sm">
          Scan this QR code with an authenticator app (Google Authenticator, 1Password, Aegis…), or
          type the key below into it. Then enter the 6-digit code it shows.
        </Text>
        {enrollment && qr ? (
          <Group align="center" wrap="nowrap">
            <Image
              src={qr}
              w={160}
              h={160}
              alt="QR code of your two-step sign-in key, for an authenticator app"
            />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                Key
              </Text>
              <Code data-testid="second-factor-secret" fz="sm" style={{ overflowWrap: 'anywhere' }}>
                {grouped(enrollment.secret)}
              </Code>
            </Stack>
          </Group>
        ) : (
          !failure && <Loader size="sm" aria-label="Preparing a key" />
        )}
        <TextInput
          label="Code from the app"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          disabled={!enrollment}
          {...form.getInputProps('code')}
        />
        <Group justify="flex-end">
          {secondary}
          <Button type="submit" loading={busy} disabled={!enrollment}>
            Turn on
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
