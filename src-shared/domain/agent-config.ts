/** A JSON value as stored in an agent's config. */
export type ConfigValue =
  string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

/** The spec's open map: three known keys, and whatever else an operator keeps there. */
export interface AgentConfig {
  model: string;
  max_tokens: number;
  temperature: number;
  [key: string]: ConfigValue;
}

export const DEFAULT_AGENT_CONFIG: Readonly<AgentConfig> = Object.freeze({
  model: 'claude-sonnet-4',
  max_tokens: 4096,
  temperature: 0.7,
});

/**
 * How many of an organization's models the agent form offers: the most used
 * ones. A fleet with more distinct models than this is typed into, not picked from.
 */
export const MODELS_IN_USE_LISTED = 50;

export const AGENT_DEFAULTS = Object.freeze({
  version: '1.0.0',
  maxConcurrentRequests: 5,
  timeoutSeconds: 30,
});

export const TEMPERATURE_MIN = 0;
export const TEMPERATURE_MAX = 2;

export function agentConfigWithDefaults(config: Partial<AgentConfig> | undefined): AgentConfig {
  return { ...DEFAULT_AGENT_CONFIG, ...config } as AgentConfig;
}
