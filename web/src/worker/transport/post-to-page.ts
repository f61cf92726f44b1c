import type { WorkerToMain } from '../../lib/messages/protocol';

/** Posts a message to the page (transferring the buffers listed). */
export type PostToPage = (message: WorkerToMain, transfer?: Transferable[]) => void;
