// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Hooks over the core's events, so a screen subscribes for as long as it is mounted and
// always sees its latest handler (no stale closures, no double subscriptions).
import { useEffect, useRef } from 'react';
import { type AppEvent, call, onEvent } from '../bridge.ts';

export function useBridgeEvent(handler: (event: AppEvent, payload: unknown) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => onEvent((event, payload) => ref.current(event, payload)), []);
}

const PING_EVERY_MS = 30_000;

/** Tells the core the user is active (keys, pointer) so idle auto-lock restarts; at most
 *  one ping per 30 seconds, and only while unlocked. */
export function useActivityPing(unlocked: boolean): void {
  const last = useRef(0);
  useEffect(() => {
    if (!unlocked) return;
    const ping = () => {
      const now = Date.now();
      if (now - last.current < PING_EVERY_MS) return;
      last.current = now;
      call('activity.ping', {}).catch(() => undefined);
    };
    window.addEventListener('keydown', ping, true);
    window.addEventListener('pointerdown', ping, true);
    return () => {
      window.removeEventListener('keydown', ping, true);
      window.removeEventListener('pointerdown', ping, true);
    };
  }, [unlocked]);
}
