import { Anchor, Button, Group, Text, type ButtonProps } from '@mantine/core';
import { useId, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import type { Refusal } from '../../src-shared/domain/limits.ts';

/**
 * A button that is disabled only with its reason beside it (as its
 * accessible description); without a reason, an ordinary button.
 */
export function ButtonWithReason({
  reason,
  children,
  ...button
}: Omit<ButtonProps, 'disabled'> &
  Omit<ComponentPropsWithoutRef<'button'>, keyof ButtonProps> & {
    /** Why it cannot be used now; null when it can. The only way to disable it. */
    reason: ReactNode;
    children: ReactNode;
  }) {
  const reasonId = useId();
  if (reason === null) return <Button {...button}>{children}</Button>;
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Button {...button} disabled aria-describedby={reasonId} style={{ flexShrink: 0 }}>
        {children}
      </Button>
      <Text id={reasonId} size="xs" c="dimmed" maw={280} lh={1.3}>
        {reason}
      </Text>
    </Group>
  );
}

/**
 * A button whose action the shared rules may already refuse: then it is
 * disabled, and the reason stands beside it with the way forward (a link
 * when the screen can take the operator there). Nobody clicks to learn
 * that it fails.
 */
export function Refusable({
  refusal,
  onWayForward,
  ...button
}: Omit<ButtonProps, 'disabled'> & {
  refusal: Refusal | null;
  onClick: () => void;
  /** Takes the operator towards the way forward (e.g. opens the tier dialog). */
  onWayForward?: (() => void) | undefined;
  children: ReactNode;
}) {
  return (
    <ButtonWithReason
      {...button}
      reason={
        refusal && (
          <>
            {refusal.reason}.{' '}
            {onWayForward ? (
              <Anchor component="button" type="button" size="xs" onClick={onWayForward}>
                {refusal.wayForward}
              </Anchor>
            ) : (
              `${refusal.wayForward}.`
            )}
          </>
        )
      }
    />
  );
}
