import { useLocalStorage } from '@mantine/hooks';

/** The organization the Agents screen last showed to this operator, remembered across restarts. */
export function useRememberedOrganization(userId: string) {
  return useLocalStorage<string | null>({
    key: `fleet.agents.organization.${userId}`,
    defaultValue: null,
    getInitialValueInEffect: false,
  });
}
