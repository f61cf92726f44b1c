// The layer check on synthetic import graphs (no file is read), and the real table's shape.
import { describe, expect, it } from 'vitest';
import { findLayerViolations, LAYERS, layerOf, tableCycle, type LayerTable } from './import-layers';

const table: LayerTable = {
  'core/codec': [],
  'core/engine': ['core/codec'],
  'core/host': ['core/engine'],
  'app/net': ['core/codec'],
  'app/net/page': ['app/net', 'core/engine'],
  app: ['app/net', 'core/host', 'core/engine', 'core/codec'],
};

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('layerOf', () => {
  it('places a file in the longest layer folder that holds it, or in none', () => {
    expect(layerOf('app/net/page/peers.ts', table)).toBe('app/net/page');
    expect(layerOf('app/net/writer.ts', table)).toBe('app/net');
    expect(layerOf('app/main.ts', table)).toBe('app');
    expect(layerOf('app/network.ts', table)).toBe('app');
    expect(layerOf('core/other/x.ts', table)).toBe(null);
    expect(layerOf('elsewhere/x.ts', table)).toBe(null);
  });
});

describe('findLayerViolations', () => {
  it('lets a file import its own layer and the layers its row names', () => {
    const imports = graph({
      'core/engine/session.ts': ['core/engine/peer/peer.ts', 'core/codec/wire.ts'],
      'core/host/storage.ts': ['core/engine/session.ts'],
      'app/net/page/peers.ts': ['app/net/writer.ts', 'core/engine/session.ts'],
      'app/main.ts': ['app/net/writer.ts', 'core/host/storage.ts'],
    });
    expect(findLayerViolations(imports, table)).toEqual([]);
  });

  it('refuses an import against the table, up or sideways, and one the row does not name through another layer', () => {
    const imports = graph({
      'core/engine/session.ts': ['core/host/storage.ts'],
      'app/net/writer.ts': ['app/net/page/peers.ts', 'core/engine/session.ts'],
      'core/host/storage.ts': ['core/codec/bitfield.ts'],
    });
    expect(findLayerViolations(imports, table)).toEqual([
      {
        file: 'core/engine/session.ts',
        imports: 'core/host/storage.ts',
        reason: 'core/engine may not import core/host',
      },
      {
        file: 'app/net/writer.ts',
        imports: 'app/net/page/peers.ts',
        reason: 'app/net may not import app/net/page',
      },
      {
        file: 'app/net/writer.ts',
        imports: 'core/engine/session.ts',
        reason: 'app/net may not import core/engine',
      },
      {
        file: 'core/host/storage.ts',
        imports: 'core/codec/bitfield.ts',
        reason: 'core/host may not import core/codec',
      },
    ]);
  });

  it('refuses a file of a governed root that no layer holds, and an import of a folder outside every root', () => {
    const imports = graph({
      'core/other/x.ts': ['core/codec/wire.ts'],
      'app/main.ts': ['lab/strategy.ts'],
    });
    expect(findLayerViolations(imports, table)).toEqual([
      {
        file: 'core/other/x.ts',
        imports: null,
        reason: 'core/other/x.ts is in no layer of scripts/import-layers.ts',
      },
      { file: 'app/main.ts', imports: 'lab/strategy.ts', reason: 'app may not import lab' },
    ]);
  });

  it('leaves out tests, test helpers and folders outside the governed roots', () => {
    const imports = graph({
      'core/engine/session.test.ts': ['app/main.ts'],
      'core/engine/testing/swarm.ts': ['core/host/storage.ts'],
      'core/testing/random.ts': ['app/main.ts'],
      'lab/strategy.ts': ['app/main.ts'],
    });
    expect(findLayerViolations(imports, table)).toEqual([]);
  });
});

describe('the layer table', () => {
  it('has a direction: a loop through its rows is found, and the real table has none', () => {
    expect(tableCycle({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a', 'b', 'c', 'a']);
    expect(tableCycle(table)).toEqual([]);
    expect(tableCycle(LAYERS)).toEqual([]);
  });

  it('names only layers it has, or folders outside the governed roots', () => {
    const roots = new Set(Object.keys(LAYERS).map((layer) => layer.split('/')[0]));
    const unknown = Object.values(LAYERS)
      .flat()
      .filter((target) => !(target in LAYERS) && roots.has(target.split('/')[0]));
    expect(unknown).toEqual([]);
  });
});
