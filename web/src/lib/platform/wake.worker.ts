// The wake worker (lib/platform/wake-clock.ts): its timers run on time while the page that started it is hidden.
import { serveWakes, type WakeRequest } from './wake-clock';

const scope = self as unknown as {
  postMessage(id: number): void;
  onmessage: ((event: MessageEvent<WakeRequest>) => void) | null;
};
const serve = serveWakes((id) => scope.postMessage(id));
scope.onmessage = (event) => serve(event.data);
