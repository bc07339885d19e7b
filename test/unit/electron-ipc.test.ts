import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src-shared/channels.ts';
import { bindIpc } from '../../src-main/electron/ipc-binding.ts';
import { APP_ORIGIN } from '../../src-main/electron/security.ts';
import type { Router } from '../../src-main/ipc/router.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { fakeElectron } from '../support/fake-electron.ts';

function setup() {
  const electron = fakeElectron();
  const calls: { slot: SessionSlot; channel: string; input: unknown }[] = [];
  const router: Pick<Router, 'dispatch'> = {
    dispatch: async (slot, channel, input) => {
      calls.push({ slot, channel, input });
      slot.sessionId ??= `session-${calls.length}`;
      return { ok: true, data: channel };
    },
  };
  const targets: number[] = [];
  const binding = bindIpc(
    electron.ipcMain as never,
    async () => router,
    APP_ORIGIN,
    (sender) => {
      targets.push(sender.id);
      return { save: async () => null };
    },
  );
  const invoke = (
    channel: string,
    senderId: number,
    url = `${APP_ORIGIN}/index.html`,
    parent: unknown = null,
  ) =>
    electron.ipcMain.handlers.get(channel)!(
      { sender: { id: senderId }, senderFrame: { url, parent } },
      {},
    );
  return { electron, calls, binding, invoke, targets };
}

describe('ipcMain binding', () => {
  it('binds every contract channel, and nothing else', () => {
    const { electron } = setup();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('passes a call from the app page to the router', async () => {
    const { invoke, calls } = setup();
    expect(await invoke('auth.me', 1)).toEqual({ ok: true, data: 'auth.me' });
    expect(calls.map((c) => c.channel)).toEqual(['auth.me']);
  });

  it('gives each window one place to save its files, made with its first call', async () => {
    const { invoke, calls, targets } = setup();
    await invoke('auth.me', 1);
    await invoke('auth.me', 1);
    await invoke('auth.me', 2);
    expect(targets).toEqual([1, 2]);
    expect(calls[0]?.slot.files).toBe(calls[1]?.slot.files);
    expect(calls[2]?.slot.files).not.toBe(calls[0]?.slot.files);
  });

  it('refuses a call from a foreign page', async () => {
    const { invoke, calls } = setup();
    expect(await invoke('auth.me', 1, 'https://evil.example/')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(calls).toEqual([]);
  });

  it('refuses a call from a subframe, even of the app', async () => {
    const { invoke, calls } = setup();
    expect(
      await invoke('auth.me', 1, `${APP_ORIGIN}/index.html`, { url: APP_ORIGIN }),
    ).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });

  it('keeps one session per window, and forgets it when the window closes', async () => {
    const { invoke, calls, binding } = setup();
    await invoke('auth.me', 1);
    await invoke('auth.me', 2);
    await invoke('auth.me', 1);
    expect(calls[0]!.slot).toBe(calls[2]!.slot);
    expect(calls[0]!.slot).not.toBe(calls[1]!.slot);
    binding.forgetWindow(1);
    await invoke('auth.me', 1);
    expect(calls[3]!.slot).not.toBe(calls[0]!.slot);
  });
});
