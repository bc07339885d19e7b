import { contextBridge, ipcRenderer } from 'electron';
import { isChannelName, type FleetBridge, type ProgressEvent } from '../src-shared/channels.ts';

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
    const handler = (_event: unknown, payload: ProgressEvent) => listener(payload);
    ipcRenderer.on('fleet:event', handler);
    return () => ipcRenderer.removeListener('fleet:event', handler);
  },
};

contextBridge.exposeInMainWorld('fleet', bridge);
