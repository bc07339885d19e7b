import { redact } from '../log.ts';

/**
 * Runs a CLI command: its exit code on success, a one-line message and exit 1
 * on failure (the message says what to do; no stack trace). It exits
 * explicitly, so that nothing left open keeps the process alive.
 */
export async function runCli(command: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await command();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${redact(message)}`);
    code = 1;
  }
  process.exit(code);
}
