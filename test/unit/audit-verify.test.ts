// Process: test. The audit entry format and verifier (shared/audit/) with real libsodium: a
// well-formed log verifies and its head is the last entry's hash; the first entry has no prev;
// refs are ids only (a name field is malformed, so no server can slip one into an export a
// client accepts); signatures bind the team; and the core's query filters by actor, person,
// kind, vault, item and time.
import { beforeAll, describe, expect, it } from 'vitest';
import { chainCrypto, signAuditEvent } from '../../electron/core/crypto/chain.ts';
import { initSodium, sodium } from '../../electron/core/crypto/sodium.ts';
import { queryAudit } from '../../electron/core/service/audit.ts';
import { type AuditEntry, auditHashedMessage } from '../../shared/audit/entry.ts';
import { EMPTY_AUDIT, extendAudit } from '../../shared/audit/verify.ts';
import { toB64, utf8 } from '../../shared/encoding.ts';

const team = crypto.randomUUID();
const alice = crypto.randomUUID();
const vault = crypto.randomUUID();
const item = crypto.randomUUID();
let keys: { publicKey: Uint8Array; privateKey: Uint8Array };
const keyOf = (id: string) => (id === alice ? toB64(keys.publicKey) : undefined);
const hash = (e: AuditEntry, t = team) => toB64(chainCrypto.hash(utf8(auditHashedMessage(t, e))));

function log(): AuditEntry[] {
  const a: AuditEntry = {
    seq: 1,
    prev: null,
    at: '2026-12-01T10:00:00.000Z',
    kind: 'team.create',
    actor: alice,
    refs: { chainSeq: 1 },
  };
  const ev = signAuditEvent(
    team,
    alice,
    { id: crypto.randomUUID(), kind: 'secret.copy', at: '2026-12-02T10:00:00.000Z', refs: { vault, item } },
    keys.privateKey,
  );
  const b: AuditEntry = {
    seq: 2,
    prev: hash(a),
    at: '2026-12-02T10:00:01.000Z',
    kind: 'secret.copy',
    actor: alice,
    refs: { vault, item },
    client: { id: ev.id, at: ev.at, sig: ev.sig },
  };
  const c: AuditEntry = {
    seq: 3,
    prev: hash(b),
    at: '2026-12-03T10:00:00.000Z',
    kind: 'link.view',
    actor: null,
    refs: { vault, item, link: crypto.randomUUID() },
  };
  return [a, b, c];
}

beforeAll(async () => {
  await initSodium();
  keys = sodium().crypto_sign_keypair();
});

describe('extendAudit', () => {
  it('verifies a log and ends at the last entry’s hash', () => {
    const l = log();
    const v = extendAudit(chainCrypto, team, keyOf, EMPTY_AUDIT, l);
    expect(v.head).toEqual({ seq: 3, hash: hash(l[2]!) });
    // Incrementally from a kept head, the same.
    const first = extendAudit(chainCrypto, team, keyOf, EMPTY_AUDIT, l.slice(0, 1));
    expect(extendAudit(chainCrypto, team, keyOf, first.head, l.slice(1)).head).toEqual(v.head);
  });

  it('refuses a first entry with a prev, a name in refs, and a log of another team', () => {
    const l = log();
    expect(() =>
      extendAudit(chainCrypto, team, keyOf, EMPTY_AUDIT, [{ ...l[0]!, prev: hash(l[0]!) }]),
    ).toThrow('audit entry 1: prev does not match');
    expect(() =>
      extendAudit(chainCrypto, team, keyOf, EMPTY_AUDIT, [{ ...l[0]!, refs: { name: 'prod' } }]),
    ).toThrow('audit entry 1: malformed');
    // Every hash binds the team: another team's log fails at its second entry.
    expect(() => extendAudit(chainCrypto, crypto.randomUUID(), keyOf, EMPTY_AUDIT, l)).toThrow(
      'audit entry 2: prev does not match',
    );
    // And so does the signature, whatever the hashes say.
    expect(() =>
      extendAudit(chainCrypto, crypto.randomUUID(), keyOf, EMPTY_AUDIT, [{ ...l[1]!, seq: 1, prev: null }]),
    ).toThrow(`audit entry 1: bad signature by ${alice}`);
  });

  it('refuses a client event by someone the chain does not know', () => {
    expect(() => extendAudit(chainCrypto, team, () => undefined, EMPTY_AUDIT, log())).toThrow(
      `author ${alice} is not in the team chain`,
    );
  });
});

describe('queryAudit', () => {
  it('filters by actor, kind, vault, item and time', () => {
    const l = log();
    expect(queryAudit(l, { actor: alice }).map((e) => e.seq)).toEqual([1, 2]);
    expect(queryAudit(l, { kinds: ['secret.copy', 'secret.reveal'] }).map((e) => e.seq)).toEqual([2]);
    expect(queryAudit(l, { vault, item }).map((e) => e.seq)).toEqual([2, 3]);
    expect(
      queryAudit(l, { since: '2026-12-02T00:00:00.000Z', until: '2026-12-02T23:59:59.999Z' }).map(
        (e) => e.seq,
      ),
    ).toEqual([2]);
  });
});
