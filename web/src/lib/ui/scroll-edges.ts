// Which sides of a box that scrolls sideways hide content (a table wider than its card): the page marks those edges
// with a shadow and says in words that there is more, so that a column past the card's edge is never hidden without
// a sign (desktop browsers may draw no scrollbar until one scrolls). Used as a Svelte attachment
// (`{@attach scrollEdges(set)}`).

export interface HiddenSides {
  left: boolean;
  right: boolean;
}

/** Half a pixel of slack: a box scrolled to its end may stop a fraction short of it. */
const SLACK = 0.5;

/** What the box hides to each side, from where it is scrolled to. */
export function hiddenSides(
  box: Pick<HTMLElement, 'scrollLeft' | 'scrollWidth' | 'clientWidth'>,
): HiddenSides {
  // In a right-to-left box scrollLeft runs from 0 down to negative values: its magnitude is what is hidden on the
  // start side, which is then the right.
  const start = Math.abs(box.scrollLeft);
  const end = box.scrollWidth - box.clientWidth - start;
  return { left: start > SLACK, right: end > SLACK };
}

/** Tells `set` the hidden sides of the box now, whenever it is scrolled, and whenever it or its content is resized. */
export function scrollEdges(set: (sides: HiddenSides) => void): (box: HTMLElement) => () => void {
  return (box) => {
    const update = () => set(hiddenSides(box));
    update();
    box.addEventListener('scroll', update, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(update);
    observer?.observe(box);
    for (const child of box.children) observer?.observe(child);
    return () => {
      box.removeEventListener('scroll', update);
      observer?.disconnect();
    };
  };
}
