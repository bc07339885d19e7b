import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AgentLimitMeter } from '../../src-renderer/components/AgentLimitMeter.tsx';
import { RoleBadge, TierBadge } from '../../src-renderer/components/badges.tsx';
import { tierLimits } from '../../src-shared/domain/tiers.ts';
import { renderWithMantine } from './render.tsx';

/* Stored values are shown by their names, and a limit a tier does not set is not a number. */

describe('badges', () => {
  it('name a tier as a label, not its stored value', () => {
    renderWithMantine(<TierBadge tier="pro" />);
    expect(screen.getByText('Pro')).toBeInTheDocument();
    expect(screen.queryByText('pro')).toBeNull();
  });

  it('name a role in full', () => {
    renderWithMantine(<RoleBadge role="admin" />);
    expect(screen.getByText('Administrator')).toBeInTheDocument();
  });
});

describe('the agent limit meter', () => {
  it('says there is no limit instead of the figure that stands for none', () => {
    renderWithMantine(<AgentLimitMeter agents={12} limit={tierLimits('enterprise').agentLimit} />);
    expect(screen.getByText('no limit on the tier')).toBeInTheDocument();
    expect(document.body.textContent).not.toContain('999');
  });

  it('shows a real limit as the figure it is, with the bar', () => {
    renderWithMantine(<AgentLimitMeter agents={2} limit={3} />);
    expect(screen.getByText('of 3 allowed')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toBeInTheDocument();
  });
});
