import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/*
 * The checks every /rpc and /events request passes before it reaches the
 * router (and /session/claim, which has no token yet, passes the first two),
 * as pure functions so that each rule is tested on its own.
 */

export const MAX_BODY_BYTES = 1024 * 1024;
const WINDOW_ID = /^[A-Za-z0-9_-]{8,64}$/;

export type GuardFailure = { status: 401 | 403 | 400; message: string };

/** Host must name this server on loopback: defeats DNS rebinding. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

/** A browser sends Origin on cross-site requests; only the server's own page may call. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`].includes(
    origin,
  );
}

export function tokenMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function windowIdOf(headers: IncomingHttpHeaders): string | null {
  const id = headers['x-fleet-window'];
  return typeof id === 'string' && WINDOW_ID.test(id) ? id : null;
}

/** Host, then Origin: whether the caller is this server's own page (or a local tool). */
export function checkCaller(headers: IncomingHttpHeaders, port: number): GuardFailure | null {
  if (!hostAllowed(headers.host, port)) return { status: 403, message: 'Host not allowed' };
  if (!originAllowed(headers.origin, port)) return { status: 403, message: 'Origin not allowed' };
  return null;
}

/** Host, then Origin, then token, then window id; null when the request may proceed. */
export function checkRequest(
  headers: IncomingHttpHeaders,
  port: number,
  token: string,
): GuardFailure | null {
  const caller = checkCaller(headers, port);
  if (caller) return caller;
  if (!tokenMatches(headers.authorization, token))
    return { status: 401, message: 'Missing or wrong token' };
  if (!windowIdOf(headers))
    return { status: 400, message: 'Missing or malformed X-Fleet-Window header' };
  return null;
}
