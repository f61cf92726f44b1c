// PropShare (Levin, LaCurts, Spring, Bhattacharjee, "BitTorrent is an Auction", SIGCOMM 2008): a leecher splits its
// upload among the peers that gave it something in the last rounds, in proportion to what each gave, and keeps a
// small share for peers that give nothing yet (the optimistic unchoke, peers that cannot reciprocate yet). A peer that
// gives half as much gets half as much: cutting one's upload, as BitTyrant does, cuts one's download in proportion,
// where tit-for-tat only asks to stay in a partner's top slots.
//
// The unchoke set is tit-for-tat's (`chooseUnchoked`) plus every other peer that uploads to us, up to `maxUnchoked`
// givers; the split is a weight per unchoked peer (`uploadShares`), which the uploader turns into rate caps over our
// measured upload capacity (uploader.ts, `splitUpload`). Seeding and between rounds are tit-for-tat's.
import type { ChokePolicy } from './choker';
import { chooseBetweenRounds, chooseUnchoked } from './choker';

export interface PropShareOptions {
  /** The share of our upload for unchoked peers that give us nothing (default 0.2). */
  exploreShare?: number;
  /** Most peers unchoked for what they give (default: twice the regular slots). */
  maxGivers?: number;
}

export function propShare(options: PropShareOptions = {}): ChokePolicy {
  const explore = options.exploreShare ?? 0.2;
  if (!(explore > 0 && explore < 1)) throw new RangeError(`exploreShare must be in (0, 1), got ${explore}`);
  const maxGivers = options.maxGivers;
  if (maxGivers !== undefined && !(Number.isInteger(maxGivers) && maxGivers >= 0))
    throw new RangeError(`invalid maxGivers ${maxGivers}`);
  const round: ChokePolicy['round'] = (input) => {
    const base = chooseUnchoked(input);
    if (input.seeding) return base;
    const givers = input.peers
      .filter((p) => p.interested && !p.snubbed && p.downloadRate > 0)
      .sort((a, b) => b.downloadRate - a.downloadRate)
      .slice(0, maxGivers ?? input.slots * 2);
    if (givers.length === 0) return base;
    const unchoke = new Set(base.unchoke);
    for (const p of givers) unchoke.add(p.peer);
    const giving = new Set(givers.map((p) => p.peer));
    const others = [...unchoke].filter((name) => !giving.has(name));
    const given = givers.reduce((sum, p) => sum + p.downloadRate, 0);
    const uploadShares = new Map<string, number>();
    const giversShare = others.length === 0 ? 1 : 1 - explore;
    for (const p of givers) uploadShares.set(p.peer, (giversShare * p.downloadRate) / given);
    for (const name of others) uploadShares.set(name, explore / others.length);
    return { unchoke, optimistic: base.optimistic, uploadShares };
  };
  return Object.freeze<ChokePolicy>({ round, betweenRounds: chooseBetweenRounds });
}
