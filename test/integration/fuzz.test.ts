import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../src-shared/channels.ts';
import { startHeadless, type HeadlessServer } from '../../src-main/headless/server.ts';
import { createHarness, fingerprint, type Harness } from '../support/harness.ts';
import { recordFuzzed, recordFuzzSeed } from '../support/tally.ts';
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

/*
 * Every input is judged by an oracle of its own, not by the router's schema:
 * either it must be refused with VALIDATION, or it may pass (and then may
 * still be refused for another reason, never INTERNAL). The seed changes
 * every run and is printed; FLEETPROMPT_FUZZ_SEED replays one.
 */
const SEED = process.env.FLEETPROMPT_FUZZ_SEED
  ? Number(process.env.FLEETPROMPT_FUZZ_SEED)
  : randomInt(2 ** 31 - 1);

type Expectation = 'must-refuse' | 'may-pass';

type Generated =
  | { kind: 'raw'; value: unknown }
  | { kind: 'replace'; key: string; value: unknown }
  | { kind: 'omit'; index: number };

/** Random inputs: anything at all, JSON-like objects, valid inputs with one field replaced or left out. */
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
      key: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('id', 'organizationId', 'version', 'name', 'slug', 'email', '__proto__'),
      ),
      value: fc.oneof(fc.anything(), fc.constantFrom(...SQL_PAYLOADS)),
    })
    .map(({ key, value }) => ({ kind: 'replace' as const, key, value })),
  fc.nat().map((index) => ({ kind: 'omit' as const, index })),
);

/** The input a generated case sends, built on a base input of the channel. */
function inputOf(base: Record<string, unknown>, g: Generated): unknown {
  if (g.kind === 'raw') return g.value;
  if (g.kind === 'replace') return { ...base, [g.key]: g.value };
  const keys = Object.keys(base);
  if (keys.length === 0) return base;
  const omitted = keys[g.index % keys.length] as string;
  return Object.fromEntries(Object.entries(base).filter(([key]) => key !== omitted));
}

/** Field names some channel takes without a value (optional ones): leaving one out may pass. */
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
  'url',
  'tier',
]);

/** Fields optional in one channel only, where leaving them out elsewhere must be refused. */
const OPTIONAL_IN: Partial<Record<ChannelName, readonly string[]>> = {
  // the version an edit started from: sent by the dialogs, not required of other callers
  'users.update': ['version'],
  'skills.update': ['version'],
  'database.move': ['resume', 'intoExisting'],
};

const optionalIn = (channel: ChannelName): ReadonlySet<string> =>
  new Set([...OPTIONAL_FIELDS, ...(OPTIONAL_IN[channel] ?? [])]);

/**
 * Channels whose refusals are themselves recorded: a wrong password (at
 * sign-in, or as the current one when changing it) is audited and counted
 * towards the lock before it is answered.
 */
// a wrong password (or second factor's code) is counted by the sign-in throttle and audited
const WRITES_WHEN_REFUSED = new Set([
  'auth.signIn',
  'auth.changePassword',
  'auth.reauthenticate',
  'auth.confirmSecondFactor',
]);

/** The JSON kind of a value: the contract never takes two kinds for one field but null. */
const kindOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/**
 * The oracle, from the contract's promises rather than its code: every input
 * is an object (none at all counts as an empty one); unknown fields are
 * refused; a field every channel needs cannot be left out; a field of the
 * base input takes no other kind of value (null aside: some are nullable).
 */
function expectationOf(
  base: Record<string, unknown>,
  input: unknown,
  optional: ReadonlySet<string> = OPTIONAL_FIELDS,
): Expectation {
  const value = input ?? {};
  if (kindOf(value) !== 'object') return 'must-refuse';
  const given = Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined),
  );
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(base, key) && !optional.has(key)) return 'must-refuse';
  }
  for (const key of Object.keys(base)) {
    if (!Object.hasOwn(given, key)) {
      if (!optional.has(key)) return 'must-refuse';
      continue;
    }
    const kind = kindOf(given[key]);
    if (kind !== kindOf(base[key]) && kind !== 'null') return 'must-refuse';
  }
  return 'may-pass';
}

/**
 * A channel's base input, built afresh once a call on it has succeeded: only
 * a success can use a single-use input up (a delete, a versioned update, a
 * unique slug, an empty move target), as a refused call is checked to have
 * written nothing. So no input is refused with CONFLICT or NOT_FOUND for a
 * base an earlier input consumed, which would hide a validation bypass.
 */
function unusedBases(channel: ChannelName) {
  let base: Record<string, unknown> | null = null;
  return {
    next: async () => (base ??= await world.inputs[channel]('own')),
    answered: (result: { ok: boolean }) => {
      if (result.ok) base = null;
    },
  };
}

const codeOf = (result: { ok: boolean; error?: { code: string } }) =>
  result.ok ? 'ok' : (result.error?.code ?? 'no code');

/** Asserts what the oracle expects of one answer, and only then counts the input. */
function judge(expected: Expectation, result: { ok: boolean; error?: { code: string } }) {
  const code = codeOf(result);
  if (expected === 'must-refuse') expect(code).toBe('VALIDATION');
  else expect(code).not.toBe('INTERNAL');
  recordFuzzed(expected);
}

