import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The web app: built into dist/web, served by the API server (src/web-app) at `/`. */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
    // The budget that matters is gzipped (ui.md §5: initial JS ≤ 200 KB gz); this only quiets the raw-size warning.
    chunkSizeWarningLimit: 700,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
