import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src-main/db/embedded/open.ts';
import { prepareClusterTemplate } from '../../src-main/db/embedded/prepare-template.ts';
import { templatePlace } from '../../src-main/db/embedded/template.ts';
import { answers } from '../../src-main/db/embedded/urls.ts';

/*
 * The first start after an install takes a prepared empty cluster instead
 * of running initdb. These tests prepare their own in throwaway folders
 * (in /dev/shm for one on another disk) and start throwaway data
 * directories from them.
 */

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function folder(prefix: string, under = tmpdir()): Promise<string> {
  const made = await mkdtemp(join(under, prefix));
  await chmod(made, 0o755);
  folders.push(made);
  return made;
}

/** A folder of templates with one prepared in it. */
async function prepared(under?: string): Promise<string> {
  const root = await folder('fleetprompt-templates-', under);
  expect(await prepareClusterTemplate(() => undefined, { templates: root })).toBe('made');
  return root;
}

async function open(templates: string) {
  const said: string[] = [];
  const home = await folder('fleetprompt-first-start-');
  const server = await openEmbedded(home, (line) => said.push(line), { templates });
  return {
    server,
    home,
    ran: (start: string) => said.some((line) => line.startsWith(start)),
  };
}

const secretsOf = async (templates: string) =>
  JSON.parse(await readFile(templatePlace(templates, 18).secrets, 'utf8')) as {
    superuserPassword: string;
  };

describe('the cluster prepared at install', () => {
  it('is what the first new data directory starts from, not initdb', async () => {
    const { server, ran } = await open(await prepared());
    try {
      expect(ran('took the PostgreSQL cluster prepared at install')).toBe(true);
      expect(ran('initialising')).toBe(false);
      expect(await answers(server.url)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it("leaves the new cluster none of the template's passwords", async () => {
    const root = await prepared();
    const template = await secretsOf(root);
    const { server, home } = await open(root);
    try {
      const withTemplatePassword = new URL(server.adminUrl);
      withTemplatePassword.password = template.superuserPassword;
      expect(await answers(withTemplatePassword.toString())).toBe(false);
      expect(await answers(server.adminUrl)).toBe(true);
      expect(existsSync(join(home, 'postgres', 'fleetprompt-template.json'))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('is taken once: the next new data directory runs initdb, with passwords of its own', async () => {
    const root = await prepared();
    const first = await open(root);
    const second = await open(root);
    try {
      expect(second.ran('initialising')).toBe(true);
      expect(await answers(second.server.url)).toBe(true);
      expect(new URL(first.server.adminUrl).password).not.toBe(
        new URL(second.server.adminUrl).password,
      );
    } finally {
      await first.server.stop();
      await second.server.stop();
    }
  });

  it('is made once: preparing again finds it', async () => {
    const root = await prepared();
    expect(await prepareClusterTemplate(() => undefined, { templates: root })).toBe('present');
  });

  it('is made once when two installs prepare it at the same moment', async () => {
    const root = await folder('fleetprompt-templates-');
    const outcomes = await Promise.all([
      prepareClusterTemplate(() => undefined, { templates: root }),
      prepareClusterTemplate(() => undefined, { templates: root }),
    ]);
    expect(outcomes.sort()).toEqual(['made', 'present']);
    const { server, ran } = await open(root);
    await server.stop();
    expect(ran('took the PostgreSQL cluster prepared at install')).toBe(true);
  });

  it('of another PostgreSQL version is not used', async () => {
    const root = await folder('fleetprompt-templates-');
    const place = templatePlace(root, 18);
    await mkdir(place.dir);
    await writeFile(join(place.dir, 'PG_VERSION'), '17\n');
    await writeFile(place.secrets, JSON.stringify({ superuserPassword: 'x' }));
    const { server, ran } = await open(root);
    try {
      expect(ran('initialising')).toBe(true);
      expect(await answers(server.url)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('on another disk is copied', async () => {
    const { server, ran } = await open(await prepared('/dev/shm'));
    try {
      expect(ran('took the PostgreSQL cluster prepared at install')).toBe(true);
      expect(await answers(server.url)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('that cannot be copied leaves the start to initdb', async () => {
    const root = await prepared('/dev/shm');
    // a file nobody may read: the copy fails half way
    const unreadable = join(templatePlace(root, 18).dir, 'unreadable');
    await writeFile(unreadable, 'x');
    await chmod(unreadable, 0o000);
    const { server, ran } = await open(root);
    try {
      expect(ran('could not take the prepared cluster')).toBe(true);
      expect(ran('initialising')).toBe(true);
      expect(await answers(server.url)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe("npm's postinstall", () => {
  it("leaves a prepared cluster and the console compiled in Node's cache", async () => {
    const root = await folder('fleetprompt-install-');
    const env = {
      ...process.env,
      FLEETPROMPT_TEMPLATES: join(root, 'templates'),
      NODE_COMPILE_CACHE: join(root, 'compile-cache'),
    };
    const child = spawn(process.execPath, ['src-main/cli/postinstall.mjs'], { env });
    let said = '';
    child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(said).toContain('prepared the embedded database for first starts');
    expect(existsSync(templatePlace(join(root, 'templates'), 18).secrets)).toBe(true);
    const cached = await readdir(join(root, 'compile-cache'), { recursive: true });
    expect(cached.length).toBeGreaterThan(100);
  });
});
