import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src-shared/channels.ts';
import { contract } from '../../src-shared/contract.ts';
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

describe('fuzzing', () => {
  it.each(CHANNEL_NAMES)('%s through the router', async (channel) => {
    const base = await world.inputs[channel]('own');
    await fc.assert(
      fc.asyncProperty(generated, async (g) => {
        const input = g.kind === 'replace' ? { ...base, [g.key]: g.value } : g.value;
        const before = await fingerprint(h.db);
        const result = await h.call(world.admin(), channel, input as Record<string, unknown>);
        const accepted = result.ok;
        const contractAccepts = contract[channel].input.safeParse(input ?? {}).success;
        recordFuzzed(accepted && !contractAccepts);
        expect(result.ok || result.error.code).not.toBe('INTERNAL');
        expect(accepted && !contractAccepts).toBe(false);
        if (!accepted) expect(await fingerprint(h.db)).toBe(before);
      }),
      { numRuns: 15, seed: 20261128 },
    );
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
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
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
