import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDatabaseImport } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../api/client.ts';
import { notifyRefusal } from '../api/notify-refusal.ts';

/**
 * Loads the demo data of `npm run seed` (idempotent). On the first-run
 * screen it then signs in as the demo administrator, whose credentials the
 * notification shows.
 */
export function LoadDemoDataButton({
  signInAfter = false,
  variant = 'default',
}: {
  signInAfter?: boolean;
  variant?: 'default' | 'light';
}) {
  const client = useQueryClient();
  const [loading, setLoading] = useState(false);
  const load = async () => {
    setLoading(true);
    try {
      const result = await call('demo.load', {});
      if (signInAfter) await call('auth.signIn', result.signInAs);
      await client.invalidateQueries();
      notifications.show({
        color: 'teal',
        title:
          result.created.length === 0
            ? 'The demo data was already loaded'
            : `Demo data loaded: ${result.created.length} records created`,
        message: `Sign in as ${result.signInAs.email} with the password ${result.signInAs.password}.`,
        autoClose: 10_000,
      });
    } catch (error) {
      notifyRefusal(error, 'Demo data not loaded');
    } finally {
      setLoading(false);
    }
  };
  return (
    <Button
      variant={variant}
      leftSection={<IconDatabaseImport size={16} />}
      loading={loading}
      onClick={() => void load()}
    >
      Load demo data
    </Button>
  );
}
