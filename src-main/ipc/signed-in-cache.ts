import type { ChangeHandlers } from '../db/change-listener.ts';
import type { SignedIn } from '../services/auth.ts';

/**
 * Who is behind each signed-in user id, kept between calls so that a call
 * does not read its caller's user and organization again. It is exact, not
 * timed: it keeps anything only while the console hears the database's
 * `fleet_identity` channel (every change to users, and to an
 * organization's name, billing status or existence, speaks on it, see
 * public migration 7), and forgets everything when the channel speaks,
 * when this console commits a write, and when the channel is lost. A read
 * that raced a change is not kept: the change moved the generation on.
 */
export class SignedInCache {
  readonly #entries = new Map<string, SignedIn>();
  readonly #waiting: (() => void)[] = [];
  #generation = 0;
  #hearing = false;

  /** The change listener's handlers that keep this cache exact. */
  readonly listening: Required<Pick<ChangeHandlers, 'onIdentityChange' | 'onHearing'>> = {
    onIdentityChange: () => this.forget(),
    onHearing: (on) => this.hearing(on),
  };

  /** Whether changes are being heard; entries are kept only while they are. */
  hearing(on: boolean): void {
    this.#hearing = on;
    this.forget();
    if (on) for (const resolve of this.#waiting.splice(0)) resolve();
  }

  /** Settles once changes are heard (the bench and tests start measuring then). */
  heard(): Promise<void> {
    return this.#hearing
      ? Promise.resolve()
      : new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Something that decides who may call may have changed. */
  forget(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  async read(userId: string, load: () => Promise<SignedIn | null>): Promise<SignedIn | null> {
    const known = this.#hearing ? this.#entries.get(userId) : undefined;
    if (known) return known;
    const generation = this.#generation;
    const found = await load();
    if (!found || !this.#hearing || generation !== this.#generation) return found;
    // shared by every later call of this user: nobody may change it under them
    const kept: SignedIn = { user: Object.freeze(found.user), actor: Object.freeze(found.actor) };
    this.#entries.set(userId, kept);
    return kept;
  }
}
