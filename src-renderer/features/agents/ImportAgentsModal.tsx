import {
  Alert,
  Button,
  FileInput,
  Group,
  List,
  Modal,
  SegmentedControl,
  Stack,
  Text,
} from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { useState } from 'react';
import type { AgentImportResult } from '../../../src-shared/contract.ts';
import {
  agentDocumentField,
  type AgentDocument,
} from '../../../src-shared/domain/agent-document.ts';
import { fieldInWords } from '../../../src-shared/domain/input-messages.ts';
import { counted } from '../../../src-shared/plural.ts';
import { useWrite } from '../../api/hooks.ts';
import { FormActions } from '../../components/FormActions.tsx';

type OnConflict = 'skip' | 'rename';
type Problem = { message: string; details: string[] };
type CheckedFile = { document: AgentDocument };

/** Reads and checks an agent export with the same rules the main process applies. */
async function checkAgentFile(file: File): Promise<CheckedFile | { problem: Problem }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch {
    return { problem: { message: `${file.name} is not a JSON file`, details: [] } };
  }
  const result = agentDocumentField.safeParse(parsed);
  if (result.success) return { document: result.data };
  const details = result.error.issues.map(
    (issue) => `${fieldInWords(issue.path.map(String).join('.'))} ${issue.message}`,
  );
  return {
    problem: {
      message: `${file.name} cannot be imported as it is; nothing would be created`,
      details: [...new Set(details)],
    },
  };
}

/**
 * Imports an agent export into an organization. The main process checks
 * the whole document before it creates anything, and creates all or nothing.
 */
export function ImportAgentsModal({
  organizationId,
  onClose,
}: {
  organizationId: string;
  onClose: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [onConflict, setOnConflict] = useState<OnConflict>('skip');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<AgentImportResult | null>(null);
  const importAgents = useWrite('agents.import', {
    invalidates: ['agents', 'organizations'],
    notifyErrors: false,
    success: (r) => `Imported ${counted(r.created, 'agent')}`,
  });

  const [checked, setChecked] = useState<CheckedFile | null>(null);

  /** Checks the file as soon as it is chosen: the operator learns what is wrong before Import. */
  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setProblem(null);
    setChecked(null);
    if (!chosen) return;
    const found = await checkAgentFile(chosen);
    if ('problem' in found) setProblem(found.problem);
    else setChecked(found);
  };

  const submit = async () => {
    setProblem(null);
    if (!file) {
      setProblem({ message: 'Choose an agent export file first', details: [] });
      return;
    }
    const found = checked ?? (await checkAgentFile(file));
    if ('problem' in found) {
      setProblem(found.problem);
      return;
    }
    const { document } = found;
    importAgents.mutate(
      { organizationId, onConflict, document: document as never },
      {
        onSuccess: setResult,
        onError: (error) =>
          setProblem({
            message: `Nothing was imported: ${error.message}`,
            details: Object.entries(error.fields ?? {}).map(
              ([field, why]) => `${fieldInWords(field)} ${why}`,
            ),
          }),
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title="Import agents" size="lg">
      {result ? (
        <Stack>
          <Text>
            {result.created} created, {result.skipped} skipped.
          </Text>
          <List size="sm" aria-label="Import result">
            {result.agents.map((a, i) => (
              <List.Item key={i}>
                {a.name}: {a.outcome === 'renamed' ? `created as ${a.importedAs}` : a.outcome}
              </List.Item>
            ))}
          </List>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FileInput
            label="Agent export (.json)"
            placeholder="Choose a file"
            accept="application/json,.json"
            leftSection={<IconFileImport size={16} />}
            value={file}
            onChange={(chosen) => void choose(chosen)}
            clearable
          />
          {checked && (
            <Text size="sm" role="status">
              {counted(checked.document.agents.length, 'agent')} to import:{' '}
              {checked.document.agents
                .slice(0, 5)
                .map((agent) => agent.name)
                .join(', ')}
              {checked.document.agents.length > 5 ? ', …' : ''}
            </Text>
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              When an agent of the same name exists
            </Text>
            <SegmentedControl
              aria-label="When an agent of the same name exists"
              value={onConflict}
              onChange={(v) => setOnConflict(v as OnConflict)}
              data={[
                { value: 'skip', label: 'Skip it' },
                { value: 'rename', label: 'Import a renamed copy' },
              ]}
            />
          </Stack>
          {problem && (
            <Alert color="red" title="Not imported" role="alert">
              <Text size="sm">{problem.message}</Text>
              {problem.details.length > 0 && (
                <List size="xs" mt="xs">
                  {problem.details.slice(0, 10).map((d) => (
                    <List.Item key={d}>{d}</List.Item>
                  ))}
                </List>
              )}
            </Alert>
          )}
          <FormActions onCancel={onClose} loading={importAgents.isPending} submitLabel="Import" />
        </Stack>
      )}
    </Modal>
  );
}
