import type { AgentEvent } from '../../../src-shared/domain/agent-machine.ts';

export const EVENT_LABEL: Record<AgentEvent, string> = {
  deploy: 'Deploy',
  activate: 'Activate',
  pause: 'Pause',
  resume: 'Resume',
  fail: 'Mark failed',
  redeploy: 'Redeploy',
};
