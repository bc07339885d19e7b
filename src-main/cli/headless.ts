import { useCompileCache } from './compile-cache.ts';

/*
 * `npm run start:headless` (see headless-command.ts). The console's module
 * graph, some hundreds of files with TypeScript stripped on load, compiles
 * from Node's on-disk cache after the install (postinstall warms it) or a
 * first start: a quarter of a second of a cold start on two cores. The
 * cache is enabled before the graph is imported, which is why this entry
 * imports it dynamically.
 */
useCompileCache();
await import('./headless-command.ts');
