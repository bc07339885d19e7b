import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/*
 * The packaged app is locked down by electron-builder's fuses (flipped in the
 * binary before signing). Packaging cannot run here (no Electron binary), so
 * the configuration it reads is what is checked.
 */
const config = parse(readFileSync('electron-builder.yml', 'utf8')) as {
  asar?: boolean;
  electronFuses?: Record<string, boolean>;
};

describe('the packaged app', () => {
  it('ships the app in an asar archive', () => {
    expect(config.asar).toBe(true);
  });

  it.each([
    ['runAsNode', false, 'ELECTRON_RUN_AS_NODE cannot turn the app into Node'],
    ['enableNodeOptionsEnvironmentVariable', false, 'NODE_OPTIONS is ignored'],
    ['enableNodeCliInspectArguments', false, '--inspect cannot attach a debugger'],
    ['enableEmbeddedAsarIntegrityValidation', true, 'a swapped app.asar is refused'],
    ['onlyLoadAppFromAsar', true, 'code outside app.asar is never loaded'],
    ['enableCookieEncryption', true, 'cookies are encrypted at rest'],
    ['grantFileProtocolExtraPrivileges', false, 'file:// gets no extra privileges'],
  ])('sets the %s fuse to %s: %s', (fuse, value) => {
    expect(config.electronFuses?.[fuse]).toBe(value);
  });
});
