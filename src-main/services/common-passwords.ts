import { dictionary } from '@zxcvbn-ts/language-common';
import type { Actor } from '../../src-shared/domain/permissions.ts';
import { AppError } from '../../src-shared/errors.ts';
import { DEMO_ADMIN } from '../../seeds/demo-data.ts';

/*
 * ASVS 6.2.4: a new password is checked against a maintained list of the
 * most common ones — zxcvbn-ts's, about 49,000 passwords ordered by how
 * often they were seen in breaches — compared without regard to case, so
 * "Password123" is as refused as "password123".
 */
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.toLowerCase());
}

/**
 * Refuses a common password as `field`'s error. The one exception is the
 * demo data's published password, set by the system while seeding: it
 * must be changed at the first sign-in, where it is refused like any other.
 */
export function requireUncommonPassword(actor: Actor, password: string, field: string): void {
  if (actor.kind === 'system' && password === DEMO_ADMIN.password) return;
  if (!isCommonPassword(password)) return;
  throw new AppError(
    'VALIDATION',
    'That password is one of the most common ones, which attackers try first; choose another',
    { [field]: 'is one of the most common passwords; choose another' },
  );
}
