// Process: server (team server; plain Node).
// The stored team chain: one row per link, and the state after the newest link, so an append
// checks new links against that state instead of re-verifying the whole chain. Both change
// only inside teamChange, under the team row's lock, so appends are serialised per team.
import type { ChainLink } from '../../shared/chain/links.ts';
import { stateFromJson, stateToJson, type TeamState } from '../../shared/chain/state.ts';
import { TesseraError } from '../../shared/errors.ts';
import type { Queryable } from '../db.ts';

export async function chainState(q: Queryable, team: string): Promise<TeamState> {
  const r = await q.query<{ chain_state: unknown }>('SELECT chain_state FROM teams WHERE id = $1', [team]);
  const row = r.rows[0];
  if (!row) throw new TesseraError('not_found', 'team not found');
  if (!row.chain_state) {
    throw new TesseraError(
      'conflict',
      'this team was made by an earlier Tessera, before the signed team chain; create a new team',
    );
  }
  return stateFromJson(row.chain_state);
}

export async function chainSeq(q: Queryable, team: string): Promise<number> {
  const r = await q.query<{ chain_seq: number }>('SELECT chain_seq FROM teams WHERE id = $1', [team]);
  return Number(r.rows[0]?.chain_seq ?? 0);
}

export async function storeLinks(
  tx: Queryable,
  team: string,
  links: readonly ChainLink[],
  after: TeamState,
  revision: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO team_links (team_id, seq, link, revision)
     SELECT $1, (x->>'seq')::bigint, x, $3 FROM jsonb_array_elements($2::jsonb) AS x`,
    [team, JSON.stringify(links), revision],
  );
  await tx.query('UPDATE teams SET chain_state = $2::jsonb, chain_seq = $3 WHERE id = $1', [
    team,
    JSON.stringify(stateToJson(after)),
    after.seq,
  ]);
}

/** Links after `after`, in order, as their authors signed them. */
export async function linksAfter(
  q: Queryable,
  team: string,
  after: number,
): Promise<Record<string, unknown>[]> {
  const r = await q.query<{ link: Record<string, unknown> }>(
    'SELECT link FROM team_links WHERE team_id = $1 AND seq > $2 ORDER BY seq',
    [team, after],
  );
  return r.rows.map((x) => x.link);
}
