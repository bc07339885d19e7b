import type { ParsedInput } from '../../src-shared/contract.ts';
import type { Page, SkillDto } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { Skill } from '../db/entities/index.ts';
import { created, diff, recordAudit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { inTransaction } from './transactions.ts';
import { skillDto } from './dto-mapping.ts';
import { containsPattern, offsetOf, sortOf } from './paging.ts';
import { requireAdmin } from './policy.ts';

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
  ctx: ServiceContext,
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
  const [items, total] = await ctx.em.fork().findAndCount(Skill, where, {
    orderBy: { [sort.field]: sort.direction, id: 'asc' },
    limit: input.pageSize,
    offset: offsetOf(input),
  });
  return { items: items.map(skillDto), total, page: input.page, pageSize: input.pageSize };
}

export async function getSkill(
  ctx: ServiceContext,
  input: ParsedInput<'skills.get'>,
): Promise<SkillDto> {
  const skill = await ctx.em.fork().findOne(Skill, input.id);
  if (!skill) throw new AppError('NOT_FOUND', 'Skill not found');
  return skillDto(skill);
}

export async function createSkill(
  ctx: ServiceContext,
  input: ParsedInput<'skills.create'>,
): Promise<SkillDto> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx.em.fork(), async (tx) => {
    const skill = tx.create(Skill, {
      ...input,
      description: input.description ?? null,
      category: input.category ?? null,
    });
    await tx.flush();
    await recordAudit(tx, ctx.actor, {
      action: 'skills.create',
      organizationId: null,
      targetType: 'skill',
      targetId: skill.id,
      changes: created(audited(skill)),
    });
    return skillDto(skill);
  });
}

export async function updateSkill(
  ctx: ServiceContext,
  input: ParsedInput<'skills.update'>,
): Promise<SkillDto> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx.em.fork(), async (tx) => {
    const skill = await tx.findOne(Skill, input.id);
    if (!skill) throw new AppError('NOT_FOUND', 'Skill not found');
    const before = audited(skill);
    const { id, ...fields } = input;
    tx.assign(skill, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
    const changes = diff(before, audited(skill));
    if (Object.keys(changes).length === 0) return skillDto(skill);
    await tx.flush();
    await recordAudit(tx, ctx.actor, {
      action: 'skills.update',
      organizationId: null,
      targetType: 'skill',
      targetId: skill.id,
      changes,
    });
    return skillDto(skill);
  });
}

export async function deleteSkill(
  ctx: ServiceContext,
  input: ParsedInput<'skills.delete'>,
): Promise<null> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx.em.fork(), async (tx) => {
    const skill = await tx.findOne(Skill, input.id);
    if (!skill) throw new AppError('NOT_FOUND', 'Skill not found');
    tx.remove(skill);
    await tx.flush();
    await recordAudit(tx, ctx.actor, {
      action: 'skills.delete',
      organizationId: null,
      targetType: 'skill',
      targetId: input.id,
      changes: diff({ slug: skill.slug }, { slug: null }),
    });
  });
  return null;
}
