import { setup, transition } from 'xstate';

export const AGENT_STATUSES = ['draft', 'deploying', 'active', 'paused', 'error'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

const AGENT_STATUS_NAMES: Readonly<Record<AgentStatus, string>> = {
  draft: 'Draft',
  deploying: 'Deploying',
  active: 'Active',
  paused: 'Paused',
  error: 'Error',
};

/** A status as a label names it ("Paused"); running text keeps the stored word ("2 paused"). */
export function agentStatusName(status: AgentStatus): string {
  return AGENT_STATUS_NAMES[status];
}

export const AGENT_EVENTS = ['deploy', 'activate', 'pause', 'resume', 'fail', 'redeploy'] as const;
export type AgentEvent = (typeof AGENT_EVENTS)[number];

export const INITIAL_AGENT_STATUS: AgentStatus = 'draft';

/**
 * The one definition of an agent's lifecycle. The main process decides every
 * transition with it; the renderer uses it only to show which actions exist.
 */
export const agentMachine = setup({
  types: {
    events: {} as { type: AgentEvent },
  },
}).createMachine({
  id: 'agent',
  initial: INITIAL_AGENT_STATUS,
  states: {
    draft: { on: { deploy: 'deploying' } },
    deploying: { on: { activate: 'active', fail: 'error' } },
    active: { on: { pause: 'paused', fail: 'error' } },
    paused: { on: { resume: 'active' } },
    error: { on: { redeploy: 'deploying' } },
  },
});

function snapshotAt(status: AgentStatus) {
  return agentMachine.resolveState({ value: status, context: {} });
}

/** The events the machine accepts from a status, in the order of AGENT_EVENTS. */
export function allowedAgentEvents(status: AgentStatus): AgentEvent[] {
  const snapshot = snapshotAt(status);
  return AGENT_EVENTS.filter((type) => snapshot.can({ type }));
}

/** The status an event leads to, or null when the machine does not accept it from `status`. */
export function nextAgentStatus(status: AgentStatus, event: AgentEvent): AgentStatus | null {
  const snapshot = snapshotAt(status);
  if (!snapshot.can({ type: event })) return null;
  const [next] = transition(agentMachine, snapshot, { type: event });
  return next.value as AgentStatus;
}

/** Events that put an agent to work: only organizations that may serve (canServe) can use them. */
export const SERVING_EVENTS: ReadonlySet<AgentEvent> = new Set([
  'deploy',
  'activate',
  'resume',
  'redeploy',
]);
