import type { ChangeHandlers } from '../db/change-listener.ts';
import type { OrganizationRow } from '../db/tenancy.ts';
import { HeardCache } from './heard-cache.ts';
import type { SessionRow } from './sessions.ts';
import type { SignedIn } from './signed-in.ts';

/**
 * What a call would otherwise read again on every call, kept between calls
 * (see HeardCache for how it stays exact): the session behind each secret,
 * while the database's `fleet_sessions` channel is heard (a session ended
 * or re-authenticated: public migration 13); who is behind each signed-in
 * user id, while `fleet_identity` is heard (every change to users, and to
 * an organization's name, billing status or existence: public migration
 * 7); and the organization each tenant call is about, while
 * `fleet_organizations` is heard too (every change to an organization row:
 * public migration 8).
 */
export class SignedInCache {
  readonly #sessions = new HeardCache<SessionRow>({
    freeze: (row) => Object.freeze(row),
    limit: 10_000,
  });
  readonly #users = new HeardCache<SignedIn>({
    // shared by every later call of this user: nobody may change it under them
    freeze: (found) => ({ user: Object.freeze(found.user), actor: Object.freeze(found.actor) }),
    limit: 10_000,
  });
  // one row per organization browsed; 10,000 tenants would not all stay
  readonly #organizations = new HeardCache<OrganizationRow>({
    freeze: (row) => Object.freeze(row),
    limit: 1_000,
  });

  /** The change listener's handlers that keep this cache exact. */
  readonly listening: Required<
    Pick<
      ChangeHandlers,
      'onIdentityChange' | 'onOrganizationChange' | 'onSessionChange' | 'onHearing'
    >
  > = {
    onIdentityChange: () => this.forget(),
    onOrganizationChange: () => this.#organizations.forget(),
    onSessionChange: () => this.#sessions.forget(),
    onHearing: (on) => this.hearing(on),
  };

  /** Whether changes are being heard; anything is kept only while they are. */
  hearing(on: boolean): void {
    this.#sessions.hearing(on);
    this.#users.hearing(on);
    this.#organizations.hearing(on);
  }

  /** Settles once changes are heard (the bench and tests start measuring then). */
  heard(): Promise<void> {
    return this.#users.heard();
  }

  /** Something that decides who may call, or what a call reads, may have changed. */
  forget(): void {
    this.#sessions.forget();
    this.#users.forget();
    this.#organizations.forget();
  }

  /** A session by the hash of its secret, kept or loaded. */
  session(hash: string, load: () => Promise<SessionRow | null>): Promise<SessionRow | null> {
    return this.#sessions.read(hash, load);
  }

  read(userId: string, load: () => Promise<SignedIn | null>): Promise<SignedIn | null> {
    return this.#users.read(userId, load);
  }

  /** An organization's row, kept or loaded. */
  organization(
    id: string,
    load: () => Promise<OrganizationRow | null>,
  ): Promise<OrganizationRow | null> {
    return this.#organizations.read(id, load);
  }
}
