import { describe, expect, it } from 'vitest';
import { seedRequestPlace } from './seed-request-place';

const AGENTS = {
  firefoxEsr: 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0',
  chromium:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  headlessChromium:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36',
  safari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  firefoxIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/130.0 Mobile/15E148 Safari/605.1.15',
};

describe('where web-seed requests are made', () => {
  it('on the page in Gecko, whose workers do not cancel an aborted fetch', () => {
    expect(seedRequestPlace(AGENTS.firefoxEsr)).toBe('page');
    expect(seedRequestPlace(AGENTS.firefoxAndroid)).toBe('page');
  });

  it('in the worker in Blink and WebKit, Firefox on iOS included (WebKit)', () => {
    expect(seedRequestPlace(AGENTS.chromium)).toBe('worker');
    expect(seedRequestPlace(AGENTS.headlessChromium)).toBe('worker');
    expect(seedRequestPlace(AGENTS.safari)).toBe('worker');
    expect(seedRequestPlace(AGENTS.firefoxIos)).toBe('worker');
  });

  it('in the worker when the user agent says nothing (Node, tests)', () => {
    expect(seedRequestPlace('')).toBe('worker');
    expect(seedRequestPlace('Node.js/22')).toBe('worker');
  });
});
