import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../src-shared/channels.ts';
import { contract } from '../../src-shared/contract.ts';
import { createHarness, fingerprint, type Harness } from '../support/harness.ts';
import { recordBadInputCase } from '../support/tally.ts';
import { buildWorld, type World } from '../support/world.ts';

/*
 * For every channel, inputs derived from its contract schema: missing
 * required fields, wrong types, unknown keys, oversized strings, unknown
 * enum values and SQL-shaped slugs. Each must give VALIDATION naming the
 * field and write nothing. Sent as an administrator, so that validation,
 * not policy, is what refuses them.
 */

type Kind = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object' | 'other';
interface Field {
  key: string;
  required: boolean;
  kind: Kind;
}

function describeField(key: string, schema: z.ZodType): Field {
  let current = schema as z.ZodType & {
    def: { type: string; innerType?: z.ZodType; in?: z.ZodType };
  };
  let required = true;
  for (;;) {
    const { type } = current.def;
    if (type === 'optional' || type === 'default' || type === 'nullable') {
      if (type !== 'nullable') required = false;
      current = current.def.innerType as typeof current;
    } else if (type === 'pipe') {
      current = current.def.in as typeof current;
    } else break;
  }
  const type = current.def.type;
  const kind: Kind = ['string', 'number', 'boolean', 'enum', 'array', 'object'].includes(type)
    ? (type as Kind)
    : 'other';
  return { key, required, kind };
}

function fieldsOf(channel: ChannelName): Field[] {
  type Shaped = { shape?: Record<string, z.ZodType>; options?: Shaped[]; def?: { in?: Shaped } };
  const declared = contract[channel].input as unknown as Shaped;
  // an input reshaped after it is checked (auth.verifySecondFactor): the object checked
  const schema = declared.shape ? declared : (declared.def?.in ?? declared);
  // a discriminated union (settings.saveDatabase): its widest variant
  const shape = schema.shape ?? schema.options?.at(-1)?.shape ?? {};
  return Object.entries(shape).map(([key, field]) => describeField(key, field));
}

const WRONG_TYPE: Record<Kind, unknown> = {
  string: 12345,
  number: 'twelve',
  boolean: 'yes',
  enum: 42,
  array: 'not-a-list',
  object: 'not-an-object',
  other: { unexpected: true },
};

interface Case {
  channel: ChannelName;
  what: string;
  field: string;
  mutate: (input: Record<string, unknown>) => Record<string, unknown>;
}

const SQL = 'x"; drop schema public; --';

const cases: Case[] = CHANNEL_NAMES.flatMap((channel) => {
  const fields = fieldsOf(channel);
  const list: Case[] = [
    {
      channel,
      what: 'an unknown key',
      field: 'zzUnknown',
      mutate: (i) => ({ ...i, zzUnknown: 1 }),
    },
    {
      channel,
      what: 'a __proto__ key',
      field: '__proto__',
      mutate: (i) => ({ ...i, ...JSON.parse('{"__proto__": {"role": "admin"}}') }),
    },
  ];
  for (const f of fields) {
    if (f.required) {
      list.push({
        channel,
        what: `${f.key} missing`,
        field: f.key,
        mutate: ({ [f.key]: _gone, ...rest }) => rest,
      });
    }
    list.push({
      channel,
      what: `${f.key} of the wrong type`,
      field: f.key,
      mutate: (i) => ({ ...i, [f.key]: WRONG_TYPE[f.kind] }),
    });
    if (f.kind === 'string') {
      list.push({
        channel,
        what: `${f.key} oversized`,
        field: f.key,
        mutate: (i) => ({ ...i, [f.key]: 'x'.repeat(100_001) }),
      });
    }
    if (f.kind === 'enum') {
      list.push({
        channel,
        what: `${f.key} not one of its values`,
        field: f.key,
        mutate: (i) => ({ ...i, [f.key]: 'not-a-value' }),
      });
    }
    if (f.key === 'slug') {
      list.push({
        channel,
        what: 'slug shaped like SQL',
        field: f.key,
        mutate: (i) => ({ ...i, [f.key]: SQL }),
      });
    }
  }
  return list;
});

let h: Harness;
let world: World;
beforeAll(async () => {
  h = await createHarness();
  world = await buildWorld(h, 'bad');
});
afterAll(() => h.close());

describe('bad input on every channel', () => {
  it('has cases for every channel', () => {
    expect(new Set(cases.map((c) => c.channel))).toEqual(new Set(CHANNEL_NAMES));
  });

  it.each(cases)(
    '$channel: $what gives VALIDATION naming $field',
    async ({ channel, field, mutate }) => {
      const input = mutate(await world.inputs[channel]('own'));
      const before = await fingerprint(h.db);
      const result = await h.call(world.admin(), channel, input);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('VALIDATION');
      const named = Object.keys(result.error.fields ?? {});
      if (field === '__proto__') expect(named.length).toBeGreaterThan(0);
      else expect(named.some((name) => name === field || name.startsWith(`${field}.`))).toBe(true);
      expect(await fingerprint(h.db)).toBe(before);
      recordBadInputCase();
    },
  );

  it('stores SQL-shaped names verbatim instead of executing them', async () => {
    const org = await h.ok(world.admin(), 'organizations.create', {
      name: SQL,
      slug: 'sql-name',
      tier: 'free',
    });
    expect(org.name).toBe(SQL);
    const [row] = await h.db.sql<{ name: string }>(
      'select name from organizations where slug = $1',
      ['sql-name'],
    );
    expect(row?.name).toBe(SQL);
    expect(await h.db.sql("select 1 from pg_namespace where nspname = 'public'")).toHaveLength(1);
  });
});
