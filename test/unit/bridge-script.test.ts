import { describe, expect, it } from 'vitest';
import { BRIDGE_SCRIPT } from '../../src-main/headless/bridge-script.ts';

describe("headless mode's bridge script", () => {
  it('is valid JavaScript as served (its escapes survive the template it is written in)', () => {
    expect(() => new Function(BRIDGE_SCRIPT)).not.toThrow();
  });
});
