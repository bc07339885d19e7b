import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

const DEFAULT_STATE: WindowState = { width: 1280, height: 820, maximized: false };
const FILE = 'window-state.json';

export function loadWindowState(dataDir: string): WindowState {
  try {
    const saved = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Partial<WindowState>;
    const width = Number(saved.width);
    const height = Number(saved.height);
    if (!(width >= 640 && height >= 480)) return DEFAULT_STATE;
    const { x, y } = saved;
    const placed = typeof x === 'number' && typeof y === 'number' && Number.isFinite(x + y);
    return { width, height, maximized: saved.maximized === true, ...(placed ? { x, y } : {}) };
  } catch {
    return DEFAULT_STATE;
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  writeFileSync(join(dataDir, FILE), JSON.stringify(state), { mode: 0o600 });
}
