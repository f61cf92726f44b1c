// The network emulator's public face (docs/netem.md).
export { startEmulator } from './emulator';
export type { Emulator, EmulatedNode, EmulatorOptions, LinkCounters, RelayStats } from './emulator';
export { emulatorUnavailable } from './namespaces';
export { startPath } from './path';
export type { PathOptions } from './path';
export { chromiumInNode } from './chromium';
export { startTracker } from './tracker';
export type { EmulatedTracker } from './tracker';
export { linksForPath } from './spec';
export type { LinkSpec, NodeSpec, PathSpec, QueueSpec } from './spec';
export { forwardToNode } from './forward';
export type { Forward } from './forward';
export { launchFirefoxInNode } from './firefox';
export type { FirefoxInNode, FirefoxOptions } from './firefox';
export { startTurn, turnUnavailable, TURNSERVER } from './turn';
export type { EmulatedTurn } from './turn';
