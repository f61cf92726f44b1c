// What the worker's sends and the page's channel writers share: the size of one data channel message, and a task
// queued behind the messages already waiting (both threads merge the sends of one burst before they go out).

/** The largest message a data channel accepts in one send (a larger one throws). */
export const MAX_MESSAGE_BYTES = 262_144;

/** Runs a callback soon, as its own task. */
export type Defer = (callback: () => void) => void;

let sharedDefer: Defer | undefined;

/**
 * A task queued behind the messages already waiting (a MessageChannel post, without setTimeout's clamping), so
 * that the worker's sends of one burst reach the channel together and merge into fewer messages.
 */
export function deferTask(): Defer {
  if (sharedDefer) return sharedDefer;
  if (typeof MessageChannel === 'undefined') {
    sharedDefer = (callback) => setTimeout(callback, 0);
    return sharedDefer;
  }
  const channel = new MessageChannel();
  const callbacks: Array<() => void> = [];
  channel.port1.onmessage = () => callbacks.shift()?.();
  sharedDefer = (callback) => {
    callbacks.push(callback);
    channel.port2.postMessage(null);
  };
  return sharedDefer;
}
