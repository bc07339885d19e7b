import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNEL_NAMES } from '../../src-shared/channels.ts';
import type { Result } from '../../src-shared/contract.ts';
import type { FileTarget } from '../files/file-target.ts';
import type { Router } from '../ipc/router.ts';
import type { SessionSlot } from '../ipc/session-slot.ts';
import { isAppUrl } from './security.ts';
import type { SessionKeeper } from './session-keeper.ts';

type Event = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

export interface IpcBinding {
  /** Forgets a closed window's session. */
  forgetWindow(webContentsId: number): void;
  /** A window's session slot (empty until it calls). */
  slotOf(webContentsId: number): SessionSlot;
}

const FOREIGN: Result<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'Calls are accepted only from the console itself' },
};

/**
 * Binds every contract channel to ipcMain through the router. Only the app's
 * own top frame may call; each window has its own session, as each headless
 * window id has, and saves its files where `filesFor` says (the save dialog).
 * A window starts in the session the `keeper` kept from the last run, and
 * the keeper is told whenever its session changes.
 */
export function bindIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  router: () => Promise<Pick<Router, 'dispatch'>>,
  appOrigin: string,
  filesFor?: (sender: WebContents) => FileTarget,
  keeper?: SessionKeeper,
): IpcBinding {
  const slots = new Map<number, SessionSlot>();
  const slotOf = (sender: WebContents) => {
    let slot = slots.get(sender.id);
    if (!slot) {
      slot = { kind: 'electron', sessionId: keeper?.load() };
      if (filesFor) slot.files = filesFor(sender);
      slots.set(sender.id, slot);
    }
    return slot;
  };
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event: Event, input: unknown) => {
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !isAppUrl(frame.url, appOrigin)) return FOREIGN;
      const slot = slotOf(event.sender);
      const before = slot.sessionId;
      const result = await (await router()).dispatch(slot, channel, input);
      if (slot.sessionId !== before) keeper?.save(slot.sessionId);
      return result;
    });
  }
  return {
    forgetWindow: (id) => void slots.delete(id),
    slotOf: (id) => slots.get(id) ?? {},
  };
}
