import { describe, expect, it } from 'vitest';
import { screenWebSeeds } from './web-seed-screen';

describe('screenWebSeeds', () => {
  const seeds = [
    'https://files.example.org/x/',
    'http://127.0.0.1:8080/',
    'http://192.168.1.1/admin',
    'http://[::1]/',
    'http://169.254.169.254/latest/',
  ];

  it('keeps only public servers for the public app', () => {
    expect(screenWebSeeds(seeds, ['wss://tracker.example.org/'])).toEqual(['https://files.example.org/x/']);
  });

  it('keeps loopback servers too for an app served from loopback', () => {
    expect(screenWebSeeds(seeds, ['ws://127.0.0.1:8000/'])).toEqual([
      'https://files.example.org/x/',
      'http://127.0.0.1:8080/',
      'http://[::1]/',
    ]);
  });
});
