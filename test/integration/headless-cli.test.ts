import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmStart, type NpmStart } from '../support/npm-start.ts';

/*
 * `npm run start:headless` as a user runs it: no database configured, so it
 * starts the embedded PostgreSQL, prints one JSON line, and on SIGTERM stops
 * everything it started.
 */
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'fleetprompt-headless-'));
  await chmod(home, 0o755);
});
afterAll(() => rm(home, { recursive: true, force: true }));

const postgresRunning = () => {
  try {
    execFileSync('pgrep', ['-f', `postgres -D ${join(home, 'postgres')}`]);
    return true;
  } catch {
    return false;
  }
};

describe('start:headless', () => {
  it('prints one JSON line once ready and shuts down cleanly on SIGTERM', async () => {
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const env = { ...inherited, FLEETPROMPT_HOME: home };
    const child = spawn(process.execPath, ['src-main/cli/headless.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const ready = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const announced = JSON.parse(await ready) as { url: string; port: number; token: string };
    expect(announced.url).toBe(`http://127.0.0.1:${announced.port}/#token=${announced.token}`);

    const response = await fetch(`http://127.0.0.1:${announced.port}/rpc/auth.firstRun`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${announced.token}`, 'X-Fleet-Window': 'cli-window-1' },
    });
    expect(await response.json()).toEqual({ ok: true, data: true });
    expect(postgresRunning()).toBe(true);

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(postgresRunning()).toBe(false);
  });

  it('is what npm start runs without Electron: it says why, prints the URL, and stops on Ctrl+C', async () => {
    const {
      DATABASE_URL: _ignored,
      DISPLAY: _display,
      WAYLAND_DISPLAY: _wayland,
      ...inherited
    } = process.env;
    const child = spawn(process.execPath, ['src-main/cli/start.ts'], {
      env: { ...inherited, FLEETPROMPT_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const announced = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('The console is at ')) resolve(line.slice('The console is at '.length));
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
    });
    expect(stderr).toMatch(/^Electron's program is not installed here/);
    expect(stderr).toMatch(/node node_modules\/electron\/install\.js/);
    const page = await fetch(new URL('/', announced));
    expect(page.status).toBe(200);
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    expect(postgresRunning()).toBe(false);
  });

  describe('npm start with a desktop to open the browser on', () => {
    let started: NpmStart;
    beforeAll(async () => {
      const { DATABASE_URL: _ignored, ...inherited } = process.env;
      started = await npmStart({ ...inherited, FLEETPROMPT_HOME: home });
    });
    afterAll(() => started.stop());

    const printedToken = () => /#token=([A-Za-z0-9_-]+)$/.exec(started.printed)?.[1] ?? '';

    it("opens the browser on a one-time code: the opener's arguments hold no token", async () => {
      const { port } = new URL(started.printed);
      const argv = await started.launchArgv();
      expect(printedToken()).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(argv).toEqual([
        expect.stringMatching(
          new RegExp(`^http://127\\.0\\.0\\.1:${port}/#code=[A-Za-z0-9_-]{22}$`),
        ),
      ]);
      expect(argv.join(' ')).not.toContain(printedToken());
    });

    it("buys the printed token with the opener's code, once", async () => {
      const [link = ''] = await started.launchArgv();
      const { origin, hash } = new URL(link);
      const claim = () =>
        fetch(`${origin}/session/claim`, {
          method: 'POST',
          headers: { Origin: origin, 'Content-Type': 'application/json' },
          body: JSON.stringify({ code: hash.slice('#code='.length) }),
        });
      const first = await claim();
      expect(await first.json()).toEqual({ ok: true, data: { token: printedToken() } });
      const again = await claim();
      expect(again.status).toBe(401);
      expect(JSON.stringify(await again.json())).not.toContain(printedToken());
    });
  });

  it('refuses a host that is not loopback', async () => {
    const child = spawn(process.execPath, ['src-main/cli/headless.ts', '--host', '0.0.0.0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(2);
    expect(stderr).toMatch(/127\.0\.0\.1 or ::1/);
  });
});
