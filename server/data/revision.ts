// Process: server (team server; plain Node).
// Every change to a team runs through teamChange: its first statement takes the next value
// of revision_seq under the team row's lock. The lock serialises writers per team, so
// revisions commit in the order they were handed out and a reader pulling "changes since N"
// can never miss one that commits late. The NOTIFY is delivered only if the change commits.
import { TesseraError } from '../../shared/errors.ts';
import type { Database, Queryable } from '../db.ts';

export const TEAM_CHANNEL = 'tessera_team';

export async function bumpRevision(tx: Queryable, team: string): Promise<number> {
  const r = await tx.query<{ revision: number }>(
    `UPDATE teams SET revision = nextval('revision_seq') WHERE id = $1 RETURNING revision`,
    [team],
  );
  const revision = r.rows[0]?.revision;
  if (revision === undefined) throw new TesseraError('not_found', 'team not found');
  await notifyTeam(tx, team, Number(revision));
  return Number(revision);
}

export async function notifyTeam(tx: Queryable, team: string, revision: number): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [TEAM_CHANNEL, JSON.stringify({ team, revision })]);
}

/** One transaction that changes a team: fn gets the revision to stamp on what it writes. */
export function teamChange<T>(
  db: Database,
  team: string,
  fn: (tx: Queryable, revision: number) => Promise<T>,
) {
  return db.transaction(async (tx) => fn(tx, await bumpRevision(tx, team)));
}
