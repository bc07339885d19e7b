import type { ChannelInput } from '../../src-shared/contract.ts';

/**
 * The skill every transfer test's world attaches to its agents: a catalog
 * row with every field set (tools, an enhancement), so that a copy or an
 * archive that dropped one would show.
 */
export const WEB_RESEARCH: ChannelInput<'skills.create'> = {
  name: 'Web research',
  slug: 'web-research',
  category: 'research',
  tierRequired: 'free',
  systemPromptEnhancement: 'Cite sources.',
  tools: ['search', 'fetch'],
};
