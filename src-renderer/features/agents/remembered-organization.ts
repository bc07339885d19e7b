import { useLocalStorage } from '@mantine/hooks';

/** The organization the Agents screen shows, remembered across restarts. */
export function useRememberedOrganization() {
  return useLocalStorage<string | null>({ key: 'fleet.agents.organization', defaultValue: null });
}
