import { ActionIcon, Menu } from '@mantine/core';
import { IconDots } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export interface RowAction {
  label: string;
  icon: ReactNode;
  onClick: () => void;
  /** Shown only when true (what the operator may do to this row). */
  when?: boolean;
  danger?: boolean;
}

/** The "…" menu at the end of a table row; nothing when no action applies. */
export function RowActions({ name, actions }: { name: string; actions: RowAction[] }) {
  const shown = actions.filter((a) => a.when !== false);
  if (shown.length === 0) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon
          variant="subtle"
          aria-label={`Actions for ${name}`}
          onClick={(e) => e.stopPropagation()}
        >
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {shown.map((action) => (
          <Menu.Item
            key={action.label}
            leftSection={action.icon}
            // the scheme's readable red (theme.ts): Mantine's red.6 on white is 3.6:1
            color={action.danger ? 'var(--mantine-color-red-text)' : undefined}
            onClick={action.onClick}
          >
            {action.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
