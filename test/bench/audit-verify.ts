// Process: test (benchmark). The audit log verifier (shared/audit/verify.ts): 100,000 entries
// verified from entry 1, beside raw BLAKE2b-256 over the same hashed bytes (the floor: every
// entry must be hashed), and a log where one entry in 20 is a member's signed reveal or copy,
// beside raw BLAKE2b plus raw Ed25519 over those signatures. Server entries are hashed only.
import { randomUUID } from 'node:crypto';
import { chainCrypto, signAuditEvent } from '../../electron/core/crypto/chain.ts';
import { initSodium, sodium } from '../../electron/core/crypto/sodium.ts';
import {
  type AuditEntry,
  auditHashedMessage,
  auditSignedMessage,
  SERVER_AUDIT_KINDS,
} from '../../shared/audit/entry.ts';
import { EMPTY_AUDIT, extendAudit } from '../../shared/audit/verify.ts';
import { fromB64, toB64, utf8 } from '../../shared/encoding.ts';
import { type Figure, median, ms, printFigure, ratio, verdictMax } from './setup.ts';

const ENTRIES = 100_000;
const team = randomUUID();

function buildLog(signedEvery: number) {
  const members = Array.from({ length: 20 }, () => {
    const k = sodium().crypto_sign_keypair();
    return { id: randomUUID() as string, pk: toB64(k.publicKey), sk: k.privateKey };
  });
  const vaults = Array.from({ length: 10 }, () => randomUUID());
  const entries: AuditEntry[] = [];
  let prev: string | null = null;
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let seq = 1; seq <= ENTRIES; seq++) {
    const m = members[seq % members.length]!;
    const at = new Date(t0 + seq * 1000).toISOString();
    const refs = { vault: vaults[seq % vaults.length]!, item: randomUUID() };
    let e: AuditEntry;
    if (signedEvery > 0 && seq % signedEvery === 0) {
      const ev = signAuditEvent(team, m.id, { id: randomUUID(), kind: 'secret.reveal', at, refs }, m.sk);
      e = { seq, prev, at, kind: 'secret.reveal', actor: m.id, refs, client: { id: ev.id, at, sig: ev.sig } };
    } else {
      const kind = SERVER_AUDIT_KINDS[seq % SERVER_AUDIT_KINDS.length]!;
      e = { seq, prev, at, kind, actor: m.id, refs: { vault: refs.vault, link: refs.item } };
    }
    prev = toB64(chainCrypto.hash(utf8(auditHashedMessage(team, e))));
    entries.push(e);
  }
  const keys = new Map(members.map((m) => [m.id, m.pk]));
  // What the floor hashes and verifies: the same bytes, encoded beforehand.
  const hashed = entries.map((e) => utf8(auditHashedMessage(team, e)));
  const signed = entries.flatMap((e) =>
    e.client
      ? [
          {
            sig: fromB64(e.client.sig),
            msg: utf8(
              auditSignedMessage(
                team,
                { id: e.client.id, kind: 'secret.reveal', at: e.client.at, refs: e.refs },
                e.actor!,
              ),
            ),
            pk: fromB64(keys.get(e.actor!)!),
          },
        ]
      : [],
  );
  // As it arrives: parsed JSON, not the objects built here.
  const wire = JSON.parse(JSON.stringify(entries)) as unknown[];
  return { wire, keys, hashed, signed, head: prev };
}

function measure(signedEvery: number) {
  const log = buildLog(signedEvery);
  const rawRuns: number[] = [];
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    let t = performance.now();
    for (const b of log.hashed) sodium().crypto_generichash(32, b, null);
    for (const s of log.signed)
      if (!sodium().crypto_sign_verify_detached(s.sig, s.msg, s.pk)) throw new Error('raw verify failed');
    rawRuns.push(performance.now() - t);
    t = performance.now();
    const v = extendAudit(chainCrypto, team, (id) => log.keys.get(id), EMPTY_AUDIT, log.wire);
    runs.push(performance.now() - t);
    if (v.head.hash !== log.head) throw new Error('verifier disagrees with the builder');
  }
  return { raw: median(rawRuns), full: median(runs), signed: log.signed.length };
}

export async function run(): Promise<Figure[]> {
  await initSodium();
  const n = ENTRIES.toLocaleString('en-US');
  const server = measure(0);
  const mixed = measure(20);
  const figures: Figure[] = [
    {
      bench: 'audit-verify',
      what: `verify an audit log of ${n} server entries from entry 1 (median of 5)`,
      value: ms(server.full),
      raw: `${ms(server.raw)} (raw BLAKE2b-256 over the same bytes)`,
      vsRaw: ratio(server.full / server.raw),
      target: '<= 10x raw (parse, canonical encoding and hash per entry)',
      verdict: verdictMax(server.full / server.raw, 10),
    },
    {
      bench: 'audit-verify',
      what: `verify ${n} entries, ${mixed.signed.toLocaleString('en-US')} of them signed client events (median of 5)`,
      value: ms(mixed.full),
      raw: `${ms(mixed.raw)} (raw BLAKE2b-256 of every entry + raw Ed25519 of the signed ones)`,
      vsRaw: ratio(mixed.full / mixed.raw),
      target: '<= 5x raw',
      verdict: verdictMax(mixed.full / mixed.raw, 5),
    },
  ];
  figures.forEach(printFigure);
  return figures;
}
