import type { BillingStatus } from './enums.ts';

/*
 * What an organization's billing status allows, read by sign-in, sessions,
 * the agent lifecycle and the screens alike.
 */

/** A canceled organization's users cannot sign in, and their sessions end. */
export function canSignIn(status: BillingStatus): boolean {
  return status !== 'canceled';
}

/** Only an organization in good standing may put agents to work (deploy, activate, resume, redeploy). */
export function canServe(status: BillingStatus): boolean {
  return status !== 'suspended' && status !== 'canceled';
}
