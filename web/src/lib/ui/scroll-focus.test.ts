// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { focusableWhileScrolling, scrolls } from './scroll-focus';

function box(scrollWidth: number, clientWidth: number): HTMLElement {
  const element = document.createElement('div');
  Object.defineProperties(element, {
    scrollWidth: { value: scrollWidth },
    clientWidth: { value: clientWidth },
    scrollHeight: { value: 100 },
    clientHeight: { value: 100 },
  });
  return element;
}

describe('focusableWhileScrolling', () => {
  it('puts a box that scrolls in the tab order', () => {
    const wide = box(900, 320);
    focusableWhileScrolling(wide)();
    expect(wide.getAttribute('tabindex')).toBe('0');
  });

  it('leaves a box that fits out of it', () => {
    const fitting = box(300, 320);
    focusableWhileScrolling(fitting)();
    expect(fitting.hasAttribute('tabindex')).toBe(false);
  });

  it('counts content taller than the box', () => {
    expect(scrolls({ scrollWidth: 10, clientWidth: 10, scrollHeight: 300, clientHeight: 100 })).toBe(true);
  });
});
