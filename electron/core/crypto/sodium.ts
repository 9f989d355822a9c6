// Process: core (trusted Node side; never imports electron).
// One place owns the libsodium instance so no module can call into it before the WebAssembly
// is ready (a half-initialised wrapper fails in confusing ways), and one place decides how
// randomness and zeroing are done. Nonces come from crypto.getRandomValues: the wrappers'
// randombytes_buf costs about 20x more per call and dominates bulk encryption (docs/design.md "Cryptography").
// CryptoError is the only error this layer throws on hostile input, and its messages name the
// check that failed, never a key, password or plaintext, because they reach logs and the UI.
import lib from 'libsodium-wrappers-sumo';
import { type ErrorCode, TesseraError } from '../../../shared/errors.ts';

type Sodium = typeof import('libsodium-wrappers-sumo');

let readyPromise: Promise<void> | null = null;
let initialised = false;

export class CryptoError extends TesseraError {
  constructor(message: string, code: ErrorCode = 'tampered') {
    super(code, message);
    this.name = 'CryptoError';
  }
}

/** Awaits the WebAssembly start-up once; later calls return at once. */
export async function initSodium(): Promise<void> {
  if (initialised) return;
  readyPromise ??= lib.ready.then(
    () => {
      initialised = true;
    },
    (err: unknown) => {
      readyPromise = null; // let a later call retry instead of caching the failure
      throw err;
    },
  );
  await readyPromise;
}

/** The initialised libsodium instance. The wrappers fill the default export's members only
 *  after `ready`, so this returns that object (typed as the module) and never the namespace. */
export function sodium(): Sodium {
  if (!initialised) {
    throw new TesseraError('internal', 'libsodium is not initialised: await initSodium() first');
  }
  return lib as unknown as Sodium;
}

// getRandomValues refuses more than 65,536 bytes per call.
const RANDOM_CHUNK = 65_536;

export function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new TesseraError('internal', 'randomBytes: bad length');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += RANDOM_CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + RANDOM_CHUNK)));
  }
  return out;
}

/** Best-effort zeroing: JavaScript may already hold copies we cannot reach (strings, GC
 *  moves), but every buffer we own and wipe shortens the window a memory dump can use. */
export function wipe(...buffers: (Uint8Array | null | undefined)[]): void {
  for (const b of buffers) {
    if (!b) continue;
    if (initialised) lib.memzero(b);
    else b.fill(0);
  }
}
