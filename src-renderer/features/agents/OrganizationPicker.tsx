import { Select } from '@mantine/core';
import { useOrganizationOptions } from '../organizations/organization-options.ts';

export function OrganizationPicker({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const options = useOrganizationOptions();
  return (
    <Select
      aria-label="Organization"
      placeholder="Pick an organization"
      data={options}
      value={value}
      onChange={onChange}
      searchable
      allowDeselect={false}
      w={280}
    />
  );
}
