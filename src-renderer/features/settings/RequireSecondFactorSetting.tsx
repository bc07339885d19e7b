import { Switch } from '@mantine/core';
import { useWrite } from '../../api/hooks.ts';

/**
 * Settings → "Require two-step sign-in for administrators", for every
 * console on this database. Turning it off asks for the password (and a
 * code) again.
 */
export function RequireSecondFactorSetting({ required }: { required: boolean | undefined }) {
  const save = useWrite('settings.requireSecondFactor', {
    success: (s) =>
      s.requireAdminSecondFactor
        ? 'Administrators without two-step sign-in set it up at their next sign-in'
        : 'Two-step sign-in is no longer required of administrators',
    invalidates: ['settings', 'fleet', 'auth'],
  });
  return (
    <Switch
      label="Require two-step sign-in for administrators"
      description="Administrators without it are taken to set it up when they sign in, on every console of this database."
      checked={required ?? false}
      disabled={required === undefined || save.isPending}
      onChange={(event) => save.mutate({ required: event.currentTarget.checked })}
    />
  );
}
