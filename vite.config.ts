import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The web app lives in web/; `vite build` writes web/dist, which signal-tracker serves.
export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  // simple-peer (and its dependencies) expect Node's `global`.
  define: { global: 'globalThis' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  worker: { format: 'es' },
  server: { port: 5173 },
});
