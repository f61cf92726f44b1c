// The tracker's keeper, as the page sees it: whether /config.json says there is one (and its hours), the keep and
// stop requests, and the words a share's card shows while the keeper fetches it and once it keeps it.

/** What /config.json says of the keeper. */
export interface KeeperInfo {
  hours: number;
  quotaBytes: number;
  perAddressBytes: number;
  tokenRequired: boolean;
}

/** How far the keeper's copy of a share is (GET /keep/status). */
export interface KeepProgress {
  progress: number;
  kept: boolean;
  expiresAt: number;
  /** Why the keeper gave the share up (no one sent it a piece for a while): it keeps it no more. */
  failed?: string;
}

/** The keeper of /config.json's body, or undefined when the tracker has none. */
export function readKeeperInfo(body: unknown): KeeperInfo | undefined {
  const keeper = (body as { keeper?: Partial<KeeperInfo> } | null)?.keeper;
  if (!keeper || typeof keeper.hours !== 'number' || !(keeper.hours > 0)) return undefined;
  return {
    hours: keeper.hours,
    quotaBytes: Number(keeper.quotaBytes) || 0,
    perAddressBytes: Number(keeper.perAddressBytes) || 0,
    tokenRequired: keeper.tokenRequired === true,
  };
}

/** `Keep online for 24 hours` (a fraction of an hour in minutes). */
export function keepLabel(hours: number): string {
  if (hours < 1) return `Keep online for ${Math.max(1, Math.round(hours * 60))} minutes`;
  return `Keep online for ${Math.round(hours)} ${Math.round(hours) === 1 ? 'hour' : 'hours'}`;
}

/** The card's words: `Uploading to the keeper: 40 %`, then `Kept online until 14:30: this tab can close`; or why the
 * keeper gave the share up. */
export function keepWords(status: KeepProgress, timeZone?: string): string {
  if (status.failed) return status.failed;
  if (!status.kept) return `Uploading to the keeper: ${Math.floor(status.progress * 100)} %`;
  const until = new Date(status.expiresAt).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  });
  return `Kept online until ${until}: this tab can close`;
}

export async function loadKeeperInfo(): Promise<KeeperInfo | undefined> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    return readKeeperInfo(await response.json());
  } catch {
    return undefined;
  }
}

type Answer = { ok?: boolean; error?: string; stopToken?: string; expiresAt?: number; status?: number };

/** How many times a request the tracker found over this address's budget (429) is sent again, after the wait its
 * Retry-After says (at most POST_WAIT_MS): a keep's body may be larger than a second of the address's bytes. */
export const POST_RETRIES = 3;
const POST_WAIT_MS = 5_000;

async function post(path: string, body: unknown): Promise<Answer> {
  try {
    // The keeper's routes take JSON only: a type no page of another site can send without the tracker's leave.
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
    for (let retries = 0; ; retries++) {
      const response = await fetch(path, init);
      if (response.status === 429 && retries < POST_RETRIES) {
        await pause(Math.min(POST_WAIT_MS, 1000 * (Number(response.headers.get('retry-after')) || 1)));
        continue;
      }
      return { ...((await response.json()) as Answer), status: response.status };
    }
  } catch {
    return { ok: false, error: 'The keeper could not be reached.' };
  }
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the keeper asks of a keep: the bytes of piece `piece`, sent back with `nonce`, proving this tab holds the
 * share (anyone in its swarm has its .torrent). */
export interface KeepChallenge {
  nonce: string;
  piece: number;
}

/** A challenge is answered again this often at most: one fresh one is given when the first went stale. */
export const PROOF_ROUNDS = 2;

const UNREADABLE = 'This tab could not read the piece the keeper asked for, to prove it holds this share.';

function challengeOf(answer: Answer): KeepChallenge | undefined {
  const challenge = (answer as { challenge?: Partial<KeepChallenge> }).challenge;
  if (typeof challenge?.nonce !== 'string' || !Number.isSafeInteger(challenge.piece)) return undefined;
  return { nonce: challenge.nonce, piece: challenge.piece! };
}

/** Asks the keeper to keep the share of `torrent` (its .torrent, of ciphertext for a private share: never a key),
 * proving this tab holds it: `readPiece` gives the piece the keeper's challenge names as the engine serves it. */
export async function askKeep(
  infoHash: string,
  torrent: Uint8Array,
  token: string | undefined,
  readPiece: (index: number) => Promise<Uint8Array>,
): Promise<Answer> {
  const body = { infoHash, torrent: base64(torrent), ...(token ? { token } : {}) };
  let answer = await post('/keep', body);
  for (let round = 0; round < PROOF_ROUNDS; round++) {
    const challenge = challengeOf(answer);
    if (!challenge) return answer;
    let bytes;
    try {
      bytes = await readPiece(challenge.piece);
    } catch {
      return { ok: false, error: UNREADABLE };
    }
    answer = await post('/keep', { ...body, proof: { ...challenge, bytes: base64(bytes) } });
  }
  return answer;
}

export function stopKeep(infoHash: string, stopToken: string): Promise<Answer> {
  return post('/keep/stop', { infoHash, stopToken });
}

/** How far the keeper is; 'gone' when it keeps the share no more (expired, stopped); undefined when unreachable.
 * The keeper tells only the holder of the share's stop token (in a header, out of logged URLs). */
export async function keepStatus(
  infoHash: string,
  stopToken: string,
): Promise<KeepProgress | 'gone' | undefined> {
  try {
    const response = await fetch(`/keep/status?infoHash=${infoHash}`, {
      cache: 'no-store',
      headers: { 'x-keep-stop-token': stopToken },
    });
    if (response.status === 404) return 'gone';
    return response.status === 200 ? ((await response.json()) as KeepProgress) : undefined;
  } catch {
    return undefined;
  }
}
