/**
 * Rows kept between calls by key, exact rather than timed: kept only while
 * the console hears the database announce the changes that could make them
 * wrong, and all forgotten when a change is announced, when this console
 * commits a write, and when the announcements are lost. A read that raced a
 * change is handed to its caller but not kept: the change moved the
 * generation on. What is kept is frozen, as every later call shares it,
 * and at most `limit` rows are kept (the oldest goes first).
 */
export class HeardCache<V extends object> {
  readonly #entries = new Map<string, V>();
  readonly #waiting: (() => void)[] = [];
  readonly #freeze: (row: V) => V;
  readonly #limit: number;
  #generation = 0;
  #hearing = false;

  constructor(options: { freeze: (row: V) => V; limit: number }) {
    this.#freeze = options.freeze;
    this.#limit = options.limit;
  }

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

  /** Something that a kept row was read from may have changed. */
  forget(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  /** The row for `key`, kept or loaded. */
  async read(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const known = this.#hearing ? this.#entries.get(key) : undefined;
    if (known) return known;
    const generation = this.#generation;
    const found = await load();
    if (!found || !this.#hearing || generation !== this.#generation) return found;
    const kept = this.#freeze(found);
    if (this.#entries.size >= this.#limit)
      this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, kept);
    return kept;
  }
}
