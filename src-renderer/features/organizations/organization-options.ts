import { useChannel } from '../../api/hooks.ts';

/** Organizations as Select options (the caller's own only, for tenant users). */
export function useOrganizationOptions() {
  const orgs = useChannel('organizations.list', { page: 1, pageSize: 200, sort: 'name' });
  return (orgs.data?.items ?? []).map((o) => ({ value: o.id, label: `${o.name} (${o.slug})` }));
}
