// The actions of lib/messages/actions.ts on the worker's side: each runs on its named handler, and is answered with a
// `reply` carrying its result or the reason it failed.
import type { ActionRequest, ActionResult, WorkerAction } from '../../lib/messages/actions';
import type { ActionMessage, WorkerToMain } from '../../lib/messages/protocol';
import { type Post } from '../torrent/context';
import { errorMessage } from '../torrent/errors';

/** What a handler knows of the message beside its request. */
export interface ActionContext {
  requestId: number;
  /** The app's own trackers (see ActionMessage). */
  defaultTrackers: string[];
}

/** One handler per action the worker runs: it answers the action's result, or throws the reason it failed. */
export type ActionHandlers = {
  [A in WorkerAction]: (request: ActionRequest<A>, context: ActionContext) => Promise<ActionResult<A>>;
};

/** An action refused, with the reason the user reads. */
export class ActionError extends Error {
  override name = 'ActionError';
}

/** Runs an action on its handler and replies with its result or its failure; `after` runs once it is answered. */
export async function runAction<A extends WorkerAction>(
  handlers: ActionHandlers,
  message: ActionMessage<A>,
  post: Post,
  after: () => void,
): Promise<void> {
  const { requestId, call, defaultTrackers } = message;
  const { op, ...request } = call;
  try {
    // The type makes the table complete; a message of another build (a stale worker) may still name another.
    if (!Object.hasOwn(handlers, op)) throw new ActionError('Not a request the engine knows');
    const handler = handlers[op] as ActionHandlers[A];
    const value = await handler(request as unknown as ActionRequest<A>, { requestId, defaultTrackers });
    post({ type: 'reply', requestId, ok: true, value } as WorkerToMain);
  } catch (error) {
    post({ type: 'reply', requestId, ok: false, error: errorMessage(error) });
  } finally {
    after();
  }
}
