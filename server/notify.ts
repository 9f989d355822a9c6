// Process: server (team server; plain Node).
// Fan-out of "team changed, revision N". Each server process LISTENs once on tessera_team and
// hands every notification to its own SSE subscribers for that team, so a change committed
// through any process reaches clients connected to any other process on the same database.
import { teamChangedEvent } from '../shared/api.ts';
import type { Database } from './db.ts';
import { TEAM_CHANNEL } from './data/revision.ts';

export type TeamListener = (revision: number) => void;

export class TeamNotifier {
  private readonly subscribers = new Map<string, Set<TeamListener>>();
  private stop: (() => Promise<void>) | null = null;

  async start(db: Database): Promise<void> {
    this.stop = await db.listen(TEAM_CHANNEL, (payload) => this.dispatch(payload));
  }

  dispatch(payload: string): void {
    let data: unknown;
    try {
      data = JSON.parse(payload);
    } catch {
      return;
    }
    const event = teamChangedEvent.safeParse(data);
    if (!event.success) return;
    for (const fn of this.subscribers.get(event.data.team) ?? []) {
      try {
        fn(event.data.revision);
      } catch {
        // One broken stream must not stop the others.
      }
    }
  }

  subscribe(team: string, fn: TeamListener): () => void {
    let set = this.subscribers.get(team);
    if (!set) {
      set = new Set();
      this.subscribers.set(team, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.subscribers.get(team) === set) this.subscribers.delete(team);
    };
  }

  count(team?: string): number {
    if (team) return this.subscribers.get(team)?.size ?? 0;
    let n = 0;
    for (const s of this.subscribers.values()) n += s.size;
    return n;
  }

  async close(): Promise<void> {
    const stop = this.stop;
    this.stop = null;
    if (stop) await stop();
    this.subscribers.clear();
  }
}
