// Counts the work one peer makes the engine do, apart from the engine's own accounts: the picker and the choke policy
// are wrapped (through the config the session already takes) and each call made for that peer adds the state it
// changes: a bitfield or have-all every piece of the torrent (what the availability counts scan), a have one, the
// requests handed out or released, and every peer the choke policy looks at when the peer's interest changes.
import type { BetweenRoundsInput, ChokePolicy } from '../choke/choker';
import { PiecePicker } from '../picker/picker';
import type { PickerOptions, Wishlist, WishlistFactory } from '../picker/wishlist';

export class WorkCounter {
  /** Work units counted for the peer. */
  units = 0;

  constructor(readonly peer: string) {}

  /** A picker whose calls for the peer are counted. */
  wishlist(): WishlistFactory {
    return (options) => this.countPicker(new PiecePicker(options), options);
  }

  /** `policy`, with what it looks at between rounds for the peer counted. */
  chokePolicy(policy: ChokePolicy): ChokePolicy {
    return {
      ...policy,
      round: (input) => policy.round(input),
      betweenRounds: (input: BetweenRoundsInput) => {
        const trigger = input.trigger;
        if ('peer' in trigger && trigger.peer === this.peer) this.units += input.peers.length;
        return policy.betweenRounds(input);
      },
    };
  }

  private countPicker(picker: Wishlist, options: PickerOptions): Wishlist {
    const count = (peer: string, units: number) => {
      if (peer === this.peer) this.units += units;
    };
    return new Proxy(picker, {
      get: (target, name, receiver) => {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const result = method.apply(target, args);
          const peer = args[0] as string;
          if (name === 'peerBitfield' || name === 'peerHaveAll') count(peer, options.pieceCount);
          else if (name === 'peerHave' || name === 'release' || name === 'receive') count(peer, 1);
          else if (name === 'nextRequests' || name === 'releasePeer')
            count(peer, (result as unknown[]).length);
          return result;
        };
      },
    });
  }
}
