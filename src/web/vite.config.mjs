// The console's build (issue 13 item 5): React + ECharts into dist/web, served by the API server.
// Everything is bundled (no CDN); `base: '/'` because the server serves it at the root.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 1200, sourcemap: false },
  logLevel: 'warn',
});
