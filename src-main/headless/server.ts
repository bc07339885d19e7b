import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import type { FleetEvent } from '../../src-shared/channels.ts';
import type { Result } from '../../src-shared/contract.ts';
import { CONTENT_SECURITY_POLICY } from '../content-security-policy.ts';
import { containedPath, decodedUrlPath } from '../files/contained-path.ts';
import type { Router } from '../ipc/router.ts';
import type { SessionSlot } from '../ipc/session-slot.ts';
import { BRIDGE_SCRIPT } from './bridge-script.ts';
import { createDownloads } from './downloads.ts';
import { checkCaller, checkRequest, hostAllowed, MAX_BODY_BYTES, windowIdOf } from './guards.ts';
import { createLaunchCodes } from './launch-codes.ts';
import { claimSession } from './session-claim.ts';

export interface HeadlessOptions {
  router: Pick<Router, 'dispatch' | 'mayReceive'>;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  host?: '127.0.0.1' | '::1';
  port?: number;
  token?: string;
}

export interface HeadlessServer {
  /** The console's address with the token in its fragment, for tools and the terminal. */
  url: string;
  port: number;
  token: string;
  /**
   * The address to open a browser on: a one-time code instead of the token
   * (a launcher's argv is readable by every local user), which the page
   * exchanges for the token at /session/claim. Voids the previous one.
   */
  launchUrl(): string;
  /** Pushes an event to every open /events stream whose window may see it. */
  broadcast(event: FleetEvent): void;
  close(): Promise<void>;
}

