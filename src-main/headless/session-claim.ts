import type { Result } from '../../src-shared/contract.ts';
import type { LaunchCodes } from './launch-codes.ts';

export const LINK_REFUSED =
  'This link has expired or was already used. Open the address that npm start printed in its ' +
  'terminal, or run npm start again.';

export interface ClaimAnswer {
  status: 200 | 400 | 401;
  body: Result<{ token: string }>;
}

/**
 * POST /session/claim: a launch link's one-time code, sent by the page on
 * its first load, exchanged for the session token. A wrong, used or expired
 * code gets one answer, so that a caller learns nothing about which it was.
 */
export function claimSession(body: Buffer, codes: LaunchCodes, token: string): ClaimAnswer {
  let code: unknown;
  try {
    code = (JSON.parse(body.toString('utf8')) as { code?: unknown } | null)?.code;
  } catch {
    code = undefined;
  }
  if (typeof code !== 'string')
    return {
      status: 400,
      body: { ok: false, error: { code: 'VALIDATION', message: 'Send {"code": "<code>"}' } },
    };
  if (!codes.claim(code))
    return {
      status: 401,
      body: { ok: false, error: { code: 'UNAUTHENTICATED', message: LINK_REFUSED } },
    };
  return { status: 200, body: { ok: true, data: { token } } };
}
