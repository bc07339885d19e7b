import { useCompileCache } from './compile-cache.ts';

// `npm start` (see start-command.ts), compiled from Node's on-disk cache as headless.ts explains
useCompileCache();
await import('./start-command.ts');
