import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build` puts the renderer; headless mode serves it from there. */
export function rendererDir(projectRoot: string): string {
  return join(projectRoot, 'out', 'renderer');
}

/** Builds the renderer when it has not been built yet (a fresh clone). */
export async function ensureRendererBuilt(projectRoot: string): Promise<string> {
  const dir = rendererDir(projectRoot);
  if (existsSync(join(dir, 'index.html'))) return dir;
  const { build } = await import('electron-vite');
  await build({
    root: projectRoot,
    configFile: join(projectRoot, 'electron.vite.config.ts'),
    logLevel: 'warn',
  });
  return dir;
}
