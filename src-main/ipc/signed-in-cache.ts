import type { ChangeHandlers } from '../db/change-listener.ts';
import type { OrganizationRow } from '../db/tenancy.ts';
import type { SignedIn } from '../services/auth.ts';
import { HeardCache } from './heard-cache.ts';

/**
 * What a call would otherwise read again on every call, kept between calls
 * (see HeardCache for how it stays exact): who is behind each signed-in
 * user id, while the database's `fleet_identity` channel is heard (every
 * change to users, and to an organization's name, billing status or
 * existence: public migration 7), and the organization each tenant call is
 * about, while `fleet_organizations` is heard too (every change to an
 * organization row: public migration 8).
 */
export class SignedInCache {
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
    Pick<ChangeHandlers, 'onIdentityChange' | 'onOrganizationChange' | 'onHearing'>
  > = {
    onIdentityChange: () => this.forget(),
    onOrganizationChange: () => this.#organizations.forget(),
    onHearing: (on) => this.hearing(on),
  };

  /** Whether changes are being heard; anything is kept only while they are. */
  hearing(on: boolean): void {
    this.#users.hearing(on);
    this.#organizations.hearing(on);
  }

  /** Settles once changes are heard (the bench and tests start measuring then). */
  heard(): Promise<void> {
    return this.#users.heard();
  }

  /** Something that decides who may call, or what a call reads, may have changed. */
  forget(): void {
    this.#users.forget();
    this.#organizations.forget();
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
