/**
 * Where a transport keeps one caller's session: one slot per Electron window,
 * or per headless window id. The router reads and writes it; nothing else does.
 */
export interface SessionSlot {
  sessionId?: string;
}
