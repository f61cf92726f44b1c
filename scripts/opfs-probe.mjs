// Probe (run by hand against the served app: node scripts/opfs-probe.mjs chromium|firefox http://127.0.0.1:PORT/):
// what a browser allows on an origin-private file while a worker holds a sync access handle on it.
import { chromium } from 'playwright';
import puppeteer from 'puppeteer-core';
const which = process.argv[2] ?? 'chromium';
const url = process.argv[3];
const browser =
  which === 'firefox'
    ? await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true })
    : await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.goto(url);
const result = await page.evaluate(async () => {
  const workerSource = `
    self.onmessage = async (event) => {
      const out = {};
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle('probe.bin', { create: true });
      out.hasSync = typeof FileSystemFileHandle.prototype.createSyncAccessHandle === 'function';
      const sync = await handle.createSyncAccessHandle();
      sync.write(new Uint8Array([1, 2, 3, 4]), { at: 0 });
      sync.flush();
      try { const f = await handle.getFile(); out.getFileWhileOpen = 'ok size ' + f.size + ' bytes ' + [...new Uint8Array(await f.arrayBuffer())]; } catch (e) { out.getFileWhileOpen = e.name + ': ' + e.message; }
      try { const f = await handle.getFile(); sync.write(new Uint8Array([9]), { at: 8 }); sync.flush(); out.staleFileRead = 'ok ' + (await f.arrayBuffer()).byteLength; } catch (e) { out.staleFileRead = e.name + ': ' + e.message; }
      try { const h2 = await handle.createSyncAccessHandle({ mode: 'read-only' }); out.secondReadOnly = 'ok'; h2.close(); } catch (e) { out.secondReadOnly = e.name + ': ' + e.message; }
      try { const h3 = await handle.createSyncAccessHandle(); out.secondDefault = 'ok'; h3.close(); } catch (e) { out.secondDefault = e.name + ': ' + e.message; }
      sync.close();
      try { const a = await handle.createSyncAccessHandle({ mode: 'readwrite-unsafe' }); const b = await handle.createSyncAccessHandle({ mode: 'readwrite-unsafe' }); out.twoUnsafe = 'ok'; a.close(); b.close(); } catch (e) { out.twoUnsafe = e.name + ': ' + e.message; }
      try { const a = await handle.createSyncAccessHandle({ mode: 'readwrite-unsafe' }); const f = await handle.getFile(); out.getFileWhileUnsafe = 'ok ' + f.size; a.close(); } catch (e) { out.getFileWhileUnsafe = e.name + ': ' + e.message; }
      try { const a = await handle.createSyncAccessHandle(); await root.removeEntry('probe.bin'); out.removeWhileOpen = 'ok'; try { a.close(); } catch {} } catch (e) { out.removeWhileOpen = e.name + ': ' + e.message; }
      try { await root.removeEntry('probe.bin'); } catch {}
      self.postMessage(out);
    };`;
  const worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })));
  const fromWorker = await new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage(0);
  });
  // The page (like a service worker: no sync handle) reading a file the worker holds open.
  const page = {};
  const workerHold = `self.onmessage = async () => { const root = await navigator.storage.getDirectory(); const h = await root.getFileHandle('held.bin', { create: true }); self.sync = await h.createSyncAccessHandle(); self.sync.write(new Uint8Array(100), { at: 0 }); self.sync.flush(); self.postMessage('held'); self.onmessage = () => { self.sync.write(new Uint8Array([7]), { at: 100 }); self.sync.flush(); self.postMessage('grown'); }; };`;
  const holder = new Worker(URL.createObjectURL(new Blob([workerHold], { type: 'text/javascript' })));
  await new Promise((resolve) => {
    holder.onmessage = resolve;
    holder.postMessage(0);
  });
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle('held.bin');
  try {
    const f = await handle.getFile();
    page.getFileFromPage = 'ok ' + f.size;
  } catch (e) {
    page.getFileFromPage = e.name + ': ' + e.message;
  }
  const early = await handle.getFile();
  await new Promise((resolve) => {
    holder.onmessage = resolve;
    holder.postMessage(1);
  });
  try {
    const f = await handle.getFile();
    page.freshFileAfterGrow = 'ok ' + f.size + ' last ' + new Uint8Array(await f.slice(100).arrayBuffer())[0];
  } catch (e) {
    page.freshFileAfterGrow = e.name + ': ' + e.message;
  }
  try {
    page.staleFileAfterGrow = 'ok ' + (await early.arrayBuffer()).byteLength;
  } catch (e) {
    page.staleFileAfterGrow = e.name + ': ' + e.message;
  }
  try {
    page.staleSliceAfterGrow = 'ok ' + (await early.slice(0, 10).arrayBuffer()).byteLength;
  } catch (e) {
    page.staleSliceAfterGrow = e.name + ': ' + e.message;
  }
  try {
    const w = await handle.createWritable();
    page.writableFromPage = 'ok';
    await w.abort();
  } catch (e) {
    page.writableFromPage = e.name + ': ' + e.message;
  }
  holder.terminate();
  return { fromWorker, page };
});
console.log(which, await browser.version(), JSON.stringify(result, null, 2));
await browser.close();
