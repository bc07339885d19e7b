import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, ChannelInput } from '../../src-shared/contract.ts';
import { openRuntime, type Runtime } from '../../src-main/runtime.ts';
import { adminHarness } from '../support/harness.ts';

/*
 * Two consoles on one database edit the same record from the version each
 * opened: whichever saves second is refused with CONFLICT, never silently
 * written over the first — for every kind of record an edit dialog saves.
 */

const h = adminHarness('conflicts');
const consoles: Runtime[] = [];
const homes: string[] = [];

beforeAll(async () => {
  for (let i = 0; i < 2; i += 1) {
    const home = await mkdtemp(join(tmpdir(), 'fleetprompt-conflict-'));
    homes.push(home);
    consoles.push(await openRuntime({ dataDir: home, env: { DATABASE_URL: h.db.url } }));
  }
});
afterAll(async () => {
  await Promise.all(consoles.map((c) => c.close()));
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
});

const system =
  (i: 0 | 1) =>
  <C extends Channel>(channel: C, input: ChannelInput<C>) =>
    consoles[i]!.router.system(channel, input);

interface Editable {
  /** Creates the record; answers its id and version. */
  open(): Promise<{ id: string; version: number }>;
  save(console: 0 | 1, id: string, version: number, name: string): Promise<unknown>;
  nameOf(id: string): Promise<string | null>;
}

let orgId = '';
let serial = 0;
const kinds: Record<string, Editable> = {
  organization: {
    open: async () => {
      serial += 1;
      return system(0)('organizations.create', {
        name: 'Raced',
        slug: `raced-${serial}`,
        tier: 'pro',
      });
    },
    save: (c, id, version, name) => system(c)('organizations.update', { id, version, name }),
    nameOf: async (id) => (await system(0)('organizations.get', { id })).name,
  },
  user: {
    open: async () => {
      serial += 1;
      return system(0)('users.create', {
        organizationId: h.homeId,
        email: `raced-${serial}@conflicts.test`,
        name: 'Raced',
        role: 'user',
        password: 'a long enough passphrase',
      });
    },
    save: (c, id, version, name) => system(c)('users.update', { id, version, name }),
    nameOf: async (id) => (await system(0)('users.get', { id })).name,
  },
  agent: {
    open: async () => {
      if (!orgId) orgId = (await h.org('raced-agents', 'enterprise')).id;
      return system(0)('agents.create', {
        organizationId: orgId,
        name: 'Raced',
        systemPrompt: 'p',
      });
    },
    save: (c, id, version, name) =>
      system(c)('agents.update', { organizationId: orgId, id, version, name }),
    nameOf: async (id) => (await system(0)('agents.get', { organizationId: orgId, id })).name,
  },
  skill: {
    open: async () => {
      serial += 1;
      return system(0)('skills.create', {
        name: 'Raced',
        slug: `raced-skill-${serial}`,
        systemPromptEnhancement: 'Be brief.',
      });
    },
    save: (c, id, version, name) => system(c)('skills.update', { id, version, name }),
    nameOf: async (id) => (await system(0)('skills.get', { id })).name,
  },
};

describe.each(Object.entries(kinds))('two consoles editing one %s', (_kind, kind) => {
  it.each([
    [0, 1],
    [1, 0],
  ] as const)(
    'refuses the save of console %i after console %i saved, keeping the first save',
    async (second, first) => {
      const record = await kind.open();
      await kind.save(first, record.id, record.version, 'First save');
      await expect(
        kind.save(second, record.id, record.version, 'Second save'),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await kind.nameOf(record.id)).toBe('First save');
    },
  );

  it('lets the second console save on top of the version it was shown', async () => {
    const record = await kind.open();
    const first = (await kind.save(0, record.id, record.version, 'First save')) as {
      version: number;
    };
    await kind.save(1, record.id, first.version, 'On top');
    expect(await kind.nameOf(record.id)).toBe('On top');
  });
});
