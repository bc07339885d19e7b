import type { FileTarget } from '../files/file-target.ts';

/**
 * Where a transport keeps one caller's session: one slot per Electron window,
 * or per headless window id. The router reads and writes the session; the
 * transport sets where that window's files go.
 */
export interface SessionSlot {
  sessionId?: string;
  files?: FileTarget;
}
