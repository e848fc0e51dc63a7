/**
 * Builds the console's browser code into <repo>/dist/console, served by the HealthTrail server
 * under /console/. Run from the repository root: `vite build --config src/console/ui/vite.config.ts`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: here('../../../dist/console'),
    emptyOutDir: true,
    // The server's CSP allows only same-origin scripts: no inline module-preload polyfill.
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
});
