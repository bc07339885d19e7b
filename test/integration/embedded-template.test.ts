import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded, prepareClusterTemplate } from '../../src-main/db/embedded.ts';
import { templatePlace } from '../../src-main/db/embedded-template.ts';

/*
 * A first start copies a prepared empty cluster instead of running initdb
 * (npm install prepares it). These tests prepare their own in a throwaway
 * folder and start throwaway data directories from it.
 */

let root: string;
const folders: string[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fleetprompt-templates-'));
  folders.push(root);
  await prepareClusterTemplate(() => undefined, { templates: root });
});
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** A new data directory the server's user can enter. */
async function newHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'fleetprompt-first-start-'));
  await chmod(home, 0o755);
  folders.push(home);
  return home;
}

async function open(home: string, templates: string) {
  const said: string[] = [];
  const server = await openEmbedded(home, (line) => said.push(line), { templates });
  return { server, said };
}

const connects = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const secretsOf = async (templates: string) =>
  JSON.parse(await readFile(templatePlace(templates, 18).secrets, 'utf8')) as {
    superuserPassword: string;
  };

describe('the prepared empty cluster', () => {
  it('is what a new data directory starts from, not initdb', async () => {
    const { server, said } = await open(await newHome(), root);
    try {
      expect(said.some((line) => line.startsWith('copied the prepared PostgreSQL cluster'))).toBe(
        true,
      );
      expect(said.some((line) => line.startsWith('initialising'))).toBe(false);
      expect(await connects(server.url)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it("leaves the copy none of the template's passwords", async () => {
    const { server } = await open(await newHome(), root);
    try {
      const template = await secretsOf(root);
      const withTemplatePassword = new URL(server.adminUrl);
      withTemplatePassword.password = template.superuserPassword;
      expect(await connects(withTemplatePassword.toString())).toBe(false);
      expect(await connects(server.adminUrl)).toBe(true);
      expect(new URL(server.adminUrl).password).not.toBe(template.superuserPassword);
    } finally {
      await server.stop();
    }
  });

  it('gives each copy passwords of its own', async () => {
    const first = await open(await newHome(), root);
    const second = await open(await newHome(), root);
    try {
      expect(new URL(first.server.url).password).not.toBe(new URL(second.server.url).password);
      expect(new URL(first.server.adminUrl).password).not.toBe(
        new URL(second.server.adminUrl).password,
      );
    } finally {
      await first.server.stop();
      await second.server.stop();
    }
  });

  it('is made once: preparing again finds it', async () => {
    expect(await prepareClusterTemplate(() => undefined, { templates: root })).toBe('present');
  });

  it('is made once when two installs prepare it at the same moment', async () => {
    const shared = await mkdtemp(join(tmpdir(), 'fleetprompt-templates-'));
    folders.push(shared);
    const outcomes = await Promise.all([
      prepareClusterTemplate(() => undefined, { templates: shared }),
      prepareClusterTemplate(() => undefined, { templates: shared }),
    ]);
    expect(outcomes.sort()).toEqual(['made', 'present']);
    const { server } = await open(await newHome(), shared);
    await server.stop();
  });

  it('of another PostgreSQL version is not used', async () => {
    const other = await mkdtemp(join(tmpdir(), 'fleetprompt-templates-'));
    folders.push(other);
    const place = templatePlace(other, 18);
    await mkdir(place.dir);
    await writeFile(join(place.dir, 'PG_VERSION'), '17\n');
    await writeFile(place.secrets, JSON.stringify({ superuserPassword: 'x', appDatabase: 'y' }));
    const { server, said } = await open(await newHome(), other);
    try {
      expect(said.some((line) => line.startsWith('initialising'))).toBe(true);
      expect(await connects(server.url)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('that cannot be copied leaves the start to initdb', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'fleetprompt-templates-'));
    folders.push(broken);
    await prepareClusterTemplate(() => undefined, { templates: broken });
    // a file nobody may read: the copy fails half way
    const unreadable = join(templatePlace(broken, 18).dir, 'unreadable');
    await writeFile(unreadable, 'x');
    await chmod(unreadable, 0o000);
    const { server, said } = await open(await newHome(), broken);
    try {
      expect(said.some((line) => line.startsWith('could not copy the prepared cluster'))).toBe(
        true,
      );
      expect(said.some((line) => line.startsWith('initialising'))).toBe(true);
      expect(await connects(server.url)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
