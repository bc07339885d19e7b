import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

export const BCRYPT_COST = 12;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
  /** The cost factor a stored hash was made with. */
  costOf(hash: string): number;
  /** A hash of no one's password, compared against for unknown emails so that both failures take as long. */
  dummyHash(): Promise<string>;
  close(): Promise<void>;
}

type Job =
  | { op: 'hash'; password: string; cost: number }
  | { op: 'compare'; password: string; hash: string };
type Reply =
  { id: number; ok: true; value: string | boolean } | { id: number; ok: false; message: string };

/*
 * bcrypt at cost 12 takes ~220 ms of CPU; even bcryptjs's async API barely
 * yields, so hashing runs in worker threads. The worker is an inline script
 * that requires bcryptjs by its resolved path, so the same code works under
 * Node, vitest and the bundled Electron main process.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', async (job) => {
  try {
    const value = job.op === 'hash'
      ? await bcrypt.hash(job.password, job.cost)
      : await bcrypt.compare(job.password, job.hash);
    parentPort.postMessage({ id: job.id, ok: true, value });
  } catch (error) {
    parentPort.postMessage({ id: job.id, ok: false, message: String(error && error.message || error) });
  }
});
`;

export function createPasswordHasher(
  options: { cost?: number; workers?: number } = {},
): PasswordHasher {
  const cost = options.cost ?? BCRYPT_COST;
  const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
  const size = options.workers ?? Math.max(1, Math.min(2, cpus().length));
  const pending = new Map<
    number,
    { resolve: (value: string | boolean) => void; reject: (e: Error) => void }
  >();
  let nextId = 0;
  let turn = 0;
  let pool: Worker[] | null = null;

  const workers = (): Worker[] => {
    if (pool) return pool;
    pool = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
      worker.unref();
      worker.on('message', (reply: Reply) => {
        const job = pending.get(reply.id);
        if (!job) return;
        pending.delete(reply.id);
        if (reply.ok) job.resolve(reply.value);
        else job.reject(new Error(reply.message));
      });
      return worker;
    });
    return pool;
  };

  const run = (job: Job): Promise<string | boolean> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const all = workers();
      const worker = all[turn++ % all.length];
      if (!worker) throw new Error('The password hasher has no workers');
      worker.ref();
      worker.postMessage({ ...job, id });
    }).finally(() => {
      if (pending.size === 0) pool?.forEach((w) => w.unref());
    }) as Promise<string | boolean>;

  let dummy: Promise<string> | null = null;
  const hash = async (password: string) => (await run({ op: 'hash', password, cost })) as string;
  return {
    hash,
    compare: async (password, hash) => (await run({ op: 'compare', password, hash })) as boolean,
    costOf: (stored) => Number.parseInt(stored.split('$')[2] ?? '0', 10),
    dummyHash: () => (dummy ??= hash(randomBytes(16).toString('base64url'))),
    close: async () => {
      const all = pool ?? [];
      pool = null;
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
