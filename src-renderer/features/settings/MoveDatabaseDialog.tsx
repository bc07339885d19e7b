import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  Progress,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { TransferProgress } from '../../../src-shared/channels.ts';
import { counted } from '../../../src-shared/plural.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { fieldSentence, formatNumber } from '../../components/forms.ts';
import { RequireSecondFactorSetting } from './RequireSecondFactorSetting.tsx';

const PHASES: Record<TransferProgress['phase'], string> = {
  checking: 'Checking the server',
  migrating: 'Creating the tables',
  copying: 'Copying',
  verifying: 'Comparing every table with this database',
  done: 'Done',
};

/**
 * Settings → Move to a server…: copies this database to an empty one on a
 * server, verified table by table, and only then offers to switch to it.
 */
export function MoveDatabaseDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [url, setUrl] = useState('');
  const [resume, setResume] = useState(false);
  const [intoExisting, setIntoExisting] = useState(false);
  const [progress, setProgress] = useState<TransferProgress | null>(null);
  const move = useWrite('database.move', { invalidates: [], notifyErrors: false });
  const settings = useChannel('settings.get', {});
  const save = useWrite('settings.saveDatabase', {
    success: () => 'Saved; the console uses the server from its next start',
    invalidates: ['settings'],
  });
  useEffect(
    () =>
      window.fleet.onEvent((event) => {
        if (event.type === 'transfer-progress') setProgress(event);
      }),
    [],
  );
  const close = () => {
    if (move.isPending) return;
    move.reset();
    save.reset();
    setProgress(null);
    onClose();
  };
  const report = move.data;
  const primary = useRef<HTMLButtonElement>(null);
  const settled = move.isSuccess || move.isError;
  useEffect(() => {
    // the Move button is disabled while the move runs, which drops the keyboard's focus to the
    // page behind the dialog: give it back to the dialog's next step
    if (settled) primary.current?.focus();
  }, [settled]);
  const percent =
    progress && progress.tenantsTotal > 0
      ? (progress.tenantsDone / progress.tenantsTotal) * 100
      : progress?.phase === 'done'
        ? 100
        : 0;
  const seconds = progress ? progress.elapsedMs / 1000 : 0;
  return (
    <Modal opened={opened} onClose={close} title="Move to a server" size="lg">
      <Stack>
        <Text size="sm">
          Copies every organization, user, skill, agent and audit event to a PostgreSQL database (14
          or newer) that is empty or, if you say so, holds other FleetPrompt data; then compares
          every table with this one. This database is only read. Nobody should make changes while it
          runs: a change would make the comparison fail.
        </Text>
        {!report && (
          <>
            <TextInput
              label="Server URL"
              placeholder="postgres://user:password@host:5432/database"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={fieldSentence(move.error?.fields?.url)}
              disabled={move.isPending}
              data-autofocus
            />
            <Checkbox
              label="Add to the FleetPrompt data the database already holds (refused if anything clashes)"
              checked={intoExisting}
              onChange={(e) => setIntoExisting(e.currentTarget.checked)}
              disabled={move.isPending}
            />
            <Checkbox
              label="Continue an interrupted move to this server"
              checked={resume}
              onChange={(e) => setResume(e.currentTarget.checked)}
              disabled={move.isPending}
            />
          </>
        )}
        {progress && (move.isPending || report) && (
          <Stack gap={4}>
            <Progress value={percent} aria-label="Move progress" animated={move.isPending} />
            <Text size="sm" aria-live="polite">
              {PHASES[progress.phase]}: {formatNumber(progress.tenantsDone)} of{' '}
              {counted(progress.tenantsTotal, 'tenant')}, {counted(progress.rows, 'row')}
              {seconds > 0 && `, ${formatNumber(Math.round(progress.rows / seconds))} rows/s`}
            </Text>
          </Stack>
        )}
        {move.error && (
          <Alert color="red" title="Not moved">
            {move.error.message}
          </Alert>
        )}
        {report && (
          <Alert color="teal" title="Moved and verified">
            To <Code>{report.target}</Code>: {counted(report.tenants, 'tenant')},{' '}
            {counted(report.tables, 'table')} and {counted(report.rows, 'row')} copied in{' '}
            {report.seconds.toFixed(1)} s; every table matches this database. The console still uses
            this database until you switch.
          </Alert>
        )}
        {report && settings.data?.requireAdminSecondFactor === false && (
          // a server is reachable by more people than a file on one machine
          <Alert color="blue" title="On a server, ask administrators for a second step">
            Consoles elsewhere can now reach this data. Consider requiring two-step sign-in of every
            administrator:
            <RequireSecondFactorSetting required={settings.data.requireAdminSecondFactor} />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={move.isPending}>
            {report ? 'Close' : 'Cancel'}
          </Button>
          {report ? (
            <Button
              ref={primary}
              loading={save.isPending}
              disabled={save.isSuccess}
              onClick={() => save.mutate({ mode: 'url', url })}
            >
              {save.isSuccess
                ? 'Switched from the next start'
                : 'Use this server from the next start'}
            </Button>
          ) : (
            <Button
              ref={primary}
              loading={move.isPending}
              disabled={!url.trim()}
              onClick={() => {
                setProgress(null);
                move.mutate({ url: url.trim(), resume, intoExisting });
              }}
            >
              Move
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
