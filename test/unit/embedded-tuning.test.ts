import { describe, expect, it } from 'vitest';
import { sharedBuffersMb } from '../../src-main/db/embedded-tuning.ts';

const GB = 1024 ** 3;

describe('embedded server shared buffers', () => {
  it('take a sixteenth of the machine memory', () => {
    expect(sharedBuffersMb(8 * GB)).toBe(512);
  });

  it("never go below PostgreSQL's own default of 128 MB", () => {
    expect(sharedBuffersMb(1 * GB)).toBe(128);
  });

  it('stop at 1 GB on a large machine', () => {
    expect(sharedBuffersMb(64 * GB)).toBe(1024);
  });
});
