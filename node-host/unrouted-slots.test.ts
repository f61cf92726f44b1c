import { describe, expect, it } from 'vitest';
import { addressKey, UnroutedSlots } from './unrouted-slots';

describe('UnroutedSlots', () => {
  it('gives an address a few places: its next connection takes the place of its own silent longest', () => {
    const slots = new UnroutedSlots<string>(10, 2);
    expect(slots.admit('a1', 'A', 0)).toBeUndefined();
    expect(slots.admit('a2', 'A', 1)).toBeUndefined();
    slots.touch('a1', 5);
    expect(slots.admit('a3', 'A', 6)).toBe('a2');
    expect(slots.admit('b1', 'B', 7)).toBeUndefined();
    expect([...slots.items()].sort()).toEqual(['a1', 'a3', 'b1']);
  });

  it('when every place is taken, a newcomer takes the place of the connection silent longest, of any address', () => {
    const slots = new UnroutedSlots<string>(3, 2);
    slots.admit('a1', 'A', 0);
    slots.admit('b1', 'B', 1);
    slots.admit('c1', 'C', 2);
    slots.touch('a1', 3);
    expect(slots.admit('d1', 'D', 4)).toBe('b1');
    expect(slots.size).toBe(3);
  });

  it('frees a place when its connection leaves', () => {
    const slots = new UnroutedSlots<string>(2, 1);
    slots.admit('a1', 'A', 0);
    slots.delete('a1');
    expect(slots.admit('a2', 'A', 1)).toBeUndefined();
    expect(slots.size).toBe(1);
  });
});

describe('addressKey', () => {
  it('reads an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('127.0.0.2')).toBe('127.0.0.2');
  });

  it('holds an IPv6 address by its /64, however it is written', () => {
    expect(addressKey('2001:db8:0:1::5')).toBe(addressKey('2001:0DB8:0000:0001:ffff:1:2:3'));
    expect(addressKey('2001:db8:0:1::5')).not.toBe(addressKey('2001:db8:0:2::5'));
    expect(addressKey('fe80::1%eth0')).toBe(addressKey('fe80::2'));
  });
});
