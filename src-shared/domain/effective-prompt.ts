/** What an attached skill contributes to its agent. */
export interface SkillContribution {
  systemPromptEnhancement: string;
  tools: readonly string[];
}

export interface EffectivePrompt {
  prompt: string;
  tools: string[];
}

/**
 * What the agent runs with: its own system prompt, then each attached
 * skill's enhancement in attachment order (blank-line separated), and the
 * union of their tools in order of first appearance. The main process
 * answers with it; the agent screen uses it to preview unsaved edits.
 */
export function effectivePrompt(
  systemPrompt: string,
  skills: readonly SkillContribution[],
): EffectivePrompt {
  const parts = [systemPrompt, ...skills.map((s) => s.systemPromptEnhancement)]
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  return { prompt: parts.join('\n\n'), tools: [...new Set(skills.flatMap((s) => s.tools))] };
}
