// A <dialog> shown as a modal while it is mounted: the rest of the page is inert (Tab stays inside), the element
// marked `data-autofocus` takes the focus, Escape calls `cancel`, and the focus goes back to where it was (the button
// that opened it) when the dialog goes away. Tab and Shift+Tab go round the dialog's controls.
const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

export interface ModalOptions {
  /** Escape was pressed (the browser closed the dialog): the owner should stop showing it. */
  cancel: () => void;
}

export function modal(
  dialog: HTMLDialogElement,
  options: ModalOptions,
): { update: (next: ModalOptions) => void; destroy: () => void } {
  let current = options;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  // Escape fires `cancel` at once, then closes the dialog, then fires `close` in a later task. The owner is told at
  // `cancel`: a key pressed in between (Enter on the button that opened it) then finds it closed and opens it again,
  // where waiting for `close` would leave the owner still showing a dialog the browser had closed. `close` covers a
  // dialog closed any other way.
  const onClose = () => current.cancel();
  // A modal dialog makes the page inert, but Tab past its last control would leave for the browser's own UI: it
  // wraps around instead.
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return;
    const controls = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (element) => !element.hasAttribute('disabled') && element.getClientRects().length > 0,
    );
    if (controls.length === 0) return;
    const first = controls[0];
    const last = controls[controls.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialog.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };
  if (!dialog.open) dialog.showModal();
  dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  dialog.addEventListener('cancel', onClose);
  dialog.addEventListener('close', onClose);
  dialog.addEventListener('keydown', onKeydown);
  return {
    update(next) {
      current = next;
    },
    destroy() {
      dialog.removeEventListener('cancel', onClose);
      dialog.removeEventListener('close', onClose);
      dialog.removeEventListener('keydown', onKeydown);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    },
  };
}
