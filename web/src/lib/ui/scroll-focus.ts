// A box that scrolls (a table wider than its card) is reached with Tab while it scrolls, so the arrow keys can scroll
// it: Chromium focuses such a box on its own, Firefox does not, and axe-core asks for it. A box that fits is left out
// of the tab order. Used as a Svelte attachment (`{@attach focusableWhileScrolling}`).

/** Whether the box's content is larger than the box. */
export function scrolls(
  box: Pick<HTMLElement, 'scrollWidth' | 'clientWidth' | 'scrollHeight' | 'clientHeight'>,
) {
  return box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
}

/** Keeps `box` in the tab order while it scrolls; looks again whenever it or its content is resized. */
export function focusableWhileScrolling(box: HTMLElement): () => void {
  const update = () => {
    if (scrolls(box)) box.tabIndex = 0;
    else box.removeAttribute('tabindex');
  };
  update();
  if (typeof ResizeObserver === 'undefined') return () => {};
  const observer = new ResizeObserver(update);
  observer.observe(box);
  for (const child of box.children) observer.observe(child);
  return () => observer.disconnect();
}
