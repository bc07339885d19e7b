import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { AgentEvent } from '../../../src-shared/domain/agent-machine.ts';
import { EVENT_LABEL } from './event-labels.ts';

/** Steps that take agents off work or restart them: asked before they are sent. */
export const CONFIRMED_EVENTS: ReadonlySet<AgentEvent> = new Set(['pause', 'fail', 'redeploy']);

const CONSEQUENCE: Partial<Record<AgentEvent, string>> = {
  pause: 'A paused agent stops serving requests until it is resumed.',
  fail: 'An agent in error stops serving until it is redeployed. The reason is shown on the agent and in the audit log.',
  redeploy: 'The agent is deployed again from its current configuration.',
};

/**
 * The confirmation of a step on one agent or several: what it does, what
 * will happen to how many (`preview`), and for "Mark failed" the reason,
 * required. Enter confirms.
 */
export function ConfirmTransition({
  event,
  subject,
  preview,
  loading,
  onConfirm,
  onClose,
}: {
  event: AgentEvent;
  /** "Zephyr", or "3 agents". */
  subject: string;
  preview?: ReactNode;
  loading: boolean;
  onConfirm: (reason: string | undefined) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const needsReason = event === 'fail';
  const missing = needsReason && reason.trim() === '';
  const title = event === 'fail' ? `Mark ${subject} failed?` : `${EVENT_LABEL[event]} ${subject}?`;
  return (
    <Modal opened onClose={onClose} title={title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!missing) onConfirm(needsReason ? reason.trim() : undefined);
        }}
      >
        <Stack>
          <Text size="sm">{CONSEQUENCE[event]}</Text>
          {preview}
          {needsReason && (
            <TextInput
              label="Reason"
              description="What went wrong, for whoever looks at the agent next"
              // checked by the form, so that Enter shows what is missing in place
              withAsterisk
              data-autofocus
              maxLength={2000}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={tried && missing ? 'Say why the agent failed' : undefined}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              color={event === 'fail' ? 'red' : undefined}
              loading={loading}
              data-autofocus={needsReason ? undefined : true}
            >
              {event === 'fail' ? 'Mark failed' : EVENT_LABEL[event]}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
