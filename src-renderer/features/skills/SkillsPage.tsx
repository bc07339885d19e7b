import {
  Badge,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  TagsInput,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPencil, IconRosetteDiscountCheck, IconTrash } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useOpenedByLink } from '../../components/opened-by-link.ts';
import { contract } from '../../../src-shared/contract.ts';
import { SKILL_CATEGORIES, skillCategoryName } from '../../../src-shared/domain/enums.ts';
import { TIERS, tierName } from '../../../src-shared/domain/tiers.ts';
import { toolName } from '../../../src-shared/domain/tool-names.ts';
import type { SkillDto } from '../../../src-shared/dto.ts';
import { call } from '../../api/client.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { ChangedElsewhere } from '../../components/ChangedElsewhere.tsx';
import {
  useOpenedRecord,
  VersionedConflict,
  useVersionedSave,
  type ConflictField,
} from '../../components/edit-conflict.tsx';
import { useSession } from '../../auth/session.tsx';
import { TierBadge } from '../../components/badges.tsx';
import type { Column } from '../../components/DataTable.tsx';
import { sentenceResolver, showFieldErrors, submitWith } from '../../components/forms.ts';
import { counted } from '../../../src-shared/plural.ts';
import { useListParams } from '../../components/list-params.ts';
import { ListScreen } from '../../components/ListScreen.tsx';
import { Truncated } from '../../components/Truncated.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { confirmDelete } from '../../components/confirm-delete.tsx';
import { FormActions } from '../../components/FormActions.tsx';

const schema = contract['skills.create'].input;

type SkillValues = Pick<
  SkillDto,
  'name' | 'slug' | 'category' | 'tierRequired' | 'systemPromptEnhancement' | 'tools' | 'isOfficial'
> & { description: string };

const SKILL_FIELDS: ConflictField<SkillDto, SkillValues>[] = [
  { label: 'Name', theirs: (s) => s.name, yours: (v) => v.name },
  { label: 'Slug', theirs: (s) => s.slug, yours: (v) => v.slug },
  { label: 'Description', theirs: (s) => s.description ?? '', yours: (v) => v.description },
  {
    label: 'Category',
    theirs: (s) => (s.category ? skillCategoryName(s.category) : ''),
    yours: (v) => (v.category ? skillCategoryName(v.category) : ''),
  },
  {
    label: 'Tier required',
    theirs: (s) => tierName(s.tierRequired),
    yours: (v) => tierName(v.tierRequired),
  },
  {
    label: 'Tools',
    theirs: (s) => s.tools.map(toolName).join(', '),
    yours: (v) => v.tools.map(toolName).join(', '),
  },
  {
    label: 'System prompt enhancement',
    theirs: (s) => s.systemPromptEnhancement,
    yours: (v) => v.systemPromptEnhancement,
  },
  {
    label: 'Official',
    theirs: (s) => (s.isOfficial ? 'yes' : 'no'),
    yours: (v) => (v.isOfficial ? 'yes' : 'no'),
  },
];

function SkillModal({ skill, onClose }: { skill?: SkillDto; onClose: () => void }) {
  const base = useOpenedRecord(skill);
  const form = useForm<SkillValues>({
    initialValues: {
      name: base?.name ?? '',
      slug: base?.slug ?? '',
      description: base?.description ?? '',
      category: base?.category ?? null,
      tierRequired: base?.tierRequired ?? 'free',
      systemPromptEnhancement: base?.systemPromptEnhancement ?? '',
      tools: base?.tools ?? [],
      isOfficial: base?.isOfficial ?? false,
    },
    validate: sentenceResolver(schema),
  });
  const create = useWrite('skills.create', { success: (s) => `Added ${s.name} to the catalog` });
  const update = useWrite('skills.update', {
    success: (s) => `Saved ${s.name}`,
    inPlace: ['CONFLICT'],
  });
  const versioned = useVersionedSave<SkillDto, SkillValues>({
    base,
    load: () => call('skills.get', { id: base?.id ?? '' }),
    save: (version, values) =>
      update.mutateAsync({
        id: base?.id ?? '',
        version,
        ...values,
        description: values.description || null,
      }),
    onError: showFieldErrors(form),
  });
  const submit = form.onSubmit(async (values) => {
    if (base) {
      if (await versioned.submit(values)) onClose();
      return;
    }
    const input = { ...values, description: values.description || null };
    if (await submitWith(form, () => create.mutateAsync(input))) onClose();
  });
  return (
    <Modal opened onClose={onClose} title={base ? `Edit ${base.name}` : 'New skill'} size="lg">
      {versioned.conflict ? (
        <VersionedConflict
          versioned={{ ...versioned, conflict: versioned.conflict }}
          fields={SKILL_FIELDS}
          saving={update.isPending}
          onClose={onClose}
        />
      ) : (
        <form onSubmit={submit}>
          <Stack>
            {base && <ChangedElsewhere kind="skill" id={base.id} version={base.version} />}
            <Group grow>
              <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
              <TextInput label="Slug" {...form.getInputProps('slug')} />
            </Group>
            <TextInput label="Description" {...form.getInputProps('description')} />
            <Group grow>
              <Select
                label="Category"
                data={SKILL_CATEGORIES.map((c) => ({ value: c, label: skillCategoryName(c) }))}
                clearable
                {...form.getInputProps('category')}
              />
              <Select
                label="Tier required"
                data={TIERS.map((t) => ({ value: t, label: tierName(t) }))}
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
              submitLabel={base ? 'Save' : 'Add skill'}
            />
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function SkillsPage() {
  const { can } = useSession();
  const admin = can('manageSkills');
  const params = useListParams({ sort: 'name' });
  const query = useChannel('skills.list', params.list, { placeholderData: (p) => p });
  const [editing, setEditing] = useState<SkillDto | 'new' | null>(null);
  useOpenedByLink(
    'new',
    useCallback(() => setEditing('new'), []),
  );
  const remove = useWrite('skills.delete', {
    invalidates: ['skills', 'agents'],
    success: ({ detachedFrom }) =>
      detachedFrom.length === 0
        ? 'Skill deleted'
        : `Skill deleted and detached from ${detachedFrom
            .map((d) => `${d.organizationName} (${counted(d.agents, 'agent')})`)
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
    {
      key: 'name',
      label: 'Name',
      sort: 'name',
      render: (s) => <Truncated text={s.name} fw={500} />,
    },
    {
      key: 'category',
      label: 'Category',
      sort: 'category',
      width: 150,
      render: (s) => <Truncated text={s.category ? skillCategoryName(s.category) : '—'} />,
    },
    {
      key: 'tier',
      label: 'Tier required',
      sort: 'tierRequired',
      width: 150,
      render: (s) => <TierBadge tier={s.tierRequired} />,
    },
    {
      key: 'official',
      label: 'Official',
      sort: 'isOfficial',
      width: 130,
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
      render: (s) => <Truncated text={s.tools.map(toolName).join(', ') || 'None'} c="dimmed" />,
    },
    {
      key: 'actions',
      label: '',
      width: 64,
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
