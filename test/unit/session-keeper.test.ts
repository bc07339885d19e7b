import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindIpc } from '../../src-main/electron/ipc-binding.ts';
import { APP_ORIGIN } from '../../src-main/electron/security.ts';
import { safeStorageKeeper } from '../../src-main/electron/session-keeper.ts';
import type { Router } from '../../src-main/ipc/router.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { fakeElectron } from '../support/fake-electron.ts';

/*
 * The Electron app reopens signed in (issue 29): its window's session
 * secret is kept between runs, sealed by the keychain (safeStorage, stood in
 * for here), and the next run's window starts in it.
 */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetprompt-keeper-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** One run of the app: an ipcMain binding whose router signs the window in on auth.signIn. */
function run(file: string, available = true) {
  const electron = fakeElectron();
  electron.safeStorage.available = available;
  const seen: SessionSlot[] = [];
  const router: Pick<Router, 'dispatch'> = {
    dispatch: async (slot, channel) => {
      seen.push({ ...slot });
      if (channel === 'auth.signIn') slot.sessionId = 'the-secret';
      if (channel === 'auth.signOut') slot.sessionId = undefined;
      return { ok: true, data: null };
    },
  };
  bindIpc(
    electron.ipcMain as never,
    async () => router,
    APP_ORIGIN,
    undefined,
    safeStorageKeeper(electron.safeStorage, file),
  );
  const invoke = (channel: string) =>
    electron.ipcMain.handlers.get(channel)!(
      { sender: { id: 1 }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } },
      {},
    );
  return { invoke, seen };
}

describe('the Electron session across restarts', () => {
  it('starts the next run in the session the last one signed in to, as an electron session', async () => {
    const file = join(dir, 'session.bin');
    await run(file).invoke('auth.signIn');
    const next = run(file);
    await next.invoke('auth.me');
    expect(next.seen[0]).toMatchObject({ kind: 'electron', sessionId: 'the-secret' });
  });

  it('keeps the secret sealed, readable by its owner only', async () => {
    const file = join(dir, 'session.bin');
    await run(file).invoke('auth.signIn');
    expect(await readFile(file, 'utf8')).not.toBe('the-secret');
    expect((await stat(file)).mode & 0o077).toBe(0);
  });

  it('forgets it at sign-out', async () => {
    const file = join(dir, 'session.bin');
    const first = run(file);
    await first.invoke('auth.signIn');
    await first.invoke('auth.signOut');
    const next = run(file);
    await next.invoke('auth.me');
    expect(next.seen[0]?.sessionId).toBeUndefined();
  });

  it('keeps nothing where the keychain is unavailable: each run signs in', async () => {
    const file = join(dir, 'session.bin');
    await run(file, false).invoke('auth.signIn');
    await expect(stat(file)).rejects.toThrow();
    const next = run(file, false);
    await next.invoke('auth.me');
    expect(next.seen[0]?.sessionId).toBeUndefined();
  });
});
