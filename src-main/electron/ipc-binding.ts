import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNEL_NAMES } from '../../src-shared/channels.ts';
import type { Result } from '../../src-shared/contract.ts';
import type { FileTarget } from '../files/file-target.ts';
import type { Router } from '../ipc/router.ts';
import type { SessionSlot } from '../ipc/session-slot.ts';
import { isAppUrl } from './security.ts';

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
 */
export function bindIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  router: () => Promise<Pick<Router, 'dispatch'>>,
  appOrigin: string,
  filesFor?: (sender: WebContents) => FileTarget,
): IpcBinding {
  const slots = new Map<number, SessionSlot>();
  const slotOf = (sender: WebContents) => {
    let slot = slots.get(sender.id);
    if (!slot) slots.set(sender.id, (slot = filesFor ? { files: filesFor(sender) } : {}));
    return slot;
  };
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event: Event, input: unknown) => {
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !isAppUrl(frame.url, appOrigin)) return FOREIGN;
      return (await router()).dispatch(slotOf(event.sender), channel, input);
    });
  }
  return {
    forgetWindow: (id) => void slots.delete(id),
    slotOf: (id) => slots.get(id) ?? {},
  };
}
