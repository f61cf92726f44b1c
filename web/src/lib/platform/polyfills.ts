// Node globals that simple-peer and its stream dependencies expect, for the browser bundle. Import this module
// before simple-peer (vite.config.ts already maps `global` to `globalThis`). `buffer` is imported by simple-peer
// itself, so only `process` needs to be global.
import processShim from 'process/browser.js';

type NextTick = (callback: (...args: unknown[]) => void, ...args: unknown[]) => void;

const target = globalThis as unknown as { process?: { nextTick?: NextTick } };
if (!target.process || typeof target.process.nextTick !== 'function') {
  const shim = processShim as { nextTick: NextTick };
  // The shim's nextTick runs on setTimeout (clamped to 4 ms when nested); a microtask keeps streams prompt.
  shim.nextTick = (callback, ...args) => queueMicrotask(() => callback(...args));
  target.process = shim;
}

export {};
