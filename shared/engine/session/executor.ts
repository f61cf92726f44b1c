// The one executor of engine actions: the worker, the lab and the engine tests carry out a session's actions through
// it, each giving a small set of ports (its transport, hashing, storage, tracker and UI). The answers of the
// asynchronous ports (hash, store, read) come back as engine events through the `emit` callback the adapter gives;
// when such a port fails (it calls `fail`, or throws), the executor emits the failure event the contract names.
import type { TorrentInfo } from '../../codec/metainfo';
import type { AnnounceEvent, EngineAction, EngineEvent, PeerIdHex, PeerKey } from '../contract/engine-types';

/** How an asynchronous port answers: once, with a value or with a failure reason. */
export interface Reply<T> {
  ok(value: T): void;
  fail(reason: string): void;
}

export interface EnginePorts {
  send(peer: PeerKey, data: Uint8Array): void;
  close(peer: PeerKey, reason: string): void;
  /** SHA-1 of `data`. A failure is fatal to the torrent: it goes to `error`. */
  hash(data: Uint8Array, reply: Reply<Uint8Array>): void;
  /** The SHA-256 of each 16 KiB block of `data`, concatenated (v2 pieces' leaf hashes; only a session given a v2 view
   * asks for them). Without it such a job fails: an error. `urgent`: a player waits for the piece, so it goes ahead
   * of checks queued without it. */
  hashBlocks?(data: Uint8Array, reply: Reply<Uint8Array>, urgent: boolean): void;
  /** Stores a verified piece; answered by `stored` or `store-failed`. */
  store(index: number, data: Uint8Array, reply: Reply<void>): void;
  /** Reads a block of a stored piece; answered by `read-done` or `read-failed`. */
  read(peer: PeerKey, index: number, begin: number, length: number, reply: Reply<Uint8Array>): void;
  /** Drops a block queued for the peer that has not left yet; true if it was dropped (see the `retract` action).
   * Without it nothing is retracted. */
  retract?(peer: PeerKey, index: number, begin: number, length: number): boolean;
  announce(event: AnnounceEvent | undefined): void;
  /** `swarm`: of `count`, the peers the session meets through its neighbours (the tracker need bring only the rest). */
  wantPeers(count: number, swarm?: number): void;
  metadata(info: TorrentInfo): void;
  complete(): void;
  /** The `layers-known` action; without it the layers are not kept. */
  layersKnown?(): void;
  /** Fetches from a web seed (the `webseed-fetch` action), answering through `emit` with `webseed-data`, then
   * `webseed-end` or `webseed-failed`. Only a session given web seeds asks. */
  webSeedFetch?(action: ActionOf<'webseed-fetch'>, emit: (event: EngineEvent) => void): void;
  /** Stops a web seed fetch; nothing answers it afterwards. */
  webSeedAbort?(request: number): void;
  /** Peer exchange's meetings (the `meet-peer`, `signal-in` and `meet-ended` actions). Without them no meeting is
   * made: a `meet-peer` is answered by `meet-failed`, a relayed offer by a `decline`. */
  swarm?: SwarmPorts;
  error(reason: string): void;
}

/** How the adapter makes the WebRTC connections peer exchange asks for (docs/protocols.md, sd_pex). */
export interface SwarmPorts {
  /** Make an offer to `peer`, then emit it as `signal-out` (kind `offer`), or emit `meet-failed`. */
  meet(peer: PeerIdHex, emit: (event: EngineEvent) => void): void;
  /** A relayed offer (answer it: `signal-out` kind `answer` or `decline`), or the answer or decline to our offer. */
  signal(action: ActionOf<'signal-in'>, emit: (event: EngineEvent) => void): void;
  /** The session gave up the meeting: drop its connection if one is being made. */
  ended(peer: PeerIdHex, reason: string): void;
}

function meetAction(action: ActionOf<'meet-peer'>, ports: EnginePorts, emit: (e: EngineEvent) => void) {
  if (ports.swarm) return ports.swarm.meet(action.peer, emit);
  emit({ type: 'meet-failed', peer: action.peer, reason: 'this host makes no meetings' });
}

function signalAction(action: ActionOf<'signal-in'>, ports: EnginePorts, emit: (e: EngineEvent) => void) {
  if (ports.swarm) return ports.swarm.signal(action, emit);
  if (action.kind === 'offer') emit({ type: 'signal-out', to: action.from, kind: 'decline' });
}

