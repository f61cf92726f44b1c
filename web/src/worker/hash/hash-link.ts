// The hash worker's link to the engine worker. The page starts the hash worker and gives each end of a new channel to
// one of the two workers: the pieces and their hashes then go between the workers straight, never through the page.
// The engine worker does not start it itself: in Gecko, a `new Worker` made in a worker that a service worker
// controls can block that worker's thread for good, and the engine would never say it is ready (block-hasher.ts).
import type { MainToWorker } from '../../lib/messages/protocol';
import type { HashWorkerLike } from './block-hasher';
import type { HashRequest } from './hash-requests';

/** The parts of a Worker the page uses here. */
export interface StartedWorker {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** What the page tells the hash worker: the end of the channel the engine worker holds the other end of. */
export interface HashPortMessage {
  port: MessagePort;
}

/** The parts of the engine worker the page uses here. */
export interface EngineWorker {
  postMessage(message: MainToWorker, transfer: Transferable[]): void;
  terminate(): void;
}

/**
 * Starts the hash worker beside the engine worker and links them (the page's side); the hash worker is terminated
 * with the engine worker (a failed engine is replaced, net/page/engine-bridge.ts). Without one (it cannot be started,
 * or it fails), the engine worker hashes itself.
 */
export function linkHashWorker<W extends EngineWorker>(engine: W, start: () => StartedWorker): W {
  let hash: StartedWorker;
  try {
    hash = start();
  } catch {
    return engine;
  }
  const channel = new MessageChannel();
  const toHash: HashPortMessage = { port: channel.port1 };
  hash.postMessage(toHash, [channel.port1]);
  engine.postMessage({ type: 'hash-port', port: channel.port2 }, [channel.port2]);
  hash.onerror = () => engine.postMessage({ type: 'hash-lost' }, []);
  const terminate = engine.terminate.bind(engine);
  engine.terminate = () => {
    hash.terminate();
    terminate();
  };
  return engine;
}

/** The engine worker's end of the channel, as the hash worker BlockHasher talks to (the engine's side). */
export function hashPort(port: MessagePort): HashWorkerLike {
  const link: HashWorkerLike = {
    postMessage: (message: HashRequest, transfer: Transferable[]) => port.postMessage(message, transfer),
    onmessage: null,
    onerror: null,
    terminate: () => port.close(),
  };
  port.onmessage = (event) => link.onmessage?.(event);
  return link;
}
