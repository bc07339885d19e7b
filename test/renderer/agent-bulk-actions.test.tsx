import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_CONFIG } from '../../src-shared/domain/agent-config.ts';
import type { AgentStatus } from '../../src-shared/domain/agent-machine.ts';
import { maintenanceRefusal } from '../../src-shared/domain/limits.ts';
import type { AgentDto, OrganizationDto } from '../../src-shared/dto.ts';
import { AgentBulkActions } from '../../src-renderer/features/agents/AgentsPage.tsx';
import { renderWithMantine } from './render.tsx';

/*
 * The Agents screen's bulk bar: its action choice and Apply are never
 * disabled without the reason under them, which describes both.
 */

const MOMENT = '2026-12-01T10:00:00.000Z';
const ORGANIZATION: OrganizationDto = {
  id: 'a0000000-0000-4000-8000-000000000001',
  name: 'Acme',
  slug: 'acme',
  schema: 'org_acme',
  tier: 'pro',
  billingStatus: 'active',
  monthlyTokenLimit: 1_000_000,
  agentLimit: 999,
  workflowLimit: 10,
  agentCount: 2,
  maintenance: null,
  version: 1,
  createdAt: MOMENT,
  updatedAt: MOMENT,
};

const agent = (n: number, status: AgentStatus): AgentDto => ({
  id: `b0000000-0000-4000-8000-00000000000${n}`,
  organizationId: ORGANIZATION.id,
  name: `Agent ${n}`,
  description: null,
  agentVersion: '1.0.0',
  status,
  config: { ...DEFAULT_AGENT_CONFIG },
  systemPrompt: 'Help.',
  maxConcurrentRequests: 1,
  timeoutSeconds: 30,
  totalExecutions: 0,
  totalTokensUsed: 0,
  avgLatencyMs: null,
  version: 1,
  createdAt: MOMENT,
  updatedAt: MOMENT,
});

function renderBar(organization: OrganizationDto, statuses: AgentStatus[]) {
  const frozen = maintenanceRefusal(organization);
  renderWithMantine(
    <QueryClientProvider client={new QueryClient()}>
      <AgentBulkActions
        organization={organization}
        frozen={frozen}
        onWayForward={undefined}
        rows={statuses.map((s, i) => agent(i + 1, s))}
        onDone={() => undefined}
      />
    </QueryClientProvider>,
  );
  return {
    choice: screen.getByRole('combobox', { name: 'Action for the selected agents' }),
    apply: screen.getByRole('button', { name: `Apply to ${statuses.length}` }),
  };
}

describe('the agents bulk bar', () => {
  it('says why nothing can be applied when the billing status refuses every step they allow', () => {
    const { choice, apply } = renderBar({ ...ORGANIZATION, billingStatus: 'suspended' }, [
      'draft',
      'paused',
    ]);
    const why =
      'Acme is suspended: its agents cannot deploy until billing is active again. Make the billing status active.';
    expect(choice).toBeDisabled();
    expect(choice).toHaveAccessibleDescription(why);
    expect(apply).toBeDisabled();
    expect(apply).toHaveAccessibleDescription(why);
  });

  it('says why nothing can be applied while the organization is in maintenance', () => {
    const { choice, apply } = renderBar(
      { ...ORGANIZATION, maintenance: { reason: 'restoring', since: MOMENT, byOperation: false } },
      ['active'],
    );
    expect(choice).toBeDisabled();
    expect(choice.getAttribute('aria-describedby')).toBe(apply.getAttribute('aria-describedby'));
    expect(apply).toBeDisabled();
    expect(apply).toHaveAccessibleDescription(
      'In maintenance: restoring. End the maintenance first.',
    );
  });

  it('keeps Apply disabled until an action is chosen, saying so, then describes it by the preview', async () => {
    const { choice, apply } = renderBar(ORGANIZATION, ['draft', 'active']);
    expect(choice).toBeEnabled();
    expect(apply).toBeDisabled();
    expect(apply).toHaveAccessibleDescription(
      'Choose an action to see how many agents it will change before it runs.',
    );
    await userEvent.click(choice);
    await userEvent.click(await screen.findByRole('option', { name: 'Deploy' }));
    expect(apply).toBeEnabled();
    expect(apply).toHaveAccessibleDescription(
      'Deploy: 1 agent will be done, 1 refused (1 is active)',
    );
  });
});
