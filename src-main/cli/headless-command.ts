import { parseArgs } from 'node:util';
import { redact } from '../log.ts';
import { openHeadlessConsole } from './headless-console.ts';

/**
 * `npm run start:headless [--port N] [--host 127.0.0.1|::1]`: the console on
 * loopback. Prints exactly one JSON line to stdout once ready; everything
 * else goes to stderr and the log file.
 */
function fail(message: string, code = 2): never {
  process.stderr.write(`error: ${redact(message)}\n`);
  process.exit(code);
}

let values: { port?: string; host?: string };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' } },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
const host = values.host ?? '127.0.0.1';
if (host !== '127.0.0.1' && host !== '::1') fail('--host must be 127.0.0.1 or ::1 (loopback only)');
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail('--port must be a number from 0 to 65535');

try {
  const server = await openHeadlessConsole({ host, port });
  process.stdout.write(
    `${JSON.stringify({ url: server.url, port: server.port, token: server.token })}\n`,
  );
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 1);
}
