import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface NpmStart {
  child: ChildProcess;
  /** The address `npm start` printed in its terminal. */
  printed: string;
  stderr(): string;
  /**
   * The arguments the browser opener was started with, as `ps` shows them
   * to every local user.
   */
  launchArgv(): Promise<string[]>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm start` as a user with a desktop runs it on a machine without
 * Electron's binary, with `xdg-open` standing in for the desktop's opener:
 * it records its arguments instead of starting a browser.
 */
export async function npmStart(env: NodeJS.ProcessEnv): Promise<NpmStart> {
  const bin = await mkdtemp(join(tmpdir(), 'fleetprompt-opener-'));
  const argvFile = join(bin, 'argv');
  const opener = join(bin, 'xdg-open');
  await writeFile(
    opener,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${argvFile}.partial"\nmv "${argvFile}.partial" "${argvFile}"\n`,
  );
  await chmod(opener, 0o755);
  const { WAYLAND_DISPLAY: _wayland, ...inherited } = env;
  const child = spawn(process.execPath, ['src-main/cli/start.ts'], {
    env: { ...inherited, DISPLAY: ':0', PATH: `${bin}${delimiter}${env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const printed = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('The console is at ')) resolve(line.slice('The console is at '.length));
    });
    void exited.then((code) => reject(new Error(`npm start exited early with ${code}: ${stderr}`)));
  });
  return {
    child,
    printed,
    stderr: () => stderr,
    async launchArgv() {
      for (let waited = 0; waited < 5_000; waited += 50) {
        const recorded = await readFile(argvFile, 'utf8').catch(() => null);
        if (recorded !== null) return recorded.split('\n').slice(0, -1);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('npm start did not open a browser within 5 seconds');
    },
    async stop(signal = 'SIGINT') {
      child.kill(signal);
      const code = await exited;
      await rm(bin, { recursive: true, force: true });
      return code;
    },
  };
}
