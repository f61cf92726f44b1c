// Polyfills first: simple-peer's dependencies read `process` when they load.
import './lib/platform/polyfills';
import { mount } from 'svelte';
import './lib/ui/theme.css';
import App from './App.svelte';
import { app } from './app/app.svelte';
import { engineWorkerName } from './lib/messages/peer-timeouts';
import { linkHashWorker } from './worker/hash/hash-link';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

// Its name carries a test's shorter peer timeouts (lib/messages/peer-timeouts.ts); without them, the plain name.
const name = engineWorkerName(location.search);
/** The engine worker, and beside it its hash worker, started here and linked to it (worker/hash/hash-link.ts). */
const startEngineWorker = () =>
  linkHashWorker(
    new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module', name }),
    () =>
      new Worker(new URL('./worker/hash/hash.worker.ts', import.meta.url), { type: 'module', name: 'hash' }),
  );
void app.start(startEngineWorker);

export default mount(App, { target });
