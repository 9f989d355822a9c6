// Process: test.
// The vault locks on system suspend, on screen lock (the event on macOS and Windows, the
// polled idle state elsewhere) and on macOS fast user switching. A FAKE powerMonitor emits
// the events; fake timers drive the polling.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Timers } from '../../electron/core/desktop/auto-lock.ts';
import { type PowerLockReason, watchPower } from '../../electron/main/power.ts';

/** FAKE powerMonitor: emits events on demand and reports a settable idle state. */
class FakePowerMonitor extends EventEmitter {
  state: 'active' | 'idle' | 'locked' | 'unknown' = 'active';
  getSystemIdleState() {
    return this.state;
  }
}

/** Manual timers: the test runs the pending callback itself. */
function manualTimers() {
  let pending: (() => void) | null = null;
  const timers: Timers = {
    setTimeout: (fn) => {
      pending = fn;
      return 1;
    },
    clearTimeout: () => {
      pending = null;
    },
  };
  return {
    timers,
    tick: () => {
      const fn = pending;
      pending = null;
      fn?.();
    },
    isPending: () => pending !== null,
  };
}

function setup() {
  const monitor = new FakePowerMonitor();
  const locks: PowerLockReason[] = [];
  let unlocked = true;
  const t = manualTimers();
  const stop = watchPower(
    monitor,
    {
      lock: (reason) => {
        locks.push(reason);
        unlocked = false;
      },
      isUnlocked: () => unlocked,
    },
    { timers: t.timers },
  );
  return { monitor, locks, t, stop, unlock: () => (unlocked = true) };
}

describe('power monitor', () => {
  it('locks on suspend', () => {
    const s = setup();
    s.monitor.emit('suspend');
    expect(s.locks).toEqual(['suspend']);
  });

  it('locks on lock-screen and on fast user switching', () => {
    const s = setup();
    s.monitor.emit('lock-screen');
    s.unlock();
    s.monitor.emit('user-did-resign-active');
    expect(s.locks).toEqual(['screen-lock', 'screen-lock']);
  });

  it('locks when the polled system state is locked, only while unlocked', () => {
    const s = setup();
    s.t.tick();
    expect(s.locks).toEqual([]);
    s.monitor.state = 'locked';
    s.t.tick();
    s.t.tick();
    expect(s.locks).toEqual(['screen-lock']);
  });

  it('stops polling when stopped', () => {
    const s = setup();
    expect(s.t.isPending()).toBe(true);
    s.stop();
    expect(s.t.isPending()).toBe(false);
  });
});
