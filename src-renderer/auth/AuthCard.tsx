import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { FormEventHandler, ReactNode } from 'react';

/**
 * The card every screen before the console stands in (first run, sign-in,
 * its second step, choosing one's password, setting up two-step sign-in):
 * centred, titled, with one line under the title. With `form`, the card is
 * that form, named for screen readers.
 */
export function AuthCard({
  title,
  description,
  width = 400,
  form,
  children,
}: {
  title: string;
  description: ReactNode;
  width?: number;
  form?: { label: string; onSubmit: FormEventHandler<HTMLFormElement> };
  children: ReactNode;
}) {
  const body = (
    <Stack>
      <div>
        <Title order={2}>{title}</Title>
        <Text size="sm" c="dimmed">
          {description}
        </Text>
      </div>
      {children}
    </Stack>
  );
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={width} maw="100%" radius="md">
        {form ? (
          <form onSubmit={form.onSubmit} aria-label={form.label}>
            {body}
          </form>
        ) : (
          body
        )}
      </Paper>
    </Center>
  );
}
