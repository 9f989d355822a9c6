// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The one door to the core. Every call goes through `call`, which turns the bridge's
// data-shaped failures back into thrown errors the screens can show, and every event
// through `onEvent`. Nothing here caches an answer: plaintext must not outlive its screen.
import type { IpcArgs, IpcChannel, IpcEvent, TesseraBridge } from '../shared/ipc.ts';
import type { IpcReturns } from '../shared/ipc-results.ts';

declare global {
  interface Window {
    tessera?: TesseraBridge;
  }
}

/** A refusal or failure reported by the core: `code` is one of shared/errors.ts. */
export class BridgeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
  }
}

/** Events from the core, plus any string the shell's menu may send (e.g. 'focus-search'). */
export type AppEvent = IpcEvent | (string & {});
type Listener = (event: AppEvent, payload: unknown) => void;

const local = new Set<Listener>();

function bridge(): TesseraBridge {
  const b = window.tessera;
  if (!b) throw new BridgeError('unavailable', 'The Tessera core is not connected to this window.');
  return b;
}

export function hasBridge(): boolean {
  return !!window.tessera;
}

export async function call<C extends IpcChannel>(channel: C, args: IpcArgs<C>): Promise<IpcReturns[C]> {
  const result = await bridge().invoke(channel, args);
  if (result.ok) return result.value as IpcReturns[C];
  const { code, message } = result.error;
  // The core locked underneath us (idle, sleep): behave as if the event had arrived.
  if (code === 'locked') emitLocal('locked', { reason: 'refused' });
  throw new BridgeError(code, message);
}

function emitLocal(event: AppEvent, payload: unknown): void {
  for (const l of [...local]) l(event, payload);
}

let unsubscribeBridge: (() => void) | null = null;

/** Subscribes to core events; returns the unsubscribe function. */
export function onEvent(listener: Listener): () => void {
  if (!unsubscribeBridge && window.tessera) {
    unsubscribeBridge = window.tessera.on((event, payload) => emitLocal(event, payload));
  }
  local.add(listener);
  return () => {
    local.delete(listener);
  };
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export function errorCode(e: unknown): string | null {
  return e instanceof BridgeError ? e.code : null;
}