describe('fuzzing', () => {
  beforeAll(() => {
    recordFuzzSeed(SEED);
    console.info(`fuzz seed ${SEED} (replay with FLEETPROMPT_FUZZ_SEED=${SEED})`);
  });

  it.each(CHANNEL_NAMES)('%s through the router', async (channel) => {
    const bases = unusedBases(channel);
    await fc.assert(
      fc.asyncProperty(generated, async (g) => {
        const base = await bases.next();
        const input = inputOf(base, g);
        const before = await fingerprint(h.db);
        const result = await h.call(world.admin(), channel, input as Record<string, unknown>);
        bases.answered(result);
        if (!result.ok && !WRITES_WHEN_REFUSED.has(channel)) {
          expect(await fingerprint(h.db)).toBe(before);
        }
        judge(expectationOf(base, input, optionalIn(channel)), result);
      }),
      { numRuns: 15, seed: SEED },
    );
  });

  it('the oracle itself judges each kind of input', () => {
    const base = { id: 'x', version: 1, name: 'n' };
    const cases: [unknown, Expectation][] = [
      [{ ...base, zz: 1 }, 'must-refuse'],
      [{ ...base, version: 'one' }, 'must-refuse'],
      [[1], 'must-refuse'],
      ['text', 'must-refuse'],
      [{ version: 1, name: 'n' }, 'must-refuse'],
      [{}, 'must-refuse'],
      [JSON.parse('{"__proto__": {"id": "x"}, "id": "x", "version": 1}'), 'must-refuse'],
      [{ ...base, version: 2 }, 'may-pass'],
      [{ id: 'x', version: 1 }, 'may-pass'],
      [{ ...base, name: null }, 'may-pass'],
    ];
    for (const [input, expected] of cases)
      expect([input, expectationOf(base, input)]).toEqual([input, expected]);
    expect(expectationOf({}, undefined)).toBe('may-pass');
    expect(expectationOf({ id: 'x' }, { id: 'x', version: 2 }, optionalIn('users.update'))).toBe(
      'may-pass',
    );
    expect(expectationOf({ id: 'x' }, { id: 'x', version: 2 }, optionalIn('agents.get'))).toBe(
      'must-refuse',
    );
    expect(expectationOf({}, { anything: 1 })).toBe('must-refuse');
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
    const bases = new Map<string, Record<string, unknown>>();
    for (const channel of CHANNEL_NAMES) bases.set(channel, await world.inputs[channel]('own'));
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
    // a well-formed sign-out ends the run's one session (a row in the database now), and with it
    // every later input's chance to be judged on its own
    const judged = CHANNEL_NAMES.filter((channel) => channel !== 'auth.signOut');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...judged), bodies, async (channel, body) => {
        const response = await fetch(`http://127.0.0.1:${server.port}/rpc/${channel}`, {
          method: 'POST',
          headers,
          body,
        });
        expect(response.status).toBe(200);
        const result = (await response.json()) as { ok: boolean; error?: { code: string } };
        judge(bodyExpectation(bases.get(channel) ?? {}, body, optionalIn(channel)), result);
      }),
      { numRuns: 150, seed: SEED },
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

  // hundreds of calls, some forty of them hashing or comparing a password at bcrypt's cost 12:
  // about 15 s on an idle machine, several times that on a loaded one
  it(
    'stores SQL-shaped strings verbatim or rejects them, never executes them',
    { timeout: 300_000 },
    async () => {
      for (const channel of CHANNEL_NAMES) {
        const bases = unusedBases(channel);
        for (const [key, value] of Object.entries(await bases.next())) {
          if (typeof value !== 'string') continue;
          for (const payload of SQL_PAYLOADS) {
            const base = await bases.next();
            const before = await fingerprint(h.db);
            const result = await h.call(world.admin(), channel, { ...base, [key]: payload });
            bases.answered(result);
            const expected = payloadExpectation(channel, key);
            // what comes back under the field's own name is the payload, character for character
            const data: unknown = result.ok ? result.data : undefined;
            const echoed = isRecord(data) ? data[key] : undefined;
            if (typeof echoed === 'string') expect(echoed).toBe(payload);
            if (!result.ok && !WRITES_WHEN_REFUSED.has(channel)) {
              expect(await fingerprint(h.db), `${channel} ${key} ${JSON.stringify(result)}`).toBe(
                before,
              );
            }
            judge(expected, result);
          }
        }
      }
      expect(await h.db.sql("select to_regclass('public.canary') is not null as present")).toEqual([
        { present: true },
      ]);
    },
  );
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A body the transport reads as JSON: none is an empty input, anything unreadable is refused. */
function bodyExpectation(
  base: Record<string, unknown>,
  body: string,
  optional: ReadonlySet<string>,
): Expectation {
  if (body.length === 0) return expectationOf(base, {}, optional);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'must-refuse';
  }
  return expectationOf(base, parsed, optional);
}

/** Fields whose value is free text: a SQL-shaped string is a value like any other there. */
const FREE_TEXT = new Set([
  'name',
  'organizationName',
  'description',
  'systemPrompt',
  'systemPromptEnhancement',
  'password',
  'currentPassword',
  'newPassword',
  'confirmSlug',
  'query',
  'search',
  'reason',
]);

/** Fields of a closed shape (identifiers, slugs, addresses, enumerations, URLs) that no SQL payload fits. */
const CLOSED_SHAPE = new Set([
  'code',
  'recoveryCode',
  'userId',
  'id',
  'upload',
  'data',
  'organizationId',
  'agentId',
  'skillId',
  'slug',
  'email',
  'tier',
  'role',
  'event',
  'onConflict',
  'table',
  'sort',
  'url',
  'mode',
  'step',
]);

function payloadExpectation(channel: string, key: string): Expectation {
  // sign-in takes any text as an email, so that a malformed one is answered as an unknown one
  if (FREE_TEXT.has(key) || (channel === 'auth.signIn' && key === 'email')) return 'may-pass';
  if (CLOSED_SHAPE.has(key)) return 'must-refuse';
  throw new Error(`The fuzz oracle does not know the string field "${key}": add it to one list`);
}
