import { Center, Stack, Text, Title } from '@mantine/core';

/** Placeholder until the console screens land (issue: Console). */
export function App() {
  return (
    <Center h="100vh">
      <Stack align="center" gap="xs">
        <Title order={1}>FleetPrompt Console</Title>
        <Text c="dimmed">The operator screens are on their way.</Text>
      </Stack>
    </Center>
  );
}
