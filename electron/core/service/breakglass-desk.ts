// Process: core (trusted Node side; never imports electron).
// The service's break-glass facade (docs/design.md "Break-glass"): chain changes through the
// service's batch-and-retry, and the sessions this client holds open, in memory only. Each
// open session's key is wiped by a timer at the window's end, at lock and at close; nothing of
// it is written to the profile, so an unlock or sync after the window finds nothing to restore.
import type { BreakGlassPolicy } from '../../../shared/chain/links.ts';
import { findSession, sessionStatus } from '../../../shared/chain/breakglass.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { mayInTeam } from '../../../shared/roles.ts';
import type { FieldKind } from '../../../shared/items.ts';
import { wipe } from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import * as bg from './breakglass.ts';

export interface DeskContext {
  u: () => Unlocked;
  teamId: (team?: string) => string;
  chainChange: <T>(teamId: string, build: (b: ChainBatch) => T | Promise<T>) => Promise<T>;
  now: () => Date;
}

export interface OpenSummary {
  request: string;
  vault: string;
  endsAt: string;
  secrets: string[];
}

/** Which session read which item: what the audit log's `breakglass.reveal` names. */
export interface SessionRead {
  vault: string;
  item: string;
  request: string;
}

export class BreakGlassDesk {
  private readonly held = new Map<
    string,
    { session: bg.OpenSession; timer: ReturnType<typeof setTimeout> }
  >();

  constructor(private readonly ctx: DeskContext) {}

  mark(vault: string, policy: BreakGlassPolicy, windowMinutes?: number, team?: string) {
    const ctx = this.ctx;
    return ctx.chainChange(ctx.teamId(team), (b) => bg.markVault(ctx.u(), b, vault, policy, windowMinutes));
  }

  request(vault: string, reason: string, minutes?: number, team?: string) {
    return this.ctx.chainChange(this.ctx.teamId(team), (b) =>
      bg.request(b, vault, reason, minutes, this.ctx.now()),
    );
  }

  approve(id: string, team?: string) {
    return this.ctx.chainChange(this.ctx.teamId(team), (b) =>
      bg.approve(this.ctx.u(), b, id, this.ctx.now()),
    );
  }

  deny(id: string, team?: string) {
    return this.ctx.chainChange(this.ctx.teamId(team), (b) =>
      bg.answer(b, id, 'breakglass.deny', this.ctx.now()),
    );
  }

  async close(id: string, team?: string) {
    this.drop(id);
    return this.ctx.chainChange(this.ctx.teamId(team), (b) =>
      bg.answer(b, id, 'breakglass.close', this.ctx.now()),
    );
  }

  /** Break-glass vaults this user may ask for (an owner reads them all, so none). */
  vaults(team?: string) {
    const chain = this.ctx.u().team(this.ctx.teamId(team)).chain;
    if (!mayInTeam(chain.members.get(this.ctx.u().userId)?.role, 'breakglass.request')) return [];
    return [...chain.vaults.values()]
      .filter((v) => v.breakglass && !v.deleted)
      .map((v) => ({
        id: v.id,
        label: v.breakglass!.label,
        policy: v.breakglass!.policy,
        windowMinutes: v.breakglass!.windowMinutes,
      }));
  }

  /** Whether this user answers break-glass requests (an admin or an owner), by the verified chain. */
  approver(team?: string): boolean {
    const chain = this.ctx.u().team(this.ctx.teamId(team)).chain;
    return mayInTeam(chain.members.get(this.ctx.u().userId)?.role, 'breakglass.approve');
  }

  /** Every request; a held session the chain or the clock now says is over is wiped here
   *  too, so a clock that jumped (a resume, a changed time) does not wait for the timer. */
  status(team?: string): bg.BreakGlassEntry[] {
    const list = bg.statusList(this.ctx.u(), this.ctx.teamId(team), this.ctx.now().getTime());
    for (const e of list) if (e.status !== 'open') this.drop(e.request);
    return list;
  }

  /** Opens (or re-checks) a granted session of this user's and keeps it until its window ends. */
  async open(id: string, team?: string): Promise<OpenSummary> {
    const s = await this.session(id, team);
    return {
      request: id,
      vault: s.name,
      endsAt: new Date(s.ends).toISOString(),
      secrets: s.items.filter((i) => !i.header.deleted).map((i) => i.header.name),
    };
  }

  /** One field of a secret in a vault this user reads only through an open session, flagged
   *  "rotation required" as it is read; null when no open session of theirs has that vault. */
  async field(
    vaultName: string,
    name: string,
    field: string | undefined,
    team?: string,
  ): Promise<{ key: string; kind: FieldKind; value: Uint8Array; from: SessionRead } | null> {
    const u = this.ctx.u();
    const teamId = this.ctx.teamId(team);
    const now = this.ctx.now().getTime();
    const mine = bg.statusList(u, teamId, now).filter((e) => e.mine && e.status === 'open');
    for (const e of mine) {
      const s = await this.session(e.request, teamId);
      if (s.name !== vaultName && e.label !== vaultName) continue;
      const opened = bg.readSessionItem(s, name);
      await bg.flagViewed(u, s, opened.id, this.ctx.now());
      try {
        const key = field ?? bg.layoutOf(opened.header).primary;
        const hit = opened.content.fields.find((x) => x.key === key);
        if (!hit) throw new TesseraError('not_found', `${name} has no field ${JSON.stringify(key)}`);
        const from = { vault: s.vault, item: opened.id, request: e.request };
        return { key: hit.key, kind: hit.kind, value: hit.value.slice(), from };
      } finally {
        bg.wipeContent(opened.content);
      }
    }
    return null;
  }

  private async session(id: string, team?: string): Promise<bg.OpenSession> {
    const teamId = this.ctx.teamId(team);
    const now = this.ctx.now().getTime();
    const kept = this.held.get(id);
    const chain = this.ctx.u().team(teamId).chain;
    const f = findSession(chain.vaults.values(), id);
    // The chain is re-read every time: a close, a denial or a re-key ends a kept session too.
    if (kept && f && sessionStatus(f.vault, f.session, now) === 'open') return kept.session;
    this.drop(id);
    const s = await bg.openSession(this.ctx.u(), teamId, id, now);
    const timer = setTimeout(() => this.drop(id), Math.max(0, s.ends - now));
    timer.unref?.();
    this.held.set(id, { session: s, timer });
    return s;
  }

  private drop(id: string): void {
    const h = this.held.get(id);
    if (!h) return;
    clearTimeout(h.timer);
    wipe(h.session.key);
    this.held.delete(id);
  }

  /** Lock and logout: every held session key goes. */
  wipe(): void {
    for (const id of [...this.held.keys()]) this.drop(id);
  }

  heldKeyBuffers(): Uint8Array[] {
    return [...this.held.values()].map((h) => h.session.key);
  }
}
