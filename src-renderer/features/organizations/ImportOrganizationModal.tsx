import {
  Alert,
  Anchor,
  Button,
  FileInput,
  Group,
  Modal,
  Progress,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import {
  IMPORT_CHUNK_BYTES,
  MAX_IMPORT_BYTES,
  type OrganizationImportReport,
} from '../../../src-shared/contract.ts';
import { slugProblem } from '../../../src-shared/domain/slug.ts';
import { call, type ApiError } from '../../api/client.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { counted } from '../../../src-shared/plural.ts';
import { formatNumber } from '../../components/forms.ts';

type Mode = 'restore' | 'clone';

/** Where an import is: sending the archive (bytes so far), or the main process checking and writing it. */
type Stage = { sending: number } | 'importing' | null;

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Imports an organization archive (what is wrong is said in one alert:
 * Mantine's red field text falls below WCAG AA's contrast): sent to the main process in chunks (a
 * call's body is bounded), then checked whole and written all or nothing,
 * either as it was (the organization must be absent) or as a clone under
 * a new slug.
 */
export function ImportOrganizationModal({ onClose }: { onClose: () => void }) {
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<Mode>('clone');
  const [slug, setSlug] = useState('');
  const [stage, setStage] = useState<Stage>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [slugError, setSlugError] = useState<string | null>(null);
  const [result, setResult] = useState<OrganizationImportReport | null>(null);

  const submit = async () => {
    setProblem(null);
    setFileProblem(null);
    setSlugError(null);
    if (!file) return setFileProblem('Choose an organization archive first');
    if (file.size > MAX_IMPORT_BYTES)
      return setFileProblem('The console takes archives up to 1 GiB');
    const slugIssue = mode === 'clone' ? slugProblem(slug) : null;
    if (slugIssue) return setSlugError(`The new slug ${slugIssue}`);
    const upload = crypto.randomUUID();
    const chunks = Math.max(1, Math.ceil(file.size / IMPORT_CHUNK_BYTES));
    try {
      for (let index = 0; index < chunks; index++) {
        setStage({ sending: index * IMPORT_CHUNK_BYTES });
        const start = index * IMPORT_CHUNK_BYTES;
        const bytes = new Uint8Array(
          await file.slice(start, start + IMPORT_CHUNK_BYTES).arrayBuffer(),
        );
        await call('organizations.import', { step: 'chunk', upload, index, data: base64Of(bytes) });
      }
      setStage('importing');
      const { imported } = await call('organizations.import', {
        step: 'finish',
        upload,
        chunks,
        ...(mode === 'clone' ? { as: slug } : {}),
      });
      setResult(imported);
      await client.invalidateQueries({ queryKey: ['organizations'] });
    } catch (error) {
      const refusal = error as ApiError;
      if (refusal.fields?.file) setFileProblem(refusal.message);
      else setProblem(refusal.message);
    } finally {
      setStage(null);
    }
  };

  const busy = stage !== null;
  return (
    <Modal opened onClose={onClose} title="Import organization" size="lg">
      {result ? (
        <Stack>
          <Alert color="teal" title="Imported and verified" role="status">
            {/* a clone's name already ends in "(clone <slug>)" */}
            {result.name.includes(result.slug)
              ? result.name
              : `${result.name} (${result.slug})`}: {counted(result.users, 'user')},{' '}
            {counted(result.agents, 'agent')}, {counted(result.tables, 'table')},{' '}
            {counted(result.rows, 'row')}, each table compared with the archive.
          </Alert>
          {result.clone && (
            <Text size="sm">
              Its users are unconfirmed, each email made unique as local+{result.slug}@domain:
              confirm those who need to sign in.
            </Text>
          )}
          <Group justify="flex-end">
            <Anchor
              component={Link}
              to={`/organizations/${result.organizationId}`}
              onClick={onClose}
            >
              Open {result.name}
            </Anchor>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy) void submit();
          }}
        >
          <FileInput
            label="Organization archive (.fptenant)"
            placeholder="Choose a file"
            accept=".fptenant"
            leftSection={<IconFileImport size={16} />}
            value={file}
            onChange={setFile}
            disabled={busy}
            clearable
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="import-mode-label">
              Import it
            </Text>
            <SegmentedControl
              aria-labelledby="import-mode-label"
              value={mode}
              onChange={(v) => setMode(v as Mode)}
              disabled={busy}
              data={[
                { value: 'clone', label: 'As a clone, beside the original' },
                { value: 'restore', label: 'As it was (restore)' },
              ]}
            />
          </Stack>
          {mode === 'clone' ? (
            <>
              <TextInput
                label="Slug of the clone"
                description="Lowercase letters, digits and single hyphens."
                value={slug}
                onChange={(e) => setSlug(e.currentTarget.value)}
                aria-invalid={slugError !== null}
                disabled={busy}
                required
              />
              <Text size="sm">
                A clone gets new ids for the organization, its users and its agents, the name
                &ldquo;&lt;name&gt; (clone &lt;slug&gt;)&rdquo;, each user&rsquo;s email as
                local+&lt;slug&gt;@domain, and every user unconfirmed until an administrator
                confirms them.
              </Text>
            </>
          ) : (
            <Text size="sm">
              Restores the organization with its ids, users and agents as they were: the database
              must not hold it (deleted, or a database it never was in).
            </Text>
          )}
          {stage !== null && (
            <Stack gap={4}>
              <Text size="sm" id="import-progress-label">
                {stage === 'importing'
                  ? 'Checking the archive and importing it…'
                  : `Sending the archive: ${formatNumber(Math.round(stage.sending / 1024))} of ${formatNumber(Math.round((file?.size ?? 0) / 1024))} KiB`}
              </Text>
              <Progress
                aria-labelledby="import-progress-label"
                value={
                  stage === 'importing' ? 100 : (stage.sending / Math.max(1, file?.size ?? 1)) * 100
                }
                animated={stage === 'importing'}
                striped={stage === 'importing'}
              />
            </Stack>
          )}
          {(problem ?? fileProblem ?? slugError) && (
            <Alert color="red" title="Nothing was imported" role="alert">
              {problem ?? fileProblem ?? slugError}
            </Alert>
          )}
          <FormActions onCancel={onClose} loading={busy} submitLabel="Import" />
        </Stack>
      )}
    </Modal>
  );
}
