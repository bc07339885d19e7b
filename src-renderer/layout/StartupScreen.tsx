import { Alert, Center, Loader, Progress, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { FleetEvent } from '../../src-shared/channels.ts';

/** Shown while the main process opens the database and migrates the tenants. */
export function StartupScreen() {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(
    () =>
      window.fleet.onEvent((event: FleetEvent) => {
        if (event.type === 'startup-progress') setProgress(event);
        if (event.type === 'startup-failed') setFailure(event.message);
      }),
    [],
  );
  const percent = progress && progress.total > 0 ? (progress.done / progress.total) * 100 : 0;
  return (
    <Center mih="100vh">
      <Stack align="center" w={360}>
        <Title order={3}>FleetPrompt Console</Title>
        {failure ? (
          <Alert color="red" title="The console could not start" role="alert">
            {failure}
          </Alert>
        ) : progress && progress.total > 0 ? (
          <>
            <Progress value={percent} w="100%" aria-label="Tenant migrations" />
            <Text size="sm" c="dimmed">
              Bringing organizations up to date: {progress.done} of {progress.total}
            </Text>
          </>
        ) : (
          <>
            <Loader size="sm" />
            <Text size="sm" c="dimmed">
              Opening the database…
            </Text>
          </>
        )}
      </Stack>
    </Center>
  );
}
