import { Alert, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';

/*
 * No lost edits: an edit dialog saves against the version the record had
 * when the dialog opened — never one reloaded meanwhile — and when someone
 * else saved first, it shows their values beside the operator's, field by
 * field, and lets the operator choose.
 */

/** One field of a record as both sides show it. */
export interface ConflictField<R, V> {
  label: string;
  theirs: (record: R) => string;
  yours: (values: V) => string;
}

export interface Conflict<R, V> {
  theirs: R;
  yours: V;
}

/**
 * The record as the dialog opened it: the first value it was given,
 * whatever the screen behind it reloads while the dialog is open.
 */
export function useOpenedRecord<R>(record: R): R {
  return useState(record)[0];
}

/**
 * Saves `values` on top of the version the dialog opened; a CONFLICT
 * reads the record as it is now and becomes `conflict` instead of an error.
 * `takeYours` saves the operator's values on top of that newer version.
 */
export function useVersionedSave<R extends { version: number }, V>(options: {
  /** The record as the dialog opened it (none while creating, when nothing is saved here). */
  base: R | undefined;
  load: () => Promise<R>;
  save: (version: number, values: V) => Promise<unknown>;
  /** Field errors and other refusals, as the dialog shows them. */
  onError: (error: unknown) => void;
}) {
  const [conflict, setConflict] = useState<Conflict<R, V> | null>(null);
  const attempt = async (version: number, values: V): Promise<boolean> => {
    try {
      await options.save(version, values);
      setConflict(null);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') {
        setConflict({ theirs: await options.load(), yours: values });
      } else options.onError(error);
      return false;
    }
  };
  return {
    conflict,
    submit: (values: V) => attempt(options.base?.version ?? 0, values),
    takeYours: async () => (conflict ? attempt(conflict.theirs.version, conflict.yours) : false),
    backToEditing: () => setConflict(null),
  };
}

/** Their saved values beside the operator's unsaved ones, and the three ways on. */
export function ConflictPanel<R, V>({
  conflict,
  fields,
  saving,
  onKeepTheirs,
  onTakeYours,
  onBackToEditing,
}: {
  conflict: Conflict<R, V>;
  fields: ConflictField<R, V>[];
  saving: boolean;
  onKeepTheirs: () => void;
  onTakeYours: () => void;
  onBackToEditing: () => void;
}) {
  const rows = fields
    .map((f) => ({
      label: f.label,
      theirs: f.theirs(conflict.theirs),
      yours: f.yours(conflict.yours),
    }))
    .filter((row) => row.theirs !== row.yours);
  return (
    <Stack>
      <Alert color="orange" title="Someone else saved this first" role="alert">
        Nothing of yours was saved. Compare their version with yours, then choose which to keep.
      </Alert>
      {rows.length === 0 ? (
        <Text size="sm">Their save left every field you can edit here as you have it.</Text>
      ) : (
        <Table withTableBorder aria-label="Their saved values beside yours">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Field</Table.Th>
              <Table.Th scope="col">Theirs (saved)</Table.Th>
              <Table.Th scope="col">Yours (not saved)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.label}>
                <Table.Th scope="row">{row.label}</Table.Th>
                <Table.Td style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                  {row.theirs || '—'}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                  {row.yours || '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onBackToEditing}>
          Back to editing
        </Button>
        <Button variant="default" onClick={onKeepTheirs}>
          Keep theirs
        </Button>
        <Button color="orange" loading={saving} onClick={onTakeYours}>
          Save mine over theirs
        </Button>
      </Group>
    </Stack>
  );
}

/** The panel as an edit dialog shows it: its choices wired to the save, the dialog closed when done. */
export function VersionedConflict<R extends { version: number }, V>({
  versioned,
  fields,
  saving,
  onClose,
}: {
  versioned: ReturnType<typeof useVersionedSave<R, V>> & { conflict: Conflict<R, V> };
  fields: ConflictField<R, V>[];
  saving: boolean;
  onClose: () => void;
}) {
  return (
    <ConflictPanel
      conflict={versioned.conflict}
      fields={fields}
      saving={saving}
      onKeepTheirs={onClose}
      onTakeYours={() => void versioned.takeYours().then((saved) => saved && onClose())}
      onBackToEditing={versioned.backToEditing}
    />
  );
}
