// Polyfills first: simple-peer's dependencies read `process` when they load.
import './lib/platform/polyfills';
import { mount } from 'svelte';
import './lib/ui/theme.css';
import App from './App.svelte';
import { app } from './app/app.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

void app.start(() => new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module' }));

export default mount(App, { target });
