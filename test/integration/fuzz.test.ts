import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src-shared/channels.ts';
import { startHeadless, type HeadlessServer } from '../../src-main/headless/server.ts';
import { createHarness, fingerprint, type Harness } from '../support/harness.ts';
import { recordFuzzed } from '../support/tally.ts';
import { buildWorld, type World } from '../support/world.ts';

/*
 * Property-based fuzzing of every channel, through the router and through
 * the headless HTTP transport: never INTERNAL, never accepted when the
 * contract rejects the input, never a write on a refused call.
 */

let h: Harness;
let world: World;
let server: HeadlessServer;
let rendererDir: string;
beforeAll(async () => {
  h = await createHarness();
  world = await buildWorld(h, 'fuzz');
  await h.db.sql('create table public.canary (id int)');
  rendererDir = await mkdtemp(join(tmpdir(), 'fleetprompt-fuzz-'));
  await writeFile(join(rendererDir, 'index.html'), '<html></html>');
  server = await startHeadless({ router: h.router, rendererDir });
});
afterAll(async () => {
  await server.close();
  await rm(rendererDir, { recursive: true, force: true });
  await h.close();
});

const SQL_PAYLOADS = [
  "'); drop table public.canary; --",
  'x"; drop schema public cascade; --',
  "' or '1'='1",
  '$$; select pg_sleep(10); $$',
  '\\x00\u0000null byte',
];

type Generated = { kind: 'raw'; value: unknown } | { kind: 'replace'; key: string; value: unknown };

