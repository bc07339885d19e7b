import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  AgentImportOutcome,
  AgentImportResult,
  ParsedInput,
} from '../../src-shared/contract.ts';
import {
  AGENT_DOCUMENT_FORMAT,
  AGENT_DOCUMENT_VERSION,
  renamedCopy,
  type AgentDocument,
} from '../../src-shared/domain/agent-document.ts';
import { MAX_NAME } from '../../src-shared/domain/fields.ts';
import { AppError, type FieldErrors } from '../../src-shared/errors.ts';
import { Agent, AgentSkill, Skill, type Organization } from '../db/entities/index.ts';
import { indexAgent } from './agent-index.ts';
import { adjustAgentCount, requireAgentRoom } from './agent-limits.ts';
import { requireTierFor } from './agent-skills.ts';
import { adjustSkillUsage } from './skill-usage.ts';
import type { TenantWork } from './work.ts';

/*
 * Agent definitions out of one organization and into another: a versioned
 * JSON document without ids, metrics or lifecycle state. An import checks
 * everything first and then creates all of it in one transaction, or nothing.
 */

export async function exportAgents(
  w: TenantWork,
  input: ParsedInput<'agents.export'>,
): Promise<AgentDocument> {
  const { em, organization } = w;
  const ids = [...new Set(input.ids)];
  const agents = await em.find(Agent, { id: { $in: ids } }, { orderBy: { name: 'asc' } });
  if (agents.length !== ids.length) {
    throw new AppError(
      'NOT_FOUND',
      `${ids.length - agents.length} of the selected agents no longer exist; reload and try again`,
    );
  }
  const links = await em.find(
    AgentSkill,
    { agentId: { $in: ids } },
    { orderBy: { position: 'asc' } },
  );
  const slugs = new Map(
    (await em.find(Skill, { id: { $in: links.map((l) => l.skillId) } })).map((s) => [s.id, s.slug]),
  );
  return {
    format: AGENT_DOCUMENT_FORMAT,
    version: AGENT_DOCUMENT_VERSION,
    exportedAt: new Date().toISOString(),
    source: organization.slug,
    agents: agents.map((a) => ({
      name: a.name,
      description: a.description ?? null,
      agentVersion: a.agentVersion,
      systemPrompt: a.systemPrompt,
      config: { ...a.config },
      maxConcurrentRequests: a.maxConcurrentRequests,
      timeoutSeconds: a.timeoutSeconds,
      skills: links
        .filter((l) => l.agentId === a.id)
        .flatMap((l) => {
          const slug = slugs.get(l.skillId);
          return slug ? [slug] : [];
        }),
    })),
  };
}

/** The catalog skills a document names, each checked against the organization's tier. */
async function resolveSkills(
  tx: EntityManager,
  organization: Organization,
  document: AgentDocument,
): Promise<Map<string, Skill>> {
  const wanted = [...new Set(document.agents.flatMap((a) => a.skills))];
  const found = new Map(
    (await tx.find(Skill, { slug: { $in: wanted } })).map((s) => [s.slug, s] as const),
  );
  const missing: FieldErrors = {};
  document.agents.forEach((agent, i) =>
    agent.skills.forEach((slug, j) => {
      if (!found.has(slug)) missing[`document.agents.${i}.skills.${j}`] = `no skill "${slug}"`;
    }),
  );
  const unknown = wanted.filter((slug) => !found.has(slug));
  if (unknown.length > 0) {
    throw new AppError(
      'VALIDATION',
      `The catalog has no skill ${unknown.map((s) => `"${s}"`).join(', ')}; nothing was imported`,
      missing,
    );
  }
  for (const skill of found.values()) requireTierFor(organization, skill);
  return found;
}

export async function importAgents(
  w: TenantWork,
  input: ParsedInput<'agents.import'>,
): Promise<AgentImportResult> {
  const { em: tx, organization: locked } = w;
  const skills = await resolveSkills(tx, locked, input.document);
  const names = input.document.agents.map((a) => a.name);
  const taken = new Set(
    (await tx.find(Agent, { name: { $in: names } }, { fields: ['name'] })).map((a) => a.name),
  );
  const outcomes: AgentImportOutcome[] = input.document.agents.map((definition) => {
    if (!taken.has(definition.name)) {
      taken.add(definition.name);
      return { name: definition.name, outcome: 'created', importedAs: definition.name, id: null };
    }
    if (input.onConflict === 'skip') {
      return { name: definition.name, outcome: 'skipped', importedAs: null, id: null };
    }
    const importedAs = renamedCopy(definition.name, taken, MAX_NAME);
    taken.add(importedAs);
    return { name: definition.name, outcome: 'renamed', importedAs, id: null };
  });
  const creating = outcomes.filter((o) => o.importedAs !== null).length;
  requireAgentRoom(locked, creating);

  const perSkill = new Map<string, number>();
  for (const [i, definition] of input.document.agents.entries()) {
    const outcome = outcomes[i] as AgentImportOutcome;
    if (outcome.importedAs === null) continue;
    const { skills: slugs, ...fields } = definition;
    const agent = tx.create(Agent, { ...fields, name: outcome.importedAs });
    await tx.flush();
    await indexAgent(tx, locked.id, agent);
    outcome.id = agent.id;
    [...new Set(slugs)].forEach((slug, position) => {
      const skill = skills.get(slug) as Skill;
      tx.create(AgentSkill, { agentId: agent.id, skillId: skill.id, position });
      perSkill.set(skill.id, (perSkill.get(skill.id) ?? 0) + 1);
    });
  }
  await tx.flush();
  await adjustSkillUsage(tx, locked.id, perSkill);
  await adjustAgentCount(tx, locked, creating);
  const skipped = outcomes.length - creating;
  w.audit({
    targetId: locked.id,
    changes: {
      imported: {
        from: input.document.source ?? null,
        to: outcomes.filter((o) => o.importedAs !== null).map((o) => o.importedAs),
      },
      ...(skipped > 0 ? { skipped: { from: null, to: skipped } } : {}),
    },
  });
  return { created: creating, skipped, agents: outcomes };
}
