import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './src-main/content-security-policy.ts';

/**
 * index.html as both transports serve it: its CSP meta tag from the one
 * policy they also send as a header, and absolute asset paths. electron-vite
 * forces a relative base in production builds, and a page reloaded on a deep
 * link (/organizations/<id>) would then look for its scripts under that path.
 */
const servedIndexHtml = (): Plugin => ({
  name: 'fleet-served-index-html',
  transformIndexHtml: {
    order: 'post',
    handler: (html) =>
      html
        .replace('%FLEET_CSP%', META_CONTENT_SECURITY_POLICY)
        .replaceAll('"./assets/', '"/assets/'),
  },
});

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve('src-main/index.ts') },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve('src-main/preload.ts') },
      // sandboxed preloads cannot be ES modules
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve('src-renderer'),
    plugins: [react(), servedIndexHtml()],
    build: {
      outDir: resolve('out/renderer'),
      // the renderer is parsed on every start; a third of the bytes paints the first screen sooner
      minify: true,
      // the first chunk (React, Mantine, router, queries, sign-in) is ~580 kB; screens load apart
      chunkSizeWarningLimit: 700,
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
