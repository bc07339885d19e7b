import { contextBridge, ipcRenderer } from 'electron';
import {
  EVENT_CHANNEL,
  isChannelName,
  type FleetBridge,
  type FleetEvent,
} from '../src-shared/channels.ts';

/*
 * The page's only door to the main process: invoke a contract channel, or
 * listen for progress events. Unknown channels are refused here already.
 */
const bridge: FleetBridge = {
  invoke(channel, input) {
    if (!isChannelName(channel))
      return Promise.reject(new Error(`Unknown channel: ${String(channel)}`));
    return ipcRenderer.invoke(channel, input ?? {});
  },
  onEvent(listener) {
    const handler = (_event: unknown, payload: FleetEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('fleet', bridge);
