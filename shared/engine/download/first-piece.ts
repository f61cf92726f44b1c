// The first piece from one source (start-up). A peer that holds no piece uploads nothing; the sooner it
// holds one, the sooner it is one more uploader, and in a swarm's start-up uploaders can at best double every piece
// time. A peer with nothing is unchoked by several holders at once (their spread slots, spread.ts, and their regular
// ones), and asking each of them for a piece takes one piece time of several uploaders to make one uploader: the
// pieces arrive together, and the holders' uploads went to one peer instead of one each. So while we hold no piece
// we ask one peer at a time, for one piece's blocks at most; the other holders' uploads go to peers that have
// nothing. If the piece has not come after FIRST_PIECE_PATIENCE_MS (the source is busy: its queue holds other
// peers' first pieces), one more peer may be asked, and so on. A player's deadlines (streaming) lift the rule: a
// stream wants its first pieces from everyone. Like libtorrent's "prefer whole pieces" for a peer that has none, a
// choice of ours alone: the wire is unchanged.

/** How long the peers asked for our first piece have it to themselves before one more peer is asked. */
export const FIRST_PIECE_PATIENCE_MS = 2_000;

export interface FirstPieceView {
  /** We hold at least one verified piece (or a piece is complete and being checked). */
  holding: boolean;
  /** A player's deadlines are set: the rule is off. */
  streaming: boolean;
  /** Blocks in one piece of the torrent. */
  blocksPerPiece: number;
  /** Requests outstanding to this peer. */
  outstanding: number;
  /** Other peers that have requests of ours outstanding. */
  otherSources: number;
}

/** What the rule reads for one peer: `holding` is true when the rule is off or we hold (or check) a piece; the
 * other sources are counted only while it matters. */
export function firstPieceView<P>(input: {
  off: boolean;
  holding: boolean;
  streaming: boolean;
  pieceLength: number;
  blockSize: number;
  peer: P;
  peers: Iterable<P>;
  outstanding: (peer: P) => number;
}): FirstPieceView {
  const holding = input.off || input.holding;
  let otherSources = 0;
  if (!holding)
    for (const other of input.peers) if (other !== input.peer && input.outstanding(other) > 0) otherSources++;
  return {
    holding,
    streaming: input.streaming,
    blocksPerPiece: Math.ceil(input.pieceLength / input.blockSize),
    outstanding: input.outstanding(input.peer),
    otherSources,
  };
}

/** Tracks when the last peer was first asked for our first piece, caps each peer's pipeline by the rule, and says
 * when the peers it held back may be asked (nothing else would ask them: their unchoke came and went). */
export class FirstPiece {
  private lastSourceAt: number | undefined;
  /** A peer was held back since the last `wake`. */
  private held = false;

  /** The pipeline depth the peer may have now (at most `depth`). */
  depth(depth: number, view: FirstPieceView, now: number): number {
    if (view.holding || view.streaming) return depth;
    const capped = Math.min(depth, Math.max(1, view.blocksPerPiece));
    if (view.outstanding > 0 || view.otherSources === 0) return capped;
    // A new source: only once the last one has had its patience.
    if (this.lastSourceAt !== undefined && now - this.lastSourceAt < FIRST_PIECE_PATIENCE_MS) {
      this.held = true;
      return 0;
    }
    return capped;
  }

  /** Requests went to a peer that had none outstanding. */
  newSource(now: number): void {
    this.lastSourceAt = now;
  }

  /** True (once) when peers were held back and may be asked now: we hold a piece (`now` undefined), or the last
   * source has had its patience at `now`. */
  wake(now?: number): boolean {
    if (!this.held) return false;
    if (
      now !== undefined &&
      this.lastSourceAt !== undefined &&
      now - this.lastSourceAt < FIRST_PIECE_PATIENCE_MS
    )
      return false;
    this.held = false;
    return true;
  }
}
