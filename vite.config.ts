import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

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
    // Two pages: the app, and the swarm lab (web/lab.html).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./web/index.html', import.meta.url)),
        lab: fileURLToPath(new URL('./web/lab.html', import.meta.url)),
      },
    },
  },
  worker: { format: 'es' },
  server: { port: 5173 },
});
