import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { DEFAULT_ROLE, ROLES } from '../../../src-shared/domain/enums.ts';
import { Organization } from './organization.ts';

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  schema: 'public',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    /** citext: unique and looked up case-insensitively, stored as typed. */
    email: p.string().columnType('citext').unique(),
    hashedPassword: p.text().hidden().lazy(),
    name: p.text().nullable(),
    role: p.enum(ROLES).default(DEFAULT_ROLE),
    confirmedAt: p.datetime().nullable(),
    /** Set when someone else chose the password (demo data, an administrator): it must be changed at next sign-in. */
    mustChangePassword: p.boolean().default(false),
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    version: p.integer().version().default(1),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type User = InferEntity<typeof User>;
