// Process: main (Electron main process).
// Locks the vault when the machine stops being attended (docs/design.md "Memory"): on system
// suspend, on screen lock, and on macOS fast user switching. Electron's 'lock-screen' event
// exists only on macOS and Windows, so the system idle state is also polled: it reports
// 'locked' on Linux desktops that expose their screen locker. Idle-in-the-app is the core's
// own AutoLock (DesktopCore.autoLock, driven by the page's activity pings); system-wide
// idleness adds nothing to it, since a user busy in another app is not using Tessera either.
import type { Timers } from '../core/desktop/auto-lock.ts';

export type PowerLockReason = 'suspend' | 'screen-lock';

export interface PowerMonitorLike {
  on(event: 'suspend' | 'lock-screen' | 'user-did-resign-active', listener: () => void): unknown;
  getSystemIdleState(idleThreshold: number): 'active' | 'idle' | 'locked' | 'unknown';
}

export interface LockTarget {
  lock(reason: PowerLockReason): void;
  isUnlocked(): boolean;
}

export interface PowerWatchOptions {
  timers: Timers;
  /** How often to ask for the idle state; default 15 s. */
  pollMs?: number;
}

/** Wires the power events to `target.lock`; returns a function that stops the polling. */
export function watchPower(
  monitor: PowerMonitorLike,
  target: LockTarget,
  { timers, pollMs = 15_000 }: PowerWatchOptions,
): () => void {
  monitor.on('suspend', () => target.lock('suspend'));
  monitor.on('lock-screen', () => target.lock('screen-lock'));
  monitor.on('user-did-resign-active', () => target.lock('screen-lock'));

  let handle: unknown = null;
  let stopped = false;
  const poll = () => {
    handle = null;
    if (stopped) return;
    // The threshold only matters for 'idle'; 'locked' is reported whatever it is.
    if (target.isUnlocked() && monitor.getSystemIdleState(60) === 'locked') target.lock('screen-lock');
    handle = timers.setTimeout(poll, pollMs);
  };
  handle = timers.setTimeout(poll, pollMs);
  return () => {
    stopped = true;
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
}
