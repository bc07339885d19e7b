import { Group, Modal, NumberInput, Slider, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router';
import { z } from 'zod';
import {
  DEFAULT_AGENT_CONFIG,
  TEMPERATURE_MAX,
  TEMPERATURE_MIN,
} from '../../../src-shared/domain/agent-config.ts';
import {
  agentConfigField,
  descriptionField,
  nameField,
  promptField,
} from '../../../src-shared/domain/fields.ts';
import type { AgentDto } from '../../../src-shared/dto.ts';
import { useWrite } from '../../api/hooks.ts';
import { call } from '../../api/client.ts';
import { ChangedElsewhere } from '../../components/ChangedElsewhere.tsx';
import {
  useOpenedRecord,
  VersionedConflict,
  useVersionedSave,
  type ConflictField,
} from '../../components/edit-conflict.tsx';
import { sentenceResolver, showFieldErrors, submitWith } from '../../components/forms.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { ModelField } from './ModelField.tsx';

const schema = z.object({
  name: nameField,
  description: descriptionField,
  systemPrompt: promptField,
  config: agentConfigField,
  maxConcurrentRequests: z.number().int().min(1).max(1_000),
  timeoutSeconds: z.number().int().min(1).max(3_600),
});
type Values = z.infer<typeof schema>;

function valuesOf(agent?: AgentDto): Values {
  return {
    name: agent?.name ?? '',
    description: agent?.description ?? '',
    systemPrompt: agent?.systemPrompt ?? '',
    config: agent ? { ...agent.config } : { ...DEFAULT_AGENT_CONFIG },
    maxConcurrentRequests: agent?.maxConcurrentRequests ?? 5,
    timeoutSeconds: agent?.timeoutSeconds ?? 30,
  };
}

const AGENT_FIELDS: ConflictField<AgentDto, Values>[] = [
  { label: 'Name', theirs: (a) => a.name, yours: (v) => v.name },
  { label: 'Description', theirs: (a) => a.description ?? '', yours: (v) => v.description.trim() },
  { label: 'Model', theirs: (a) => a.config.model, yours: (v) => v.config.model },
  {
    label: 'Max tokens',
    theirs: (a) => String(a.config.max_tokens),
    yours: (v) => String(v.config.max_tokens),
  },
  {
    label: 'Temperature',
    theirs: (a) => a.config.temperature.toFixed(2),
    yours: (v) => v.config.temperature.toFixed(2),
  },
  {
    label: 'Max concurrent requests',
    theirs: (a) => String(a.maxConcurrentRequests),
    yours: (v) => String(v.maxConcurrentRequests),
  },
  {
    label: 'Timeout (seconds)',
    theirs: (a) => String(a.timeoutSeconds),
    yours: (v) => String(v.timeoutSeconds),
  },
  { label: 'System prompt', theirs: (a) => a.systemPrompt, yours: (v) => v.systemPrompt },
];

/** Create or edit an agent: the config editor (model, max tokens, temperature) and the system prompt. */
export function AgentFormModal({
  organizationId,
  agent,
  opened,
  onClose,
}: {
  organizationId: string;
  agent?: AgentDto;
  opened: boolean;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const base = useOpenedRecord(agent);
  const form = useForm<Values>({
    initialValues: valuesOf(base),
    validate: sentenceResolver(schema),
  });
  const create = useWrite('agents.create', {
    success: (a) => `Created agent ${a.name}`,
    invalidates: ['agents', 'organizations'],
  });
  const update = useWrite('agents.update', {
    success: (a) => `Saved agent ${a.name}`,
    inPlace: ['CONFLICT'],
  });
  const versioned = useVersionedSave<AgentDto, Values>({
    base,
    load: () => call('agents.get', { organizationId, id: base?.id ?? '' }),
    save: (version, values) =>
      update.mutateAsync({
        organizationId,
        id: base?.id ?? '',
        version,
        ...values,
        description: values.description.trim() ? values.description : null,
      }),
    onError: showFieldErrors(form),
  });
  const submit = form.onSubmit(async (values) => {
    const description = values.description.trim() ? values.description : null;
    if (base) {
      if (await versioned.submit(values)) onClose();
      return;
    }
    const { maxConcurrentRequests: _m, timeoutSeconds: _t, ...rest } = values;
    const created = await submitWith(form, () =>
      create.mutateAsync({ organizationId, ...rest, description }),
    );
    if (created) {
      form.reset();
      onClose();
      navigate(`/agents/${organizationId}/${created.value.id}`);
    }
  });
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={base ? `Edit ${base.name}` : 'New agent'}
      size="lg"
    >
      {versioned.conflict ? (
        <VersionedConflict
          versioned={{ ...versioned, conflict: versioned.conflict }}
          fields={AGENT_FIELDS}
          saving={update.isPending}
          onClose={onClose}
        />
      ) : (
        <form onSubmit={submit}>
          <Stack>
            {base && <ChangedElsewhere kind="agent" id={base.id} version={base.version} />}
            <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
            <TextInput label="Description" {...form.getInputProps('description')} />
            <Group grow align="flex-start">
              <ModelField organizationId={organizationId} {...form.getInputProps('config.model')} />
              <NumberInput
                label="Max tokens"
                min={1}
                max={1_000_000}
                thousandSeparator=","
                {...form.getInputProps('config.max_tokens')}
              />
            </Group>
            <div>
              <Text size="sm" fw={500}>
                Temperature: {form.values.config.temperature.toFixed(2)}
              </Text>
              <Slider
                thumbLabel="Temperature"
                min={TEMPERATURE_MIN}
                max={TEMPERATURE_MAX}
                step={0.05}
                marks={[
                  { value: 0, label: '0' },
                  { value: 1, label: '1' },
                  { value: 2, label: '2' },
                ]}
                mb="md"
                {...form.getInputProps('config.temperature')}
              />
            </div>
            {agent && (
              <Group grow>
                <NumberInput
                  label="Max concurrent requests"
                  min={1}
                  max={1000}
                  {...form.getInputProps('maxConcurrentRequests')}
                />
                <NumberInput
                  label="Timeout (seconds)"
                  min={1}
                  max={3600}
                  {...form.getInputProps('timeoutSeconds')}
                />
              </Group>
            )}
            <Textarea
              label="System prompt"
              autosize
              minRows={6}
              maxRows={16}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              {...form.getInputProps('systemPrompt')}
            />
            <FormActions
              onCancel={onClose}
              loading={create.isPending || update.isPending}
              submitLabel={base ? 'Save' : 'Create agent'}
            />
          </Stack>
        </form>
      )}
    </Modal>
  );
}
