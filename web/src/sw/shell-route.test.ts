import { describe, expect, it } from 'vitest';
import { shellRoute } from './shell-route';

const shell = new Set(['/index.html', '/assets/main-abc.js', '/manifest.webmanifest']);
const at = (path: string) => new URL(path, 'https://app.example');

describe('shellRoute', () => {
  it('answers the page, with any query, network first', () => {
    expect(shellRoute(at('/'), 'GET', 'navigate', shell)).toEqual({ kind: 'page' });
    expect(shellRoute(at('/?share-target=1'), 'GET', 'navigate', shell)).toEqual({ kind: 'page' });
    expect(shellRoute(at('/index.html'), 'GET', 'navigate', shell)).toEqual({ kind: 'page' });
  });

  it('answers the build’s files from the cache', () => {
    expect(shellRoute(at('/assets/main-abc.js'), 'GET', 'no-cors', shell)).toEqual({
      kind: 'asset',
      path: '/assets/main-abc.js',
    });
  });

  it('leaves everything else to the network', () => {
    expect(shellRoute(at('/health'), 'GET', 'cors', shell)).toBeNull();
    expect(shellRoute(at('/lab.html'), 'GET', 'navigate', shell)).toBeNull();
    expect(shellRoute(at('/assets/other.js'), 'GET', 'no-cors', shell)).toBeNull();
    expect(shellRoute(at('/'), 'POST', 'navigate', shell)).toBeNull();
  });
});
