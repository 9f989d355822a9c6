// Process: test (benchmark). Unlock a profile holding N items and decrypt every one of them
// (lock, unlock, listSecrets: the name index is built by decrypting each item), against the
// floor no implementation can beat: one Argon2id derivation with the same parameters plus a
// bare XChaCha20-Poly1305 decrypt of N same-sized ciphertexts, straight through libsodium.
// Target from the issue: at most 1.3x that raw limit.
import lib from 'libsodium-wrappers-sumo';
import { KDF_FLOOR } from '../../shared/formats.ts';
import {
  type BenchOptions,
  count,
  type Figure,
  type Fixture,
  median,
  ms,
  printFigure,
  ratio,
  settle,
  timed,
  VAULT,
  verdictMax,
} from './setup.ts';

const TARGET = 1.3;

interface RawCase {
  password: Uint8Array;
  salt: Uint8Array;
  key: Uint8Array;
  items: { ct: Uint8Array; ad: Uint8Array; nonce: Uint8Array }[];
}

function rawCase(fx: Fixture): RawCase {
  const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
  const key = rnd(32);
  const items: RawCase['items'] = [];
  for (let i = 0; i < fx.items; i++) {
    const ad = rnd(fx.adBytes);
    const nonce = rnd(24);
    const ct = lib.crypto_aead_xchacha20poly1305_ietf_encrypt(rnd(fx.plainBytes), ad, null, nonce, key);
    items.push({ ct, ad, nonce });
  }
  return { password: fx.alice.password(), salt: rnd(16), key, items };
}

function rawKdf(c: RawCase): void {
  const k = lib.crypto_pwhash(
    32,
    c.password,
    c.salt,
    KDF_FLOOR.opslimit,
    KDF_FLOOR.memlimit,
    lib.crypto_pwhash_ALG_ARGON2ID13,
  );
  lib.memzero(k);
}

function rawDecrypt(c: RawCase): void {
  for (const it of c.items) {
    const p = lib.crypto_aead_xchacha20poly1305_ietf_decrypt(null, it.ct, it.ad, it.nonce, c.key);
    lib.memzero(p);
  }
}

export async function run(fx: Fixture, opts: BenchOptions): Promise<Figure[]> {
  await lib.ready;
  const svc = fx.alice.svc;
  const c = rawCase(fx);
  console.log(
    `  raw case: Argon2id opslimit ${KDF_FLOOR.opslimit}, memlimit ${KDF_FLOOR.memlimit / 2 ** 20} MiB; ` +
      `${count(fx.items)} ciphertexts of ${fx.plainBytes} + 16 bytes with ${fx.adBytes} bytes of AD`,
  );

  const real = async () => {
    svc.lock();
    const unlock = await timed(() => svc.unlock(fx.alice.password()));
    const list = await timed(() => svc.listSecrets(VAULT));
    if (list.value.length !== fx.items)
      throw new Error(`unlock bench: listed ${list.value.length} of ${fx.items} items`);
    return { total: unlock.ms + list.ms, unlock: unlock.ms, list: list.ms };
  };
  const raw = async () => {
    const kdf = await timed(() => rawKdf(c));
    const dec = await timed(() => rawDecrypt(c));
    return { total: kdf.ms + dec.ms, kdf: kdf.ms, decrypt: dec.ms };
  };

  // One untimed round of each warms the JIT and the WebAssembly memory.
  await real();
  await raw();
  const reals: Awaited<ReturnType<typeof real>>[] = [];
  const raws: Awaited<ReturnType<typeof raw>>[] = [];
  for (let i = 0; i < opts.runs; i++) {
    settle();
    reals.push(await real());
    settle();
    raws.push(await raw());
    const r = reals.at(-1)!;
    const b = raws.at(-1)!;
    console.log(
      `  run ${i + 1}: service ${ms(r.total)} (unlock ${ms(r.unlock)} + index ${ms(r.list)}); ` +
        `raw ${ms(b.total)} (Argon2id ${ms(b.kdf)} + decrypt ${ms(b.decrypt)})`,
    );
  }
  const m = (xs: number[]) => median(xs);
  const service = m(reals.map((r) => r.total));
  const limit = m(raws.map((r) => r.total));
  const kdf = m(raws.map((r) => r.kdf));
  const dec = m(raws.map((r) => r.decrypt));
  const unlockOnly = m(reals.map((r) => r.unlock));
  const listOnly = m(reals.map((r) => r.list));
  console.log(
    `  medians: unlock() ${ms(unlockOnly)} vs raw Argon2id ${ms(kdf)} (+${ms(unlockOnly - kdf)} keyset, cache load, key restore); ` +
      `listSecrets() ${ms(listOnly)} vs raw decrypt ${ms(dec)} (${ratio(listOnly / dec)})`,
  );
  const f: Figure = {
    bench: 'unlock',
    what: `lock, unlock, decrypt ${count(fx.items)} items (median of ${opts.runs})`,
    value: ms(service),
    raw: `${ms(limit)} (Argon2id + raw decrypt)`,
    vsRaw: ratio(service / limit),
    target: `<= ${TARGET}x raw`,
    verdict: verdictMax(service / limit, TARGET),
  };
  printFigure(f);
  return [f];
}