/** The message of a thrown value. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Calls `port` with a reply; a synchronous throw counts as a failure. Only the first answer counts. */
function ask<T>(
  port: (reply: Reply<T>) => void,
  ok: (value: T) => void,
  fail: (reason: string) => void,
): void {
  let answered = false;
  const reply: Reply<T> = {
    ok(value) {
      if (answered) return;
      answered = true;
      ok(value);
    },
    fail(reason) {
      if (answered) return;
      answered = true;
      fail(reason);
    },
  };
  try {
    port(reply);
  } catch (error) {
    reply.fail(reasonOf(error));
  }
}

type ActionOf<T extends EngineAction['type']> = Extract<EngineAction, { type: T }>;

/** How one kind of action is carried out through the ports, its answer emitted as an event. */
type ActionHandler<T extends EngineAction['type']> = (
  action: ActionOf<T>,
  ports: EnginePorts,
  emit: (event: EngineEvent) => void,
) => void;

function hashAction(
  { id, data, algorithm, urgent }: ActionOf<'hash'>,
  ports: EnginePorts,
  emit: (e: EngineEvent) => void,
) {
  const blocks = algorithm === 'sha256-blocks';
  ask<Uint8Array>(
    (reply) => {
      if (!blocks) return ports.hash(data, reply);
      if (!ports.hashBlocks) return reply.fail('no SHA-256 here');
      ports.hashBlocks(data, reply, urgent === true);
    },
    (digest) => emit({ type: 'hashed', id, digest }),
    (reason) => ports.error(`hashing failed: ${reason}`),
  );
}

function storeAction({ index, data }: ActionOf<'store'>, ports: EnginePorts, emit: (e: EngineEvent) => void) {
  ask<void>(
    (reply) => ports.store(index, data, reply),
    () => emit({ type: 'stored', index }),
    (reason) => emit({ type: 'store-failed', index, reason }),
  );
}

function readAction(action: ActionOf<'read'>, ports: EnginePorts, emit: (e: EngineEvent) => void) {
  const { peer, index, begin, length } = action;
  ask<Uint8Array>(
    (reply) => ports.read(peer, index, begin, length, reply),
    (data) => emit({ type: 'read-done', peer, index, begin, data }),
    (reason) => emit({ type: 'read-failed', peer, index, begin, reason }),
  );
}

function retractAction(action: ActionOf<'retract'>, ports: EnginePorts, emit: (e: EngineEvent) => void) {
  const { peer, index, begin, length } = action;
  if (ports.retract?.(peer, index, begin, length))
    emit({ type: 'block-retracted', peer, index, begin, length });
}

/** Each kind of action and the port that carries it out. */
const HANDLERS: { [T in EngineAction['type']]: ActionHandler<T> } = {
  send: (action, ports) => ports.send(action.peer, action.data),
  close: (action, ports) => ports.close(action.peer, action.reason),
  hash: hashAction,
  store: storeAction,
  read: readAction,
  retract: retractAction,
  announce: (action, ports) => ports.announce(action.event),
  'want-peers': ({ count, swarm }, ports) =>
    swarm === undefined ? ports.wantPeers(count) : ports.wantPeers(count, swarm),
  'meet-peer': meetAction,
  'signal-in': signalAction,
  'meet-ended': (action, ports) => ports.swarm?.ended(action.peer, action.reason),
  metadata: (action, ports) => ports.metadata(action.info),
  complete: (_, ports) => ports.complete(),
  'layers-known': (_, ports) => ports.layersKnown?.(),
  'webseed-fetch': (action, ports, emit) => ports.webSeedFetch?.(action, emit),
  'webseed-abort': (action, ports) => ports.webSeedAbort?.(action.request),
  error: (action, ports) => ports.error(action.reason),
};

/** Carries out one action through `ports`; results come back through `emit`. */
export function executeAction(
  action: EngineAction,
  ports: EnginePorts,
  emit: (event: EngineEvent) => void,
): void {
  (HANDLERS[action.type] as ActionHandler<EngineAction['type']>)(action, ports, emit);
}

/** Carries out `actions` in order. */
export function execute(
  actions: readonly EngineAction[],
  ports: EnginePorts,
  emit: (event: EngineEvent) => void,
): void {
  for (const action of actions) executeAction(action, ports, emit);
}
