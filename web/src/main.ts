// Polyfills first: simple-peer's dependencies read `process` when they load.
import './lib/platform/polyfills';
import { mount } from 'svelte';
import './lib/ui/theme.css';
import App from './App.svelte';
import { app } from './app/app.svelte';
import { engineWorkerName } from './lib/messages/engine-worker-name';
import { hashWorkerWanted } from './lib/messages/block-hash-place';
import { linkHashWorker } from './worker/hash/hash-link';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

// Its name carries what a test or a bench asks of it in the address (lib/messages/engine-worker-name.ts); without
// that, the plain name.
const name = engineWorkerName(location.search, navigator.webdriver);
const engineWorker = () =>
  new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module', name });
/** The engine worker, and beside it its hash worker, started here and linked to it (worker/hash/hash-link.ts); a
 * bench's page may leave the leaf hashes in the engine worker (lib/messages/block-hash-place.ts). */
const startEngineWorker = () =>
  hashWorkerWanted(location.search)
    ? linkHashWorker(
        engineWorker(),
        () =>
          new Worker(new URL('./worker/hash/hash.worker.ts', import.meta.url), {
            type: 'module',
            name: 'hash',
          }),
      )
    : engineWorker();
void app.start(startEngineWorker);

export default mount(App, { target });
