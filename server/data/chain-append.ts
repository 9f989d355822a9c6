// Process: server (team server; plain Node).
// Appending links (docs/design.md "The team chain"). The batch must start right after the
// stored head: a link built on an older head is a conflict, so two admins racing cannot fork
// the chain. Each link is verified by the same code the clients run (signature, prev, and the
// role table through shared/chain/rules.ts) and projected into the server's tables before the
// next one is checked; everything commits in the caller's transaction or nothing does.
import type { z } from 'zod';
import type { appendBody } from '../../shared/api.ts';
import type { ChainLink } from '../../shared/chain/links.ts';
import type { TeamState } from '../../shared/chain/state.ts';
import { ChainError, extendChain } from '../../shared/chain/verify.ts';
import { TesseraError } from '../../shared/errors.ts';
import { serverChainCrypto } from '../chain-crypto.ts';
import type { Queryable } from '../db.ts';
import { chainLinkEvent, recordAudit } from './audit.ts';
import { grantAtLink } from './breakglass-sweep.ts';
import { chainState, storeLinks } from './chain.ts';
import { checkAllTaken, indexKeys, type Payloads, projectLink } from './chain-effects.ts';

export interface Append {
  team: string;
  caller: string;
  body: z.infer<typeof appendBody>;
  revision: number;
  now?: () => Date;
  alerts?: Payloads['alerts'];
}

function refuse(e: unknown): never {
  if (e instanceof ChainError) throw new TesseraError('forbidden', e.message);
  throw e;
}

export async function appendLinks(tx: Queryable, a: Append): Promise<TeamState> {
  let state = await chainState(tx, a.team);
  const first = a.body.links[0]!;
  if (first.seq !== state.seq + 1 || first.prev !== state.head) {
    throw new TesseraError(
      'conflict',
      `the team chain is at link ${state.seq}, and this change was made on another; sync and retry`,
    );
  }
  const vaults = new Map<string, z.infer<typeof appendBody>['vaults'][number]>();
  a.body.vaults.forEach((v, i) => {
    const id = v.vault.toLowerCase();
    if (vaults.has(id)) throw new TesseraError('bad_request', `vaults.${i}: appears twice`);
    vaults.set(id, v);
  });
  const p: Payloads = {
    team: a.team,
    revision: a.revision,
    keys: indexKeys(a.body.keys),
    vaults,
    now: a.now,
    alerts: a.alerts,
  };
  const accepted: ChainLink[] = [];
  for (const raw of a.body.links) {
    if (raw.author !== a.caller)
      throw new TesseraError('forbidden', `link ${String(raw.seq)}: you may only append links you signed`);
    try {
      state = extendChain(serverChainCrypto, state, [raw]);
    } catch (e) {
      refuse(e);
    }
    const link = raw as unknown as ChainLink;
    p.state = state;
    await projectLink(tx, p, link);
    // docs/design.md "Audit": the event commits with the link or neither does.
    const event = chainLinkEvent(link);
    if (event) await recordAudit(tx, a.team, event);
    await grantAtLink(tx, a.team, state, link, a.alerts);
    accepted.push(link);
  }
  checkAllTaken(p);
  await storeLinks(tx, a.team, accepted, state, a.revision);
  return state;
}
