import { createHmac, randomBytes } from 'node:crypto';
import type { TableShape } from './describe.ts';
import { TenantImportError } from './tenant-import-error.ts';

/*
 * A clone's ids (tenant-import.ts): every uuid of the organization's rows
 * (it, its users, its agents) given a fresh one as the rows stream in, and
 * each tenant table's own id; an id of someone else (an actor of another
 * organization, a catalog skill) stays as it is. Rows are COPY text fields,
 * `\N` for NULL.
 */

const NULL_FIELD = '\\N';

/** A clone holds its users' and agents' old ids in memory (some 100 bytes each), at most this many. */
export const MAX_CLONE_KEYS = 1_000_000;

/** Fresh ids for a clone, the same one for each old id within one import (version 4 uuids). */
export function freshIds(): (old: string) => string {
  const salt = randomBytes(32);
  return (old) => {
    const b = createHmac('sha256', salt).update(old.toLowerCase()).digest();
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const x = b.subarray(0, 16).toString('hex');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  };
}

export class CloneIds {
  /** The fresh id of an old one. */
  readonly fresh = freshIds();
  private readonly keys = new Set<string>();
  private readonly limit: number;

  constructor(limit = MAX_CLONE_KEYS) {
    this.limit = limit;
  }

  /** An id of the organization's own: wherever it appears in a uuid column, it is replaced. */
  add(value: string | undefined): void {
    if (value === undefined || value === NULL_FIELD) return;
    this.keys.add(value.toLowerCase());
    if (this.keys.size > this.limit)
      throw new TenantImportError(
        `The organization has more than ${this.limit.toLocaleString('en')} users and agents; nothing was imported.`,
      );
  }

  /**
   * A row rewriter for `table`: its `key` column given a fresh id whatever
   * it holds (but NULL), and its uuid columns (`uuidColumns`, by table) and
   * `texts` columns given one where they hold an added id.
   */
  remapper(
    table: TableShape,
    uuidColumns: Map<string, Set<string>>,
    key: string | null,
    texts: string[] = [],
  ): (fields: string[]) => string[] {
    const uuids = uuidColumns.get(table.name) ?? new Set();
    const at = table.columns.flatMap((c, i) => (uuids.has(c) && c !== key ? [i] : []));
    const textAt = table.columns.flatMap((c, i) => (texts.includes(c) ? [i] : []));
    const keyAt = key === null ? -1 : table.columns.indexOf(key);
    return (fields) => {
      const own = fields[keyAt];
      if (own !== undefined && own !== NULL_FIELD) fields[keyAt] = this.fresh(own);
      for (const i of [...at, ...textAt]) {
        const value = fields[i];
        if (value !== undefined && this.keys.has(value.toLowerCase()))
          fields[i] = this.fresh(value);
      }
      return fields;
    };
  }
}
