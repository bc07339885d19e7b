import { ActionIcon, Code, Group, Tooltip } from '@mantine/core';
import { CopyButton } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/**
 * A command the operator must run outside the console, on a line of its
 * own with a copy button: never inside a sentence, where it reads as
 * words and copies badly.
 */
export function CommandBlock({ command, label }: { command: string; label: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Code block aria-label={label} style={{ flex: 1, whiteSpace: 'pre-wrap' }}>
        {command}
      </Code>
      <CopyButton value={command}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
            <ActionIcon
              variant="default"
              size="lg"
              onClick={copy}
              aria-label={copied ? `${label}: copied` : `Copy: ${label}`}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
