import { describe, expect, it } from 'vitest';
import { Lifecycle } from './lifecycle';
import { FakeSession } from './testing/fakes';

describe('Lifecycle', () => {
  it('is idle with no session until started, then runs one', () => {
    const life = new Lifecycle();
    expect(life.phase).toBe('idle');
    expect(life.session).toBeUndefined();
    expect(life.live).toBeUndefined();
    const session = new FakeSession();
    life.started(session);
    expect(life.phase).toBe('running');
    expect(life.live).toBe(session);
    expect(life.halted).toBe(false);
  });

  it('keeps the first failure, and a new session clears it', () => {
    const life = new Lifecycle();
    expect(life.fail('disk full')).toBe(true);
    expect(life.fail('later')).toBe(false);
    expect(life.failure).toEqual({ reason: 'disk full', needsPermission: false });
    life.started(new FakeSession());
    expect(life.failure).toBeUndefined();
  });

  it('stops a running session, then halts keeping it (its counts stay readable) and the failure', () => {
    const life = new Lifecycle();
    const session = new FakeSession();
    life.started(session);
    life.fail('engine error: x');
    life.stop();
    expect(life.stopping).toBe(true);
    expect(life.live).toBe(session);
    expect(life.halt()).toBe(true);
    expect(life.halt()).toBe(false);
    expect(life.halted).toBe(true);
    expect(life.live).toBeUndefined();
    expect(life.session).toBe(session);
    expect(life.failure?.reason).toBe('engine error: x');
  });

  it('halts without a session when none could be made', () => {
    const life = new Lifecycle();
    life.startFailed('engine error: bad info');
    expect(life.phase).toBe('halted');
    expect(life.session).toBeUndefined();
    expect(life.failure?.reason).toBe('engine error: bad info');
  });

  it('takes no failure once removed', () => {
    const life = new Lifecycle();
    life.started(new FakeSession());
    life.halt();
    life.remove();
    expect(life.removed).toBe(true);
    expect(life.halted).toBe(true);
    expect(life.fail('late')).toBe(false);
    expect(life.failure).toBeUndefined();
  });

  it('says the permission is needed only while its reason is the failure shown', () => {
    const life = new Lifecycle();
    life.fail('The file a.bin cannot be read');
    life.permissionNeeded('The file a.bin cannot be read', true);
    expect(life.failure?.needsPermission).toBe(true);
    life.permissionNeeded('another reason', true);
    expect(life.failure?.needsPermission).toBe(false);
    life.replaceFailure({ reason: 'still unreadable', needsPermission: true });
    expect(life.failure).toEqual({ reason: 'still unreadable', needsPermission: true });
  });
});
