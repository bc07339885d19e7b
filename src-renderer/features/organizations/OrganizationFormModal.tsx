import { Modal, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { contract } from '../../../src-shared/contract.ts';
import { BILLING_STATUSES, billingStatusName } from '../../../src-shared/domain/enums.ts';
import { ENDING_BILLING_STATUSES } from '../../../src-shared/domain/permissions.ts';
import { useSession } from '../../auth/session.tsx';
import { ChangedElsewhere } from '../../components/ChangedElsewhere.tsx';
import { suggestSlug, tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { TIERS, limitInWords, tierLimits, tierName } from '../../../src-shared/domain/tiers.ts';
import type { OrganizationDto } from '../../../src-shared/dto.ts';
import { call } from '../../api/client.ts';
import { useWrite } from '../../api/hooks.ts';
import {
  useOpenedRecord,
  VersionedConflict,
  useVersionedSave,
  type ConflictField,
} from '../../components/edit-conflict.tsx';
import { sentenceResolver, showFieldErrors, submitWith } from '../../components/forms.ts';
import { FormActions } from '../../components/FormActions.tsx';

const createSchema = contract['organizations.create'].input;
const editSchema = contract['organizations.update'].input.pick({ name: true, billingStatus: true });
type EditValues = Pick<OrganizationDto, 'name' | 'billingStatus'>;

const ORGANIZATION_FIELDS: ConflictField<OrganizationDto, EditValues>[] = [
  { label: 'Name', theirs: (o) => o.name, yours: (v) => v.name },
  {
    label: 'Billing status',
    theirs: (o) => billingStatusName(o.billingStatus),
    yours: (v) => billingStatusName(v.billingStatus),
  },
];

export function CreateOrganizationModal({
  opened,
  onClose,
}: {
  opened: boolean;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const [slugEdited, setSlugEdited] = useState(false);
  const form = useForm({
    initialValues: { name: '', slug: '', tier: 'free' as (typeof TIERS)[number] },
    validate: sentenceResolver(createSchema),
    validateInputOnChange: ['slug'],
  });
  const create = useWrite('organizations.create', {
    success: (o) => `Created ${o.name}`,
  });
  const limits = tierLimits(form.values.tier);
  const submit = form.onSubmit(async (values) => {
    const org = await submitWith(form, () => create.mutateAsync(values));
    if (org) {
      form.reset();
      setSlugEdited(false);
      onClose();
      navigate(`/organizations/${org.value.id}`);
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New organization">
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Name"
            data-autofocus
            {...form.getInputProps('name')}
            onChange={(e) => {
              form.setFieldValue('name', e.currentTarget.value);
              if (!slugEdited) form.setFieldValue('slug', suggestSlug(e.currentTarget.value));
            }}
          />
          <TextInput
            label="Slug"
            description={
              form.values.slug
                ? `Its data is kept as ${tenantSchemaName(form.values.slug)}. You can rename the slug later from the organization's page.`
                : 'Lowercase letters, digits and single hyphens. You can rename it later.'
            }
            {...form.getInputProps('slug')}
            onChange={(e) => {
              setSlugEdited(true);
              form.setFieldValue('slug', e.currentTarget.value);
            }}
          />
          <Select
            label="Tier"
            data={TIERS.map((t) => ({ value: t, label: tierName(t) }))}
            description={`Tokens a month: ${limitInWords('monthlyTokenLimit', limits.monthlyTokenLimit)} · agents: ${limitInWords('agentLimit', limits.agentLimit)} · workflows: ${limitInWords('workflowLimit', limits.workflowLimit)}`}
            allowDeselect={false}
            {...form.getInputProps('tier')}
          />
          <FormActions
            onCancel={onClose}
            loading={create.isPending}
            submitLabel="Create organization"
          />
        </Stack>
      </form>
    </Modal>
  );
}

export function EditOrganizationModal({
  organization,
  opened,
  onClose,
}: {
  organization: OrganizationDto;
  opened: boolean;
  onClose: () => void;
}) {
  const base = useOpenedRecord(organization);
  const form = useForm<EditValues>({
    initialValues: { name: base.name, billingStatus: base.billingStatus },
    validate: sentenceResolver(editSchema),
  });
  const update = useWrite('organizations.update', {
    success: (o) => `Saved ${o.name}`,
    inPlace: ['CONFLICT'],
  });
  const versioned = useVersionedSave<OrganizationDto, EditValues>({
    base,
    load: () => call('organizations.get', { id: base.id }),
    save: (version, values) => update.mutateAsync({ id: base.id, version, ...values }),
    onError: showFieldErrors(form),
  });
  const { can } = useSession();
  const mayEnd = can('endOrganizations', { organizationId: base.id });
  const submit = form.onSubmit(async (values) => {
    if (await versioned.submit(values)) onClose();
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`Edit ${base.name}`}>
      {versioned.conflict ? (
        <VersionedConflict
          versioned={{ ...versioned, conflict: versioned.conflict }}
          fields={ORGANIZATION_FIELDS}
          saving={update.isPending}
          onClose={onClose}
        />
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <ChangedElsewhere kind="organization" id={base.id} version={base.version} />
            <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
            <Select
              label="Billing status"
              description="Suspended and canceled organizations cannot deploy, activate, resume or redeploy agents; users of a canceled one cannot sign in."
              data={BILLING_STATUSES.map((s) => ({
                value: s,
                label: billingStatusName(s),
                // suspending or canceling one's own organization would end one's own access
                disabled: ENDING_BILLING_STATUSES.has(s) && !mayEnd,
              }))}
              allowDeselect={false}
              {...form.getInputProps('billingStatus')}
            />
            <FormActions onCancel={onClose} loading={update.isPending} submitLabel="Save" />
          </Stack>
        </form>
      )}
    </Modal>
  );
}
