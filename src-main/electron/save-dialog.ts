import { basename, extname, join } from 'node:path';
import type * as Electron from 'electron';
import { writeFileWith, type FileTarget } from '../files/file-target.ts';

export type SaveDialog = Pick<Electron.Dialog, 'showSaveDialog'>;

const FILTERS: Record<string, Electron.FileFilter> = {
  '.csv': { name: 'CSV (spreadsheets)', extensions: ['csv'] },
  '.json': { name: 'JSON', extensions: ['json'] },
  '.fptenant': { name: 'FleetPrompt organization archive', extensions: ['fptenant'] },
};

/**
 * A window's files in Electron: the system save dialog, attached to the
 * window, starting in the downloads folder under the suggested name. The
 * dialog asks before replacing a file; the old one stays until the new one
 * is complete.
 */
export function saveDialogTarget(
  dialog: SaveDialog,
  windowOf: () => Electron.BrowserWindow | null,
  defaultDir: string,
): FileTarget {
  return {
    async save(suggestedName, write) {
      const filter = FILTERS[extname(suggestedName)];
      const options: Electron.SaveDialogOptions = {
        defaultPath: join(defaultDir, basename(suggestedName)),
        ...(filter ? { filters: [filter] } : {}),
      };
      const window = windowOf();
      const choice = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return null;
      const bytes = await writeFileWith(choice.filePath, write, { replace: true });
      return { name: basename(choice.filePath), bytes, path: choice.filePath, downloadUrl: null };
    },
  };
}
