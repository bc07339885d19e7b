import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary } from '../../src-main/cli/electron-binary.ts';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fleetprompt-electron-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("finding Electron's binary before npm start hands over to electron-vite", () => {
  it('finds the binary the electron package downloaded', () => {
    const root = project({
      'node_modules/electron/path.txt': 'electron',
      'node_modules/electron/dist/electron': '',
    });
    expect(electronBinary(root, {})).toBe(join(root, 'node_modules/electron/dist/electron'));
  });

  it('answers null when the download never happened (no path.txt)', () => {
    expect(electronBinary(project({ 'node_modules/electron/index.js': '' }), {})).toBeNull();
  });

  it('answers null when path.txt names a binary that is not there', () => {
    expect(
      electronBinary(project({ 'node_modules/electron/path.txt': 'electron' }), {}),
    ).toBeNull();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as the electron package does', () => {
    const root = project({ 'custom/electron': '' });
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: join(root, 'custom') })).toBe(
      join(root, 'custom', 'electron'),
    );
  });
});
