import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { SKILL_CATEGORIES } from '../../../src-shared/domain/enums.ts';
import { TIERS } from '../../../src-shared/domain/tiers.ts';

export const Skill = defineEntity({
  name: 'Skill',
  tableName: 'skills',
  schema: 'public',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    name: p.text(),
    slug: p.text().unique(),
    description: p.text().nullable(),
    category: p.enum(SKILL_CATEGORIES).nullable(),
    tierRequired: p.enum(TIERS).default('free'),
    systemPromptEnhancement: p.text(),
    tools: p.array().default([]),
    isOfficial: p.boolean().default(false),
    version: p.integer().version().default(1),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type Skill = InferEntity<typeof Skill>;
