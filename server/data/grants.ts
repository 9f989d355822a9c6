// Process: server (team server; plain Node).
// Sealed vault keys. The server cannot check the seal or the signature (clients do), but it
// refuses grants that could never be right: for another generation than the vault's, from
// someone other than the caller, twice for one recipient, or to someone who cannot read the
// vault. A grant is stored per (vault, generation, recipient) and kept after a re-key so
// history stays readable.
import type { KeyGrant, VaultKeyGrant } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import type { VaultRole } from '../../shared/roles.ts';
import type { Queryable } from '../db.ts';

export function checkGrants(
  grants: readonly KeyGrant[],
  o: { generation: number; granter: string; readers: ReadonlyMap<string, VaultRole>; field?: string },
): void {
  const field = o.field ?? 'keyGrants';
  const seen = new Set<string>();
  grants.forEach((g, i) => {
    if (g.generation !== o.generation) {
      throw new TesseraError(
        'conflict',
        `${field}.${i}.generation: the vault is at generation ${o.generation}`,
      );
    }
    if (g.granter.toLowerCase() !== o.granter)
      throw new TesseraError('bad_request', `${field}.${i}.granter: must be you`);
    const recipient = g.recipient.toLowerCase();
    if (seen.has(recipient)) throw new TesseraError('bad_request', `${field}.${i}.recipient: appears twice`);
    seen.add(recipient);
    if (!o.readers.has(recipient)) {
      throw new TesseraError(
        'bad_request',
        `${field}.${i}.recipient: ${g.recipient} may not read this vault`,
      );
    }
  });
}

export async function storeGrants(
  q: Queryable,
  vault: string,
  grants: readonly KeyGrant[],
  revision: number,
) {
  if (grants.length === 0) return;
  const rows = grants.map((g) => ({
    generation: g.generation,
    recipient: g.recipient,
    role: g.role,
    sealed_key: g.sealedKey,
    granter: g.granter,
    signature: g.signature,
  }));
  await q.query(
    `INSERT INTO key_grants (vault_id, generation, recipient, role, sealed_key, granter, signature, revision)
     SELECT $1, x.generation, x.recipient, x.role, x.sealed_key, x.granter, x.signature, $3
       FROM jsonb_to_recordset($2::jsonb)
         AS x(generation bigint, recipient uuid, role text, sealed_key text, granter uuid, signature text)
     ON CONFLICT (vault_id, generation, recipient) DO UPDATE SET role = EXCLUDED.role,
       sealed_key = EXCLUDED.sealed_key, granter = EXCLUDED.granter, signature = EXCLUDED.signature,
       revision = EXCLUDED.revision, created_at = now()`,
    [vault, JSON.stringify(rows), revision],
  );
}

interface GrantRow {
  vault_id: string;
  generation: number;
  recipient: string;
  role: VaultRole;
  sealed_key: string;
  granter: string;
  signature: string;
}

/** Every grant of these vaults, whoever it is sealed to: a client verifies the chain of
 *  `manage` grants back to an owner or the vault's creator, so it needs the granters' own
 *  grants too. Sealed keys are useless to anyone but their recipient. */
export async function grantsIn(q: Queryable, vaults: readonly string[]): Promise<VaultKeyGrant[]> {
  if (vaults.length === 0) return [];
  const r = await q.query<GrantRow>(
    `SELECT vault_id, generation, recipient, role, sealed_key, granter, signature FROM key_grants
      WHERE vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))
      ORDER BY vault_id, generation, recipient`,
    [JSON.stringify(vaults)],
  );
  return r.rows.map((g) => ({
    vault: g.vault_id,
    recipient: g.recipient,
    generation: Number(g.generation),
    role: g.role,
    sealedKey: g.sealed_key,
    granter: g.granter,
    signature: g.signature,
  }));
}

/** Recipients holding a key at this generation. */
export async function grantHolders(q: Queryable, vault: string, generation: number): Promise<Set<string>> {
  const r = await q.query<{ recipient: string }>(
    'SELECT recipient FROM key_grants WHERE vault_id = $1 AND generation = $2',
    [vault, generation],
  );
  return new Set(r.rows.map((x) => x.recipient));
}
