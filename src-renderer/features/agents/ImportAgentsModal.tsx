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
import { useWrite } from '../../api/hooks.ts';
import { FormActions } from '../../components/FormActions.tsx';

type OnConflict = 'skip' | 'rename';

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
  const [problem, setProblem] = useState<{ message: string; details: string[] } | null>(null);
  const [result, setResult] = useState<AgentImportResult | null>(null);
  const importAgents = useWrite('agents.import', {
    invalidates: ['agents', 'organizations'],
    notifyErrors: false,
    success: (r) => `Imported ${r.created} ${r.created === 1 ? 'agent' : 'agents'}`,
  });

  const submit = async () => {
    setProblem(null);
    if (!file) {
      setProblem({ message: 'Choose an agent export file first', details: [] });
      return;
    }
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch {
      setProblem({ message: `${file.name} is not a JSON file`, details: [] });
      return;
    }
    importAgents.mutate(
      { organizationId, onConflict, document: document as never },
      {
        onSuccess: setResult,
        onError: (error) =>
          setProblem({
            message: `Nothing was imported: ${error.message}`,
            details: Object.entries(error.fields ?? {}).map(([field, why]) => `${field}: ${why}`),
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
            onChange={setFile}
            clearable
          />
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
