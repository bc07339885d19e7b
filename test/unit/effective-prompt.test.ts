import { describe, expect, it } from 'vitest';
import { effectivePrompt } from '../../src-shared/domain/effective-prompt.ts';

describe("an agent's effective prompt", () => {
  it("is its own prompt, then each skill's enhancement in order, blank-line separated", () => {
    const skills = [
      { systemPromptEnhancement: 'Search first.', tools: [] },
      { systemPromptEnhancement: 'Cite sources.', tools: [] },
    ];
    expect(effectivePrompt('Be helpful.', skills).prompt).toBe(
      'Be helpful.\n\nSearch first.\n\nCite sources.',
    );
  });

  it('trims each part and leaves blank ones out', () => {
    const skills = [
      { systemPromptEnhancement: '   ', tools: [] },
      { systemPromptEnhancement: '\n Cite sources. \n', tools: [] },
    ];
    expect(effectivePrompt('  Be helpful.  ', skills).prompt).toBe('Be helpful.\n\nCite sources.');
    expect(effectivePrompt('', []).prompt).toBe('');
  });

  it('has the union of the skills’ tools, in order of first appearance', () => {
    const skills = [
      { systemPromptEnhancement: 'a', tools: ['search', 'fetch'] },
      { systemPromptEnhancement: 'b', tools: ['calc', 'search'] },
    ];
    expect(effectivePrompt('p', skills).tools).toEqual(['search', 'fetch', 'calc']);
  });
});
