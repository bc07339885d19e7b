import type { EntityManager } from '@mikro-orm/postgresql';
import { TIERS, tierAllows, type Tier } from '../../src-shared/domain/tiers.ts';

/*
 * public.skill_usage: per organization and skill, how many of its agents
 * have the skill attached. Written in the same transaction as the tenant's
 * agent_skills rows, so "who uses this skill" never opens a tenant schema.
 */

/** Adds (or, negative, removes) attachments of each skill in one organization. */
export async function adjustSkillUsage(
  tx: EntityManager,
  organizationId: string,
  deltas: ReadonlyMap<string, number>,
): Promise<void> {
  for (const [skillId, delta] of deltas) {
    if (delta === 0) continue;
    if (delta > 0) {
      await tx.execute(
        `insert into public.skill_usage (skill_id, organization_id, agents) values (?, ?, ?)
         on conflict (skill_id, organization_id) do update set agents = skill_usage.agents + excluded.agents`,
        [skillId, organizationId, delta],
      );
    } else {
      await tx.execute(
        `delete from public.skill_usage where skill_id = ? and organization_id = ? and agents <= ?`,
        [skillId, organizationId, -delta],
      );
      await tx.execute(
        `update public.skill_usage set agents = agents + ? where skill_id = ? and organization_id = ?`,
        [delta, skillId, organizationId],
      );
    }
  }
}

export interface SkillInUse {
  skillId: string;
  name: string;
  tierRequired: Tier;
  agents: number;
}

/** The skills an organization's agents use that `tier` does not include, highest tier first. */
export async function skillsAbove(
  em: EntityManager,
  organizationId: string,
  tier: Tier,
): Promise<SkillInUse[]> {
  const rows = await em.execute<{ skill_id: string; name: string; tier: Tier; agents: number }[]>(
    `select u.skill_id, s.name, s.tier_required as tier, u.agents
       from public.skill_usage u join public.skills s on s.id = u.skill_id
      where u.organization_id = ? order by s.name`,
    [organizationId],
  );
  return rows
    .filter((r) => !tierAllows(tier, r.tier))
    .map((r) => ({ skillId: r.skill_id, name: r.name, tierRequired: r.tier, agents: r.agents }))
    .sort((a, b) => TIERS.indexOf(b.tierRequired) - TIERS.indexOf(a.tierRequired));
}

export interface SkillUser {
  organizationId: string;
  organizationName: string;
  slug: string;
  tier: Tier;
  agents: number;
}

/** The organizations whose agents use a skill, with how many agents each. */
export async function skillUsers(em: EntityManager, skillId: string): Promise<SkillUser[]> {
  const rows = await em.execute<
    { organization_id: string; name: string; slug: string; tier: Tier; agents: number }[]
  >(
    `select u.organization_id, o.name, o.slug, o.tier, u.agents
       from public.skill_usage u join public.organizations o on o.id = u.organization_id
      where u.skill_id = ? order by o.name`,
    [skillId],
  );
  return rows.map((r) => ({
    organizationId: r.organization_id,
    organizationName: r.name,
    slug: r.slug,
    tier: r.tier,
    agents: r.agents,
  }));
}
