// Polyfills first: simple-peer's dependencies read `process` when they load.
import './lib/platform/polyfills';
import { mount } from 'svelte';
import './lib/ui/theme.css';
import App from './App.svelte';
import { app } from './app/app.svelte';
import { engineWorkerName } from './lib/messages/engine-worker-name';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

// Its name carries what a test or a bench asks of it in the address (lib/messages/engine-worker-name.ts); without
// that, the plain name.
const name = engineWorkerName(location.search);
void app.start(
  () => new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module', name }),
);

export default mount(App, { target });
