import {
  Alert,
  Button,
  Code,
  Group,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { counted } from '../../../src-shared/plural.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { LoadDemoDataButton } from '../../components/LoadDemoDataButton.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Panel } from '../../components/Panel.tsx';
import { CommandBlock } from '../../components/CommandBlock.tsx';
import { DailyBackupsSetting } from './DailyBackupsSetting.tsx';
import { MoveDatabaseDialog } from './MoveDatabaseDialog.tsx';
import { RequireSecondFactorSetting } from './RequireSecondFactorSetting.tsx';
import { fieldSentence } from '../../components/forms.ts';

// docs/security.md explains each line; the operator may not have the repository at hand
const LEAST_PRIVILEGE_ROLE = `create role fleetprompt login password '…';
create database fleetprompt owner fleetprompt;
revoke connect on database fleetprompt from public;
grant connect on database fleetprompt to fleetprompt;
-- connected to the database fleetprompt:
create extension if not exists citext;`;

export function SettingsPage() {
  const settings = useChannel('settings.get', {});
  const [mode, setMode] = useState<'embedded' | 'url'>('embedded');
  const [url, setUrl] = useState('');
  useEffect(() => {
    if (settings.data) setMode(settings.data.database.mode);
  }, [settings.data]);
  const test = useWrite('settings.testDatabase', {
    success: (r) => `Connected: PostgreSQL ${r.version}`,
    invalidates: [],
  });
  const save = useWrite('settings.saveDatabase', {
    success: () => 'Saved; the console uses it from the next start',
    invalidates: ['settings'],
  });
  const backup = useWrite('database.backup', {
    success: (r) => `Backed up to ${r.file}`,
    invalidates: [],
  });
  const [moving, setMoving] = useState(false);
  const s = settings.data;
  return (
    <>
      <PageHeader title="Settings" description="Where the console keeps its data." />
      <Stack maw={720}>
        <Panel title="Database">
          {s && (
            <Text size="sm" c="dimmed" mb="sm">
              In use now:{' '}
              {s.databaseSource === 'embedded'
                ? 'the embedded PostgreSQL'
                : s.databaseSource === 'DATABASE_URL'
                  ? 'the database the environment names (DATABASE_URL)'
                  : 'the saved URL'}
              {s.database.url && (
                <>
                  {' '}
                  · saved: <Code>{s.database.url}</Code>
                </>
              )}
            </Text>
          )}
          {s?.superuser && (
            <Alert color="orange" title="Connected as a superuser" mb="sm" role="status">
              <Stack gap="xs">
                <Text size="sm">
                  The console works, but a superuser can do anything on the server (run programs,
                  read files). Give it a role that owns only its database and may connect to no
                  other: run these as a superuser (the extension in the new database), then save
                  that role&apos;s URL below.
                </Text>
                <CommandBlock label="A role for the console" command={LEAST_PRIVILEGE_ROLE} />
              </Stack>
            </Alert>
          )}
          <Stack>
            {/* the toggle is the saved choice, which the environment may override: said so, the
                two lines never seem to disagree */}
            <Text size="sm" fw={500} id="saved-database-choice">
              {s?.databaseSource === 'DATABASE_URL'
                ? 'Saved choice, used by a start without DATABASE_URL'
                : 'Saved choice, used from the next start'}
            </Text>
            <SegmentedControl
              aria-label="Database"
              aria-describedby="saved-database-choice"
              value={mode}
              onChange={(v) => setMode(v as 'embedded' | 'url')}
              data={[
                { value: 'embedded', label: 'Embedded' },
                { value: 'url', label: 'PostgreSQL URL' },
              ]}
            />
            {mode === 'url' && (
              <TextInput
                label="Connection URL"
                placeholder="postgres://user:password@host:5432/database"
                value={url}
                onChange={(e) => setUrl(e.currentTarget.value)}
                error={fieldSentence(test.error?.fields?.url ?? save.error?.fields?.url)}
                description="Tested before it is saved; the password is never shown back."
              />
            )}
            {(test.error || save.error) && (
              <Alert color="red">{(test.error ?? save.error)?.message}</Alert>
            )}
            <Group justify="flex-end">
              {mode === 'url' && (
                <Button
                  variant="default"
                  loading={test.isPending}
                  onClick={() => test.mutate({ url })}
                >
                  Test connection
                </Button>
              )}
              <Button
                loading={save.isPending}
                onClick={() => save.mutate(mode === 'url' ? { mode, url } : { mode })}
              >
                Save
              </Button>
            </Group>
          </Stack>
        </Panel>
        <Panel title="Backups and moves">
          <Stack gap="xs" mb="sm">
            <Text size="sm" c="dimmed">
              A backup is one file holding everything the console keeps. The embedded database is
              also backed up before each upgrade (the last three are kept) and once a day, into this
              folder:
            </Text>
            <Code block>{s ? `${s.dataDir}/backups` : '…'}</Code>
            <Text size="sm" c="dimmed">
              A backup is restored outside the console, into an empty database. Close every console,
              then run this in the console&apos;s installation folder, with the backup file&apos;s
              path in place of FILE:
            </Text>
            <CommandBlock
              command="npm run db:restore -- FILE"
              label="Command that restores a backup"
            />
          </Stack>
          {s?.startupBackup && (
            <Alert color="blue" mb="sm" title="Backed up before this start's upgrade">
              <Code>{s.startupBackup}</Code>
            </Alert>
          )}
          {backup.data && (
            <Alert color="teal" mb="sm" title="Backed up">
              <Code>{backup.data.file}</Code>: {counted(backup.data.tables, 'table')},{' '}
              {counted(backup.data.rows, 'row')}, {Math.ceil(backup.data.bytes / 1024)} KiB
            </Alert>
          )}
          <DailyBackupsSetting kept={s?.dailyBackupsKept} />
          <Group>
            <Button variant="default" loading={backup.isPending} onClick={() => backup.mutate({})}>
              Back up now
            </Button>
            <Button variant="default" onClick={() => setMoving(true)}>
              Move to a server…
            </Button>
          </Group>
          <MoveDatabaseDialog opened={moving} onClose={() => setMoving(false)} />
        </Panel>
        <Panel title="Sign-in">
          <RequireSecondFactorSetting required={s?.requireAdminSecondFactor} />
        </Panel>
        <Panel title="Demo data">
          <Text size="sm" c="dimmed" mb="sm">
            The demo organization (Demo Company), its administrator admin@demo.com, the three
            catalog skills and a support agent. Loading again changes nothing that exists.
          </Text>
          <Group>
            <LoadDemoDataButton />
          </Group>
        </Panel>
        <Panel title="About">
          <Text size="sm">
            Data folder: <Code>{s?.dataDir ?? '…'}</Code>
          </Text>
          <Text size="sm">Version: {s?.appVersion ?? '…'}</Text>
        </Panel>
      </Stack>
    </>
  );
}
