// The engine tab's engine: each call runs on this tab's bridge to the worker, or on the page's settings for the
// actions the page answers itself (the same calls other tabs send over the tab channel, see tab-link.ts).
import type {
  ActionRequest,
  ActionResult,
  Call,
  Result,
  SettingAction,
  WorkerAction,
} from '../../lib/messages/actions';
import type { Engine } from './tab-link';

/** The page's handler of each setting (it keeps and remembers them itself before they reach the bridge). */
export type LocalSettings = { [A in SettingAction]: (request: ActionRequest<A>) => void };

/** The bridge's side: runs an action in the worker and answers its result. */
export interface WorkerCalls {
  call<A extends WorkerAction>(call: Call<A>): Promise<ActionResult<A>>;
}

const SETTINGS: Record<SettingAction, true> = { 'set-upload-limit': true, 'set-relay-only': true };

function isSetting(call: Call): call is Call<SettingAction> {
  return Object.hasOwn(SETTINGS, call.op);
}

export class LocalEngine implements Engine {
  constructor(
    private readonly bridge: WorkerCalls,
    private readonly settings: LocalSettings,
  ) {}

  async call<C extends Call>(call: C): Promise<Result<C>> {
    if (!isSetting(call)) return this.bridge.call(call as Call<WorkerAction>) as Promise<Result<C>>;
    const { op, ...request } = call;
    (this.settings[op] as (request: ActionRequest<typeof op>) => void)(request as never);
    return undefined as Result<C>;
  }
}
