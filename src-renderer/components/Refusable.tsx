import { Anchor, Button, Group, Text, type ButtonProps } from '@mantine/core';
import { useId, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import type { Refusal } from '../../src-shared/domain/limits.ts';

/**
 * A button that is disabled only with its reason beside it (as its
 * accessible description); without a reason, an ordinary button.
 */
export function ButtonWithReason({
  reason,
  reasonShownAt,
  children,
  ...button
}: Omit<ButtonProps, 'disabled'> &
  Omit<ComponentPropsWithoutRef<'button'>, keyof ButtonProps> & {
    /** Why it cannot be used now; null when it can. The only way to disable it. */
    reason: ReactNode;
    /**
     * The id of the reason already on screen, when buttons side by side share
     * one: it is then their description, not written again beside each.
     */
    reasonShownAt?: string | undefined;
    children: ReactNode;
  }) {
  const reasonId = useId();
  if (reason === null) return <Button {...button}>{children}</Button>;
  if (reasonShownAt)
    return (
      <Button {...button} disabled aria-describedby={reasonShownAt}>
        {children}
      </Button>
    );
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
  reasonShownAt,
  ...button
}: Omit<ButtonProps, 'disabled'> & {
  refusal: Refusal | null;
  onClick: () => void;
  /** Takes the operator towards the way forward (e.g. opens the tier dialog). */
  onWayForward?: (() => void) | undefined;
  /** Where a `RefusalNote` shared by several buttons shows the refusal (its id). */
  reasonShownAt?: string | undefined;
  children: ReactNode;
}) {
  return (
    <ButtonWithReason
      {...button}
      reasonShownAt={reasonShownAt}
      reason={refusal && <RefusalWords refusal={refusal} onWayForward={onWayForward} />}
    />
  );
}

function RefusalWords({
  refusal,
  onWayForward,
}: {
  refusal: Refusal;
  onWayForward?: (() => void) | undefined;
}) {
  return (
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
  );
}

/**
 * One refusal shown once for the buttons beside it that it disables alike
 * (each given its id as `reasonShownAt`); nothing while nothing is refused.
 */
export function RefusalNote({
  id,
  refusal,
  onWayForward,
}: {
  id: string;
  refusal: Refusal | null;
  onWayForward?: (() => void) | undefined;
}) {
  if (!refusal) return null;
  return (
    <Text id={id} size="xs" c="dimmed" lh={1.3}>
      <RefusalWords refusal={refusal} onWayForward={onWayForward} />
    </Text>
  );
}
