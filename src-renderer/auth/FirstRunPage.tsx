import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconInfoCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { NewPasswordFields, withConfirmation } from '../components/NewPasswordFields.tsx';
import { useState } from 'react';
import { contract } from '../../src-shared/contract.ts';
import { suggestSlug, tenantSchemaName } from '../../src-shared/domain/slug.ts';
import { call } from '../api/client.ts';
import { LoadDemoDataButton } from '../components/LoadDemoDataButton.tsx';
import { AuthCard } from './AuthCard.tsx';
import { sentenceResolver, showFieldErrors } from '../components/forms.ts';

const schema = withConfirmation(contract['auth.createFirstAdmin'].input, 'password');

export function FirstRunPage() {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [slugEdited, setSlugEdited] = useState(false);
  const form = useForm({
    initialValues: {
      organizationName: '',
      slug: '',
      email: '',
      name: '',
      password: '',
      confirmPassword: '',
    },
    validate: sentenceResolver(schema),
    validateInputOnChange: ['slug'],
  });
  const submit = form.onSubmit(async ({ confirmPassword: _c, ...values }) => {
    setError(null);
    try {
      await call('auth.createFirstAdmin', values);
      await client.invalidateQueries();
    } catch (e) {
      showFieldErrors(form)(e);
      setError(e instanceof Error ? e.message : String(e));
    }
  });
  return (
    <AuthCard
      title="Welcome to FleetPrompt"
      description="No one has signed in yet. Create the first organization and its administrator."
      width={480}
      form={{ label: 'Create the first administrator', onSubmit: submit }}
    >
      <Alert icon={<IconInfoCircle size={18} />} color="blue" variant="light">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            Want to look around first? Load the demo organization, its administrator and the skill
            catalog.
          </Text>
          <LoadDemoDataButton signInAfter variant="light" />
        </Stack>
      </Alert>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <TextInput
        label="Organization name"
        {...form.getInputProps('organizationName')}
        onChange={(e) => {
          form.setFieldValue('organizationName', e.currentTarget.value);
          if (!slugEdited) form.setFieldValue('slug', suggestSlug(e.currentTarget.value));
        }}
      />
      <TextInput
        label="Slug"
        description={
          form.values.slug
            ? `Its data is kept as ${tenantSchemaName(form.values.slug)}. You can rename the slug later.`
            : 'Lowercase letters, digits and single hyphens. You can rename it later.'
        }
        {...form.getInputProps('slug')}
        onChange={(e) => {
          setSlugEdited(true);
          form.setFieldValue('slug', e.currentTarget.value);
        }}
      />
      <Group grow>
        <TextInput label="Your name" {...form.getInputProps('name')} />
        <TextInput label="Email" autoComplete="username" {...form.getInputProps('email')} />
      </Group>
      <NewPasswordFields field="password" label="Password" getInputProps={form.getInputProps} />
      <Button type="submit" loading={form.submitting}>
        Create administrator
      </Button>
    </AuthCard>
  );
}
