import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveDialogTarget } from '../../src-main/electron/save-dialog.ts';
import { writeChunk } from '../../src-main/files/file-target.ts';
import { fakeElectron } from '../support/fake-electron.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetprompt-save-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function target(answer: { canceled: boolean; filePath: string }) {
  const { dialog } = fakeElectron();
  dialog.answer = answer;
  const window = { id: 'window' };
  return {
    dialog,
    window,
    files: saveDialogTarget(dialog, () => window as never, '/home/op/Downloads'),
  };
}

describe('saving files in Electron', () => {
  it('asks with the window’s save dialog, starting in Downloads under the suggested name', async () => {
    const { dialog, window, files } = target({ canceled: false, filePath: join(dir, 'out.csv') });
    await files.save('agents-demo-2026-11-28.csv', (out) => writeChunk(out, 'a,b\r\n'));
    expect(dialog.calls).toEqual([
      [
        window,
        {
          defaultPath: '/home/op/Downloads/agents-demo-2026-11-28.csv',
          filters: [{ name: 'CSV (spreadsheets)', extensions: ['csv'] }],
        },
      ],
    ]);
  });

  it('writes the file where the operator chose and reports it', async () => {
    const path = join(dir, 'chosen.csv');
    const { files } = target({ canceled: false, filePath: path });
    const saved = await files.save('x.csv', (out) => writeChunk(out, 'a,b\r\n'));
    expect(saved).toEqual({ name: 'chosen.csv', bytes: 5, path, downloadUrl: null });
    expect(await readFile(path, 'utf8')).toBe('a,b\r\n');
  });

  it('answers null and writes nothing when the operator cancels', async () => {
    const { files } = target({ canceled: true, filePath: '' });
    expect(await files.save('x.csv', (out) => writeChunk(out, 'a'))).toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the file it would replace when writing fails midway', async () => {
    const path = join(dir, 'report.csv');
    await writeFile(path, 'old report');
    const { files } = target({ canceled: false, filePath: path });
    const failing = files.save('report.csv', async (out) => {
      await writeChunk(out, 'half');
      throw new Error('database went away');
    });
    await expect(failing).rejects.toThrow('database went away');
    expect(await readFile(path, 'utf8')).toBe('old report');
    expect(await readdir(dir)).toEqual(['report.csv']);
  });
});
