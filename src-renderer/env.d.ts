import type { FleetBridge } from '../src-shared/channels.ts';

declare global {
  interface Window {
    /** Defined by the preload (Electron) or /bridge.js (headless); the page's only way to main. */
    fleet: FleetBridge;
  }
}
