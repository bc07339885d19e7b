import type { ParsedInput, SkillDeleteResult } from '../../src-shared/contract.ts';
import { tierAllows, tierName } from '../../src-shared/domain/tiers.ts';
import type { Page, SkillDto } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { Skill } from '../db/entities/index.ts';
import { quotedTenantSchema } from '../db/identifiers.ts';
import { created, diff, hasChanges } from './audit.ts';
import { skillDto, type SkillRow } from './dto-mapping.ts';
import { containsPattern, findRows, offsetOf, sortOf } from './paging.ts';
import { skillUsers } from './skill-usage.ts';
import { counted } from '../../src-shared/plural.ts';
import type { Work } from './work.ts';

const AUDITED = [
  'name',
  'slug',
  'description',
  'category',
  'tierRequired',
  'systemPromptEnhancement',
  'tools',
  'isOfficial',
] as const;

function audited(skill: Skill) {
  return Object.fromEntries(AUDITED.map((f) => [f, skill[f] ?? null]));
}

export async function listSkills(
  w: Work,
  input: ParsedInput<'skills.list'>,
): Promise<Page<SkillDto>> {
  const sort = sortOf(input, 'name');
  const where = input.search
    ? {
        $or: [
          { name: { $ilike: containsPattern(input.search) } },
          { slug: { $ilike: containsPattern(input.search) } },
        ],
      }
    : {};
  const [items, total] = await findRows<Skill, SkillRow>(w.em, Skill, where, {
    orderBy: { [sort.field]: sort.direction, id: 'asc' },
    limit: input.pageSize,
    offset: offsetOf(input),
  });
  return { items: items.map(skillDto), total, page: input.page, pageSize: input.pageSize };
}

export async function createSkill(w: Work, input: ParsedInput<'skills.create'>): Promise<SkillDto> {
  const skill = w.em.create(Skill, {
    ...input,
    description: input.description ?? null,
    category: input.category ?? null,
  });
  await w.em.flush();
  w.audit({ targetId: skill.id, organizationId: null, changes: created(audited(skill)) });
  return skillDto(skill);
}

export async function updateSkill(
  w: Work,
  input: ParsedInput<'skills.update'>,
  skill: Skill,
): Promise<SkillDto> {
  if (input.tierRequired !== undefined) {
    const tier = input.tierRequired;
    const below = (await skillUsers(w.em, skill.id)).filter((u) => !tierAllows(u.tier, tier));
    if (below.length > 0) {
      throw new AppError(
        'LIMIT_REACHED',
        `Agents of ${below.map((u) => `${u.organizationName} (${tierName(u.tier)})`).join(', ')} use ${skill.name}; ` +
          `requiring ${tierName(tier)} would strand them. Detach it there or upgrade ${below.length === 1 ? 'that organization' : 'those organizations'} first.`,
        { tierRequired: `used below the ${tierName(tier)} tier` },
      );
    }
  }
  const before = audited(skill);
  const { id: _id, version: _version, ...fields } = input;
  w.em.assign(skill, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
  const changes = diff(before, audited(skill));
  if (!hasChanges(changes)) return skillDto(skill);
  await w.em.flush();
  w.audit({ targetId: skill.id, organizationId: null, changes });
  return skillDto(skill);
}

/**
 * Removes a skill from the catalog. While agents use it the delete is
 * refused with where; `force` detaches it from every agent first, all in
 * one transaction. The row lock makes concurrent attaches wait or fail.
 */
export async function deleteSkill(
  w: Work,
  input: ParsedInput<'skills.delete'>,
  skill: Skill,
): Promise<SkillDeleteResult> {
  const tx = w.em;
  const users = await skillUsers(tx, skill.id);
  const agents = users.reduce((sum, u) => sum + u.agents, 0);
  if (users.length > 0 && !input.force) {
    throw new AppError(
      'CONFLICT',
      `${skill.name} is attached to ${counted(agents, 'agent')} in ${counted(users.length, 'organization')} ` +
        `(${users.map((u) => `${u.organizationName}: ${u.agents}`).join(', ')}); detach it first, or detach and delete in one step`,
      { force: `attached to ${counted(agents, 'agent')}` },
    );
  }
  for (const user of users) {
    await tx.execute(
      `delete from ${quotedTenantSchema(user.slug)}.agent_skills where skill_id = ?`,
      [skill.id],
    );
  }
  await tx.execute('delete from public.skill_usage where skill_id = ?', [skill.id]);
  tx.remove(skill);
  await tx.flush();
  w.audit({
    targetId: skill.id,
    organizationId: null,
    changes: {
      slug: { from: skill.slug, to: null },
      ...(users.length > 0
        ? { detachedFrom: { from: users.map((u) => `${u.slug}: ${u.agents}`), to: null } }
        : {}),
    },
  });
  return {
    detachedFrom: users.map((u) => ({
      organizationId: u.organizationId,
      organizationName: u.organizationName,
      agents: u.agents,
    })),
  };
}
