import { redact } from '../log.ts';

/** Runs a CLI command: its exit code on success, a one-line message and exit 1 on failure. */
export async function runCli(command: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await command();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${redact(message)}`);
    process.exitCode = 1;
  }
}
