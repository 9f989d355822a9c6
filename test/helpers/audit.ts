// Process: test. Audit log helpers for raw-HTTP tests: a member's signed reveal or copy
// event, and the whole log read through the API and verified with the clients' own code.
import { signAuditEvent } from '../../electron/core/crypto/chain.ts';
import { chainCrypto } from '../../electron/core/crypto/chain.ts';
import type { AuditRefs, ClientAuditKind } from '../../shared/audit/entry.ts';
import { EMPTY_AUDIT, extendAudit } from '../../shared/audit/verify.ts';
import type { TeamState } from '../../shared/chain/state.ts';
import type { TestUser } from './server.ts';

export function signedEvent(u: TestUser, team: string, kind: ClientAuditKind, refs: AuditRefs = {}) {
  return signAuditEvent(
    team,
    u.id,
    { id: crypto.randomUUID(), kind, at: new Date().toISOString(), refs },
    u.signSecretKey,
  );
}

export async function readAudit(u: TestUser, team: string): Promise<unknown[]> {
  const r = await u.api.get(`/api/v1/teams/${team}/audit?after=0&limit=5000`);
  if (r.status !== 200) throw new Error(`audit ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.entries as unknown[];
}

export function verifyAll(team: string, chain: TeamState, entries: readonly unknown[]) {
  return extendAudit(
    chainCrypto,
    team,
    (id) => chain.members.get(id)?.keys.signPublicKey,
    EMPTY_AUDIT,
    entries,
  );
}
