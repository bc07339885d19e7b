import type { SessionKind } from '../../src-shared/dto.ts';
import type { FileTarget } from '../files/file-target.ts';

/**
 * Where a transport keeps one caller's session: one slot per Electron window,
 * or per headless window id. The router reads and writes the session's
 * secret; the transport says what kind of console it is (headless unless
 * said) and where that window's files go.
 */
export interface SessionSlot {
  /** The session's secret (public.sessions holds only its hash). */
  sessionId?: string | undefined;
  kind?: SessionKind;
  files?: FileTarget;
}
