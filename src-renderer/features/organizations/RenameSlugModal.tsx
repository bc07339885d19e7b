import { Alert, Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import type { OrganizationDto } from '../../../src-shared/dto.ts';
import { useWrite } from '../../api/hooks.ts';
import { fieldSentence } from '../../components/forms.ts';

/**
 * A new slug renames the tenant's schema, which scripts and connections
 * outside the console may name: the operator types the current slug to
 * confirm. The version is the one the dialog opened with.
 */
export function RenameSlugModal({
  organization,
  onClose,
}: {
  organization: OrganizationDto;
  onClose: () => void;
}) {
  const [slug, setSlug] = useState('');
  const [typed, setTyped] = useState('');
  // as the dialog opened: the page refetches the organization (its new slug) before the toast
  const [{ version, slug: from }] = useState(organization);
  const rename = useWrite('organizations.renameSlug', {
    success: (o) => `Renamed ${from} to ${o.slug}; its schema is now ${o.schema}`,
    invalidates: ['organizations', 'agents', 'tenancy', 'users', 'fleet'],
  });
  const wanted = slug.trim();
  return (
    <Modal opened onClose={onClose} title={`Rename ${organization.slug}`}>
      <Stack>
        <Alert color="yellow" title="Outside the console, the old name stops working">
          The schema <Code>{organization.schema}</Code> becomes{' '}
          <Code>{wanted ? tenantSchemaName(wanted) : 'org_…'}</Code>. Its data stays as it is; its
          writes are refused for the moment the rename takes.
        </Alert>
        <TextInput
          label="New slug"
          description="Lowercase letters, digits and single hyphens, 2 to 40 characters"
          value={slug}
          onChange={(e) => setSlug(e.currentTarget.value)}
          error={fieldSentence(rename.error?.fields?.slug)}
          autoComplete="off"
          data-autofocus
        />
        <TextInput
          label={
            <Text size="sm" span>
              Type <Code>{organization.slug}</Code> to confirm
            </Text>
          }
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={typed !== organization.slug || wanted === '' || wanted === organization.slug}
            loading={rename.isPending}
            onClick={() =>
              rename.mutate({ id: organization.id, slug: wanted, version }, { onSuccess: onClose })
            }
          >
            Rename
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
