import { createRequire } from 'node:module';

/** The version in package.json, read once (bundled builds inline it through the same require). */
export const APP_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
