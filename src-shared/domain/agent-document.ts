import { z } from 'zod';
import {
  agentConfigField,
  descriptionField,
  nameField,
  promptField,
  slugField,
  text,
} from './fields.ts';

/*
 * The file format of agents.export / agents.import: agent definitions that
 * move between organizations. No ids, metrics or lifecycle state, only what
 * defines an agent, with its skills named by catalog slug.
 */

export const AGENT_DOCUMENT_FORMAT = 'fleetprompt.agents';
export const AGENT_DOCUMENT_VERSION = 1;
export const MAX_AGENTS_PER_DOCUMENT = 999;
export const MAX_SKILLS_PER_AGENT = 50;

export const agentDefinitionField = z.strictObject({
  name: nameField,
  description: descriptionField.nullable(),
  agentVersion: text().trim().min(1).max(50),
  systemPrompt: promptField,
  config: agentConfigField,
  maxConcurrentRequests: z.number().int().min(1).max(1_000),
  timeoutSeconds: z.number().int().min(1).max(3_600),
  skills: z.array(slugField).max(MAX_SKILLS_PER_AGENT),
});
export type AgentDefinition = z.infer<typeof agentDefinitionField>;

export const agentDocumentField = z.strictObject({
  format: z.literal(AGENT_DOCUMENT_FORMAT, {
    error: `must be "${AGENT_DOCUMENT_FORMAT}" (not a FleetPrompt agent export)`,
  }),
  version: z.literal(AGENT_DOCUMENT_VERSION, {
    error: `must be ${AGENT_DOCUMENT_VERSION}; this console reads version ${AGENT_DOCUMENT_VERSION} documents`,
  }),
  exportedAt: z.iso.datetime().optional(),
  source: text().max(200).optional(),
  agents: z
    .array(agentDefinitionField)
    .min(1, { error: 'must hold at least one agent' })
    .max(MAX_AGENTS_PER_DOCUMENT),
});
export type AgentDocument = z.infer<typeof agentDocumentField>;

/** "Name (2)", "Name (3)", … : the first that is free, kept within the name length. */
export function renamedCopy(name: string, taken: ReadonlySet<string>, maxLength: number): string {
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${name.slice(0, maxLength - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
