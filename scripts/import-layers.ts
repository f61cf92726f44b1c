// Which layer may import which: the direction between the project's folders as a table that `npm run lint:cycles`
// (scripts/import-cycles.ts) enforces. A file belongs to the layer of the longest folder in LAYERS that holds it; it may
// import files of its own layer and of the layers its row names, nothing else. A file under a governed root that no
// layer holds is refused too, so a new folder takes its place in the table before it takes imports.
//
// Tests (`*.test.ts`) and test helpers (anything under a `testing/` folder) are outside the table: a test brings
// together whatever it needs to check the code under it. Within a layer the cycle check keeps the folders apart.

/** A layer's folder and the layers its files may import (its own always). */
export type LayerTable = Readonly<Record<string, readonly string[]>>;

const SHARED_CORE = ['shared/codec', 'shared/hash', 'shared/private-share', 'shared/engine'];
const SHARED = [...SHARED_CORE, 'shared/host'];

export const LAYERS: LayerTable = {
  // The protocol core: host-free, importing only itself.
  'shared/hash': [],
  'shared/codec': ['shared/hash'],
  'shared/private-share': ['shared/codec'],
  'shared/engine': ['shared/codec', 'shared/hash'],
  // What every adapter implements, over the engine's contract and executor.
  'shared/host': ['shared/codec', 'shared/engine'],
  // The browser app: lib/ at the bottom, the network and the workers over it, the page's state and views on top.
  'web/src/lib': SHARED_CORE,
  // net/: what the page and the worker both run (a channel's writer, web seeds' requests); net/page/: what only
  // the page runs (the tracker clients, the RTCPeerConnections, the engine's bridge).
  'web/src/net': ['web/src/lib', ...SHARED],
  'web/src/net/page': ['web/src/net', 'web/src/lib', ...SHARED],
  'web/src/worker/storage': ['web/src/lib', ...SHARED],
  'web/src/worker': ['web/src/lib', 'web/src/net', 'web/src/worker/storage', ...SHARED],
  'web/src/sw': ['web/src/lib', 'web/src/worker/storage', ...SHARED_CORE],
  'web/src/app': ['web/src/lib', 'web/src/net/page', 'web/src/net', 'web/src/sw', ...SHARED_CORE],
  'web/src/components': ['web/src/app', 'web/src/lib', 'web/src/sw', ...SHARED_CORE],
  // The page's entry: the app and the hash worker it starts beside the engine worker.
  'web/src': ['web/src/app', 'web/src/components', 'web/src/lib', 'web/src/worker'],
  'web/src/bench': ['web/src/lib', 'web/src/worker', 'web/src/worker/storage', ...SHARED],
  'web/src/lab': ['web/src/lib', 'lab'],
  // The Node hosts, and the tracker whose keeper runs one.
  'node-host': SHARED,
  'signal-tracker': ['node-host', ...SHARED],
  netem: ['signal-tracker'],
};

const EXEMPT = /(^|\/)testing\/|\.test\.ts$/;

/** The layer holding `path` (relative, `/`-separated): the longest folder of the table it is under, or null. */
export function layerOf(path: string, table: LayerTable): string | null {
  let best: string | null = null;
  for (const layer of Object.keys(table)) {
    if (path.startsWith(`${layer}/`) && (best === null || layer.length > best.length)) best = layer;
  }
  return best;
}

export interface LayerViolation {
  file: string;
  /** The file it imports, or null when the file itself is in no layer. */
  imports: string | null;
  /** Why, in words. */
  reason: string;
}

/**
 * The imports of `graph` (file to the files it imports, relative paths) that the table refuses. Only files under a
 * governed root (the first folder of some layer) are checked.
 */
export function findLayerViolations(
  graph: ReadonlyMap<string, readonly string[]>,
  table: LayerTable = LAYERS,
): LayerViolation[] {
  const roots = new Set(Object.keys(table).map((layer) => layer.split('/')[0]));
  const violations: LayerViolation[] = [];
  for (const [file, imports] of graph) {
    if (!roots.has(file.split('/')[0]) || EXEMPT.test(file)) continue;
    const from = layerOf(file, table);
    if (from === null) {
      violations.push({ file, imports: null, reason: `${file} is in no layer of scripts/import-layers.ts` });
      continue;
    }
    const allowed = new Set([from, ...table[from]]);
    for (const target of imports) {
      const to = layerOf(target, table) ?? target.split('/')[0];
      if (!allowed.has(to))
        violations.push({ file, imports: target, reason: `${from} may not import ${to}` });
    }
  }
  return violations;
}

/** The layers that import each other through the table (directly or around a loop); empty when it has a direction. */
export function tableCycle(table: LayerTable): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (layer: string): string[] => {
    if (state.get(layer) === 'done') return [];
    if (state.get(layer) === 'open') return [...path.slice(path.indexOf(layer)), layer];
    state.set(layer, 'open');
    path.push(layer);
    for (const next of table[layer] ?? []) {
      const cycle = visit(next);
      if (cycle.length > 0) return cycle;
    }
    path.pop();
    state.set(layer, 'done');
    return [];
  };
  for (const layer of Object.keys(table)) {
    const cycle = visit(layer);
    if (cycle.length > 0) return cycle;
  }
  return [];
}
