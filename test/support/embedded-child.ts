import { openEmbedded } from '../../src-main/db/embedded/open.ts';

/** A second process for the embedded-server tests: opens the data directory, prints what it got, waits. */
const home = process.argv[2];
if (!home) throw new Error('usage: embedded-child.ts <home>');
const server = await openEmbedded(home);
process.stdout.write(`${JSON.stringify({ url: server.url, owned: server.owned })}\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
setInterval(() => undefined, 1_000);