/** Random inputs: anything at all, JSON-like objects, and valid inputs with one field replaced. */
const generated: fc.Arbitrary<Generated> = fc.oneof(
  fc.anything().map((value) => ({ kind: 'raw' as const, value })),
  fc
    .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }))
    .map((value) => ({ kind: 'raw' as const, value })),
  fc
    .tuple(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'id',
        'organizationId',
        'email',
        'slug',
        'version',
      ),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([key, value]) => ({
      kind: 'raw' as const,
      value: JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value ?? null)}}`) as unknown,
    })),
  fc
    .record({
      key: fc.string({ maxLength: 20 }),
      value: fc.oneof(fc.anything(), fc.constantFrom(...SQL_PAYLOADS)),
    })
    .map(({ key, value }) => ({ kind: 'replace' as const, key, value })),
);

/** Field names any channel takes without a value in the world's inputs (optional ones). */
const OPTIONAL_FIELDS = new Set([
  'page',
  'pageSize',
  'sort',
  'search',
  'status',
  'organizationId',
  'name',
  'email',
  'role',
  'description',
  'config',
  'category',
  'tierRequired',
  'tools',
  'isOfficial',
  'force',
  'onConflict',
  'billingStatus',
  'systemPrompt',
  'systemPromptEnhancement',
  'maxConcurrentRequests',
  'timeoutSeconds',
  'slug',
  'table',
  'mode',
]);

/** The JSON kind of a value: the contract never takes two kinds for one field but null. */
const kindOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/**
 * An oracle of its own, not the router's schema: inputs that must be
 * refused by construction. Anything that is not an object; an unknown field
 * (every input object is strict); a known field given another kind of value.
 */
function mustRefuse(base: Record<string, unknown>, g: Generated): boolean {
  if (g.kind === 'raw') {
    return g.value !== undefined && g.value !== null && kindOf(g.value) !== 'object';
  }
  if (!(g.key in base)) return !OPTIONAL_FIELDS.has(g.key) && g.key !== '';
  const expected = kindOf(base[g.key]);
  const given = kindOf(g.value);
  return given !== expected && given !== 'null' && given !== 'undefined';
}

describe('fuzzing', () => {
  it.each(CHANNEL_NAMES)('%s through the router', async (channel) => {
    const base = await world.inputs[channel]('own');
    await fc.assert(
      fc.asyncProperty(generated, async (g) => {
        const input = g.kind === 'replace' ? { ...base, [g.key]: g.value } : g.value;
        const before = await fingerprint(h.db);
        const result = await h.call(world.admin(), channel, input as Record<string, unknown>);
        const wronglyAccepted = result.ok && mustRefuse(base, g);
        recordFuzzed(wronglyAccepted);
        expect(result.ok || result.error.code).not.toBe('INTERNAL');
        expect(wronglyAccepted).toBe(false);
        if (!result.ok) expect(await fingerprint(h.db)).toBe(before);
      }),
      { numRuns: 15, seed: 20261128 },
    );
  });

  it('the oracle itself refuses what it should (an unknown field, a wrong kind, a non-object)', () => {
    const base = { id: 'x', version: 1 };
    expect(mustRefuse(base, { kind: 'replace', key: 'zz', value: 1 })).toBe(true);
    expect(mustRefuse(base, { kind: 'replace', key: 'version', value: 'one' })).toBe(true);
    expect(mustRefuse(base, { kind: 'raw', value: [1] })).toBe(true);
    expect(mustRefuse(base, { kind: 'replace', key: 'version', value: 2 })).toBe(false);
  });

  it('keeps a __proto__ key of an agent config as data: nothing inherits it, nothing is polluted', async () => {
    const config = JSON.parse(
      '{"model": "m", "max_tokens": 10, "temperature": 0.5, "__proto__": {"polluted": true}}',
    ) as Record<string, unknown>;
    const result = await h.call(world.admin(), 'agents.create', {
      organizationId: world.org.own.id,
      name: 'Prototype probe',
      systemPrompt: 'p',
      config,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (result.ok) {
      const stored = await h.db.sql<{ config: Record<string, unknown> }>(
        `select config from "org_${world.org.own.slug}".agents where id = $1`,
        [result.data.id],
      );
      expect((result.data.config as Record<string, unknown>).polluted).toBeUndefined();
      expect(stored[0]?.config.polluted).toBeUndefined();
    } else {
      expect(result.error.code).toBe('VALIDATION');
    }
  });

  it('ignores a __proto__ role sent with a profile edit: the developer stays a developer', async () => {
    const developer = h.slotFor(world.userIds.developer);
    const body = JSON.parse(
      `{"id": "${world.userIds.developer}", "name": "Dev", "__proto__": {"role": "admin"}}`,
    ) as Record<string, unknown>;
    const result = await h.call(developer, 'users.update', body);
    expect(result.ok ? 'ok' : result.error.code).toBe('VALIDATION');
    const [row] = await h.db.sql<{ role: string }>('select role from users where id = $1', [
      world.userIds.developer,
    ]);
    expect(row?.role).toBe('developer');
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it('raw bodies through the headless transport', async () => {
    const headers = {
      Authorization: `Bearer ${server.token}`,
      'X-Fleet-Window': 'fuzz-window-1',
      'Content-Type': 'application/json',
    };
    const bodies = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.integer({ min: 100, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
      fc
        .integer({ min: 100, max: 5_000 })
        .map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
      fc.constantFrom(
        '{"__proto__": {"admin": true}}',
        '{"constructor": {"prototype": {"x": 1}}}',
        '',
        'null',
        '\u0000',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNEL_NAMES), bodies, async (channel, body) => {
        const response = await fetch(`http://127.0.0.1:${server.port}/rpc/${channel}`, {
          method: 'POST',
          headers,
          body,
        });
        expect(response.status).toBe(200);
        const result = (await response.json()) as { ok: boolean; error?: { code: string } };
        recordFuzzed(false);
        expect(result.error?.code).not.toBe('INTERNAL');
      }),
      { numRuns: 150, seed: 20261128 },
    );
  });

  it('answers 413 to a huge body', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/rpc/auth.signIn`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'X-Fleet-Window': 'fuzz-window-1' },
      body: JSON.stringify({ email: 'x'.repeat(3 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
  });

  it('stores SQL-shaped strings verbatim or rejects them, never executes them', async () => {
    for (const channel of CHANNEL_NAMES) {
      const base = await world.inputs[channel]('own');
      for (const [key, value] of Object.entries(base)) {
        if (typeof value !== 'string') continue;
        for (const payload of SQL_PAYLOADS) {
          const result = await h.call(world.admin(), channel, { ...base, [key]: payload });
          recordFuzzed(false);
          expect(result.ok || result.error.code).not.toBe('INTERNAL');
        }
      }
    }
    expect(await h.db.sql("select to_regclass('public.canary') is not null as present")).toEqual([
      { present: true },
    ]);
  });
});
