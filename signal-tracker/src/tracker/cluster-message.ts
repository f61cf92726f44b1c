// The check on what another process of the cluster publishes: a trusted peer, but its messages are checked anyway.
import type { ClusterMessage } from '../cluster/directory';

type Fields = Record<string, unknown>;

const isText = (value: unknown): value is string => typeof value === 'string';
const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null;

/** A message from another process of the cluster has the shape we publish. */
export function isClusterMessage(value: unknown): value is ClusterMessage {
  if (!isRecord(value)) return false;
  if (!isText(value.infoHash) || !isText(value.to) || !isText(value.from) || !isText(value.offerId))
    return false;
  if (value.kind === 'offer') return isOfferFields(value);
  return value.kind === 'answer' && isSignal(value.answer);
}

/** The fields only an offer has: its process, perhaps the recipient's hash and the sender's address, the offer. */
function isOfferFields(m: Fields): boolean {
  return (
    isText(m.fromProcess) &&
    (m.toHash === undefined || isText(m.toHash)) &&
    (m.fromAddress === undefined || isText(m.fromAddress)) &&
    isSignal(m.offer)
  );
}

/** A session description as the tracker relays it: its type and SDP. */
function isSignal(value: unknown): boolean {
  return isRecord(value) && isText(value.type) && isText(value.sdp);
}
