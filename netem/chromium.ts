// Chromium inside an emulated node: Playwright launches a small wrapper that enters the node's namespace and execs
// Chromium there, so the pipe Playwright drives it through crosses the namespace boundary untouched.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCleanup } from './cleanup';
import type { EmulatedNode } from './emulator';

export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Launch options for Chromium in `node`. `origins` are the emulated http origins the pages open (the tracker's):
 * Chromium gives a secure context only to https and loopback, and the app needs one (service worker, storage), so
 * they are marked secure. Host candidates are the node's address, a real one (mDNS names stay off, as on loopback).
 */
export function chromiumInNode(
  node: EmulatedNode,
  base: { executablePath?: string; args: string[] },
  origins: string[],
): ChromiumLaunch {
  const chromium = base.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const folder = mkdtempSync(join(tmpdir(), 'sdnet-chromium-'));
  // Chromium reads the wrapper once, at launch; the folder goes when this process ends.
  registerCleanup(() => rmSync(folder, { recursive: true, force: true }));
  const wrapper = join(folder, 'chromium');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ip netns exec ${shellQuote(node.netns)} ${shellQuote(chromium)} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const secure =
    origins.length > 0 ? [`--unsafely-treat-insecure-origin-as-secure=${origins.join(',')}`] : [];
  return { executablePath: wrapper, args: [...base.args, ...secure] };
}
