// Process: core (trusted Node side; never imports electron).
// Locks the vault after a period without user activity. The shell also locks on system
// suspend and screen lock (powerMonitor); this covers the unattended-but-awake laptop.
// Timers are injected so tests can drive time without waiting.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class AutoLock {
  private handle: unknown = null;
  private minutes: number;

  constructor(
    private readonly lock: () => void,
    minutes: number,
    private readonly timers: Timers = realTimers,
  ) {
    this.minutes = minutes;
  }

  /** Call on unlock and on every sign of user activity. */
  touch(): void {
    this.stop();
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      this.lock();
    }, this.minutes * 60_000);
  }

  setMinutes(minutes: number): void {
    this.minutes = minutes;
    if (this.handle !== null) this.touch();
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }
}
