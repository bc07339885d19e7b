import { enableCompileCache } from 'node:module';

// `npm start` (see start-command.ts), compiled from Node's on-disk cache as headless.ts explains
enableCompileCache();
await import('./start-command.ts');