const JS = 'text/javascript; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
const MIME: Record<string, string> = {
  '.html': HTML,
  '.js': JS,
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': type,
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

const validation = (message: string): Result<never> => ({
  ok: false,
  error: { code: 'VALIDATION', message },
});

/** Reads a body up to the limit; null when it is larger (the caller answers 413). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The console over loopback HTTP for machines without Electron: the built
 * renderer plus POST /rpc/<channel> and GET /events, each request checked
 * for Host, Origin, the per-run token and a window id (one session each),
 * and POST /session/claim, where a launch link's code buys the token.
 */
export async function startHeadless(options: HeadlessOptions): Promise<HeadlessServer> {
  const token = options.token ?? randomBytes(16).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const slots = new Map<string, SessionSlot>();
  /**
   * Open /events streams, each with the window (session) it serves and the
   * events still being judged for it: each is judged on who is signed in
   * now, and sent in the order it came.
   */
  const streams = new Map<ServerResponse, { slot: SessionSlot; queue: Promise<void> }>();
  const downloads = await createDownloads();
  const launchCodes = createLaunchCodes();
  let port = 0;

  /** A file a window saved, once: the id is the credential (see downloads.ts). */
  const serveDownload = async (res: ServerResponse, id: string) => {
    const download = downloads.take(id);
    if (!download)
      return send(res, 404, 'This download has expired or was already taken', 'text/plain');
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': download.name.endsWith('.csv')
        ? 'text/csv; charset=utf-8'
        : 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${download.name.replace(/[^\w.() -]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(download.name)}`,
      'Cache-Control': 'no-store',
    });
    const file = createReadStream(download.path);
    // a read failure must end this response, not the process (an unheard 'error' event throws)
    file.on('error', () => res.destroy());
    file.pipe(res);
    await new Promise<void>((resolve) => res.on('close', resolve));
    file.destroy();
    await rm(download.path, { force: true });
  };

  const serveStatic = async (req: IncomingMessage, res: ServerResponse) => {
    const path = decodedUrlPath(req.url ?? '/');
    if (path === null) return send(res, 400, 'Malformed path', 'text/plain');
    if (path === '/bridge.js') return send(res, 200, BRIDGE_SCRIPT, JS);
    const file = containedPath(options.rendererDir, path);
    if (file !== null && extname(file) !== '' && path !== '/index.html') {
      try {
        return send(
          res,
          200,
          await readFile(file),
          MIME[extname(file)] ?? 'application/octet-stream',
          {
            'Cache-Control': 'public, max-age=31536000, immutable',
          },
        );
      } catch {
        return send(res, 404, 'Not found', 'text/plain');
      }
    }
    // every other path is a screen of the single-page app
    const html = (await readFile(join(options.rendererDir, 'index.html'), 'utf8')).replace(
      '<script type="module"',
      '<script src="/bridge.js"></script>\n    <script type="module"',
    );
    return send(res, 200, html, HTML, {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    });
  };

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, channel: string) => {
    const body = await readBody(req);
    if (body === null)
      return sendJson(res, 413, validation('The request body is larger than 1 MiB'));
    let input: unknown = {};
    if (body.length > 0) {
      try {
        // JSON.parse defines "__proto__" as a plain key; the contract then rejects it as unknown
        input = JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        return sendJson(res, 200, validation('The request body is not valid JSON'));
      }
    }
    const slot = slotOf(windowIdOf(req.headers) as string);
    sendJson(res, 200, await options.router.dispatch(slot, channel, input));
  };

  const handleClaim = async (req: IncomingMessage, res: ServerResponse) => {
    const caller = checkCaller(req.headers, port);
    if (caller)
      return sendJson(res, caller.status, {
        ok: false,
        error: { code: 'FORBIDDEN', message: caller.message },
      });
    const body = await readBody(req);
    if (body === null)
      return sendJson(res, 413, validation('The request body is larger than 1 MiB'));
    const answer = claimSession(body, launchCodes, token);
    sendJson(res, answer.status, answer.body);
  };

  const slotOf = (windowId: string) => {
    let slot = slots.get(windowId);
    if (!slot) slots.set(windowId, (slot = { kind: 'headless', files: downloads.target }));
    return slot;
  };

  const handleEvents = (res: ServerResponse, windowId: string) => {
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.set(res, { slot: slotOf(windowId), queue: Promise.resolve() });
    res.on('close', () => streams.delete(res));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const channel = /^\/rpc\/([A-Za-z]+\.[A-Za-z]+)$/.exec(url.pathname)?.[1];
    const isApi = url.pathname.startsWith('/rpc/') || url.pathname === '/events';
    const download = /^\/download\/([^/]+)$/.exec(url.pathname)?.[1];
    const work = async () => {
      if (url.pathname === '/session/claim') {
        if (req.method !== 'POST') return send(res, 405, 'Method not allowed', 'text/plain');
        return handleClaim(req, res);
      }
      if (download !== undefined && req.method === 'GET') {
        if (!hostAllowed(req.headers.host, port))
          return send(res, 403, 'Host not allowed', 'text/plain');
        return serveDownload(res, download);
      }
      if (!isApi) {
        if (req.method !== 'GET' && req.method !== 'HEAD')
          return send(res, 405, 'Method not allowed', 'text/plain');
        return serveStatic(req, res);
      }
      const failure = checkRequest(req.headers, port, token);
      if (failure)
        return sendJson(res, failure.status, {
          ok: false,
          error: {
            code: failure.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
            message: failure.message,
          },
        });
      if (url.pathname === '/events' && req.method === 'GET')
        return handleEvents(res, windowIdOf(req.headers) as string);
      if (channel && req.method === 'POST') return handleRpc(req, res, channel);
      return sendJson(res, 404, {
        ok: false,
        error: { code: 'NOT_FOUND', message: 'Unknown endpoint' },
      });
    };
    work().catch(() => {
      if (!res.headersSent)
        sendJson(res, 500, {
          ok: false,
          error: { code: 'INTERNAL', message: 'The request failed' },
        });
      else res.end();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${host === '::1' ? '[::1]' : host}:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    port,
    token,
    launchUrl: () => `${origin}/#code=${launchCodes.issue()}`,
    broadcast(event) {
      const frame = `data: ${JSON.stringify(event)}\n\n`;
      for (const [stream, entry] of streams) {
        entry.queue = entry.queue
          .then(() => options.router.mayReceive(entry.slot, event))
          .then(
            (allowed) => void (allowed && !stream.writableEnded && stream.write(frame)),
            // a window whose identity cannot be read now is sent nothing
            () => undefined,
          );
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams.keys()) stream.end();
        server.close(() => void downloads.close().finally(resolve));
        server.closeAllConnections();
      }),
  };
}
