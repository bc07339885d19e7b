import {
  Badge,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPencil, IconRosetteDiscountCheck, IconTrash } from '@tabler/icons-react';
import { zod4Resolver } from 'mantine-form-zod-resolver';
import { useState } from 'react';
import { contract } from '../../../src-shared/contract.ts';
import { SKILL_CATEGORIES } from '../../../src-shared/domain/enums.ts';
import { TIERS } from '../../../src-shared/domain/tiers.ts';
import type { SkillDto } from '../../../src-shared/dto.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { TierBadge } from '../../components/badges.tsx';
import type { Column } from '../../components/DataTable.tsx';
import { submitWith } from '../../components/forms.ts';
import { useListParams } from '../../components/list-params.ts';
import { ListScreen } from '../../components/ListScreen.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { confirmDelete } from '../../components/confirm-delete.tsx';
import { FormActions } from '../../components/FormActions.tsx';

const schema = contract['skills.create'].input;
const categoryLabel = (c: string) => c.replace('_', ' ');

function SkillModal({ skill, onClose }: { skill?: SkillDto; onClose: () => void }) {
  const form = useForm({
    initialValues: {
      name: skill?.name ?? '',
      slug: skill?.slug ?? '',
      description: skill?.description ?? '',
      category: skill?.category ?? null,
      tierRequired: skill?.tierRequired ?? 'free',
      systemPromptEnhancement: skill?.systemPromptEnhancement ?? '',
      tools: skill?.tools ?? [],
      isOfficial: skill?.isOfficial ?? false,
    },
    validate: zod4Resolver(schema),
  });
  const create = useWrite('skills.create', { success: (s) => `Added ${s.name} to the catalog` });
  const update = useWrite('skills.update', { success: (s) => `Saved ${s.name}` });
  const submit = form.onSubmit(async (values) => {
    const input = { ...values, description: values.description || null };
    const saved = await submitWith(form, () =>
      skill ? update.mutateAsync({ id: skill.id, ...input }) : create.mutateAsync(input),
    );
    if (saved) onClose();
  });
  return (
    <Modal opened onClose={onClose} title={skill ? `Edit ${skill.name}` : 'New skill'} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Group grow>
            <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
            <TextInput label="Slug" {...form.getInputProps('slug')} />
          </Group>
          <TextInput label="Description" {...form.getInputProps('description')} />
          <Group grow>
            <Select
              label="Category"
              data={SKILL_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))}
              clearable
              {...form.getInputProps('category')}
            />
            <Select
              label="Tier required"
              data={[...TIERS]}
              allowDeselect={false}
              {...form.getInputProps('tierRequired')}
            />
          </Group>
          <TagsInput
            label="Tools"
            description="Press Enter after each tool"
            placeholder="web_search"
            {...form.getInputProps('tools')}
          />
          <Textarea
            label="System prompt enhancement"
            autosize
            minRows={5}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            {...form.getInputProps('systemPromptEnhancement')}
          />
          <Switch
            label="Official skill"
            {...form.getInputProps('isOfficial', { type: 'checkbox' })}
          />
          <FormActions
            onCancel={onClose}
            loading={create.isPending || update.isPending}
            submitLabel={skill ? 'Save' : 'Add skill'}
          />
        </Stack>
      </form>
    </Modal>
  );
}

export function SkillsPage() {
  const { can } = useSession();
  const admin = can('manageSkills');
  const params = useListParams({ sort: 'name' });
  const query = useChannel('skills.list', params.list, { placeholderData: (p) => p });
  const [editing, setEditing] = useState<SkillDto | 'new' | null>(null);
  const remove = useWrite('skills.delete', {
    invalidates: ['skills', 'agents'],
    success: ({ detachedFrom }) =>
      detachedFrom.length === 0
        ? 'Skill deleted'
        : `Skill deleted and detached from ${detachedFrom
            .map((d) => `${d.organizationName} (${d.agents})`)
            .join(', ')}`,
  });
  /** Agents that use the skill make the first delete refuse; the operator may then force it. */
  const askForce = (skill: SkillDto, reason: string) =>
    confirmDelete({
      title: `${skill.name} is in use`,
      consequence: `${reason}. Detach and delete removes it from those agents and the catalog in one step.`,
      confirmLabel: 'Detach and delete',
      onConfirm: () => remove.mutate({ id: skill.id, force: true }),
    });
  const askDelete = (skill: SkillDto) =>
    confirmDelete({
      title: `Delete ${skill.name}?`,
      consequence: 'The skill leaves the global catalog for every organization.',
      confirmLabel: 'Delete skill',
      onConfirm: () =>
        remove.mutate(
          { id: skill.id },
          {
            onError: (error) => {
              if (error.code === 'CONFLICT') askForce(skill, error.message.split(';')[0] ?? '');
            },
          },
        ),
    });
  const columns: Column<SkillDto>[] = [
    { key: 'name', label: 'Name', sort: 'name', render: (s) => <Text fw={500}>{s.name}</Text> },
    {
      key: 'category',
      label: 'Category',
      sort: 'category',
      render: (s) => (s.category ? categoryLabel(s.category) : '—'),
    },
    {
      key: 'tier',
      label: 'Tier required',
      sort: 'tierRequired',
      render: (s) => <TierBadge tier={s.tierRequired} />,
    },
    {
      key: 'official',
      label: 'Official',
      sort: 'isOfficial',
      render: (s) =>
        s.isOfficial ? (
          <Badge leftSection={<IconRosetteDiscountCheck size={12} />} variant="light" color="teal">
            official
          </Badge>
        ) : (
          '—'
        ),
    },
    {
      key: 'tools',
      label: 'Tools',
      render: (s) => (
        <Text size="sm" c="dimmed">
          {s.tools.join(', ') || '—'}
        </Text>
      ),
    },
    {
      key: 'actions',
      label: '',
      render: (s) => (
        <RowActions
          name={s.name}
          actions={[
            {
              label: 'Edit',
              icon: <IconPencil size={14} />,
              when: admin,
              onClick: () => setEditing(s),
            },
            {
              label: 'Delete',
              icon: <IconTrash size={14} />,
              when: admin,
              danger: true,
              onClick: () => askDelete(s),
            },
          ]}
        />
      ),
    },
  ];
  return (
    <>
      <ListScreen
        title="Skills"
        description="The global catalog of skills agents can be composed from."
        create={admin && { label: 'New skill', onClick: () => setEditing('new') }}
        csv={{ table: 'skills' }}
        columns={columns}
        query={query}
        params={params}
        rowKey={(s) => s.id}
        empty="The catalog is empty."
        searchPlaceholder="Search skills…"
      />
      {editing && (
        <SkillModal
          skill={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
