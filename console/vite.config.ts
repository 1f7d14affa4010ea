import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The console: a static bundle the stack serves from S3 (and `npm start` from the API port). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    // The SDK as its TypeScript source: the console is built from this repository.
    alias: { '@mailroom/sdk': fileURLToPath(new URL('../packages/sdk/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    // Not `assets/`: on the local API port that path is the assets bucket's stand-in.
    assetsDir: 'static',
    emptyOutDir: true,
    // Everything from the bundle's own origin: the Content-Security-Policy allows nothing else.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
