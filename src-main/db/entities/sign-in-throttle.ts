import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Failed sign-ins of one email in the current window, and the lock they led to. */
export const SignInThrottle = defineEntity({
  name: 'SignInThrottle',
  tableName: 'sign_in_throttle',
  schema: 'public',
  properties: {
    email: p.string().columnType('citext').primary(),
    failures: p.integer().default(0),
    windowStartedAt: p.datetime(),
    lockedUntil: p.datetime().nullable(),
  },
});
export type SignInThrottle = InferEntity<typeof SignInThrottle>;
