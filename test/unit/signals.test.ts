import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onStopSignal, STOP_WITHIN_MS } from '../../src-main/signals.ts';

/*
 * A console told to stop (Ctrl+C, SIGTERM) runs its orderly shutdown once,
 * and ends even when that shutdown fails or never finishes.
 */

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let saved: { signal: (typeof SIGNALS)[number]; listeners: NodeJS.SignalsListener[] }[];
let exit: ReturnType<typeof vi.spyOn>;
let said: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  // the test runner's own handlers, put back after each test
  saved = SIGNALS.map((signal) => ({
    signal,
    listeners: process.listeners(signal) as NodeJS.SignalsListener[],
  }));
  vi.useFakeTimers();
  exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
  said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const { signal, listeners } of saved) {
    process.removeAllListeners(signal);
    for (const listener of listeners) process.on(signal, listener);
  }
});

describe('a stop signal', () => {
  it('runs the stop once, however many signals arrive', () => {
    const stop = vi.fn(() => new Promise<void>(() => undefined));
    onStopSignal(stop);

    process.emit('SIGTERM');
    process.emit('SIGINT');
    process.emit('SIGTERM');

    expect(stop).toHaveBeenCalledTimes(1);
    expect(stop).toHaveBeenCalledWith('SIGTERM');
  });

  it('ends the process with 1 when the stop has not finished in time, and says so', () => {
    onStopSignal(() => new Promise<void>(() => undefined));
    process.emit('SIGTERM');

    vi.advanceTimersByTime(STOP_WITHIN_MS - 1);
    expect(exit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);

    expect(exit).toHaveBeenCalledWith(1);
    expect(said).toHaveBeenCalledWith('stop: not finished within 15 s, exiting anyway');
  });

  it('ends the process with 1 when the stop fails, saying why with any password masked', async () => {
    onStopSignal(() =>
      Promise.reject(new Error('could not close postgres://fleet:s3cret@db.example/fleet')),
    );
    process.emit('SIGINT');
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1));

    const message = String(said.mock.calls[0]?.[0]);
    expect(message).toMatch(/^stop: could not close postgres:\/\/fleet:/);
    expect(message).not.toContain('s3cret');
  });
});
