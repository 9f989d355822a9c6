// Process: core (trusted Node side; never imports electron).
// One-step offboarding (docs/design.md "Offboarding"). First the signed `member.remove` with
// reason `offboarded` and a date goes to the offboarding route, whose transaction also ends the
// leaver's sessions and links. Then every vault the verified chain says the leaver could read
// is re-keyed, one batch (one server transaction) per vault, so a run cut short keeps what it
// finished and the next run, or any manager's sync, continues: the chain still shows the rest
// as "re-key pending", and the removal is never appended twice. Which vaults and which secrets
// come from the chain and this client's own copy, never from a server answer.
import { type ChainMember, rekeyPending } from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type {
  OffboardLinkView,
  OffboardReport,
  OffboardSecretView,
  OffboardVaultView,
} from '../../../shared/ipc-results.ts';
import { type OffboardReply, offboardPath, offboardReply } from '../../../shared/offboard-api.ts';
import { mayOffboardMember, rolesAllowed, type TeamRole } from '../../../shared/roles.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { AuditEntry } from '../../../shared/audit/entry.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import type { IndexedItem } from '../vault/index.ts';
import { canDistribute, rekeyVault } from './keys.ts';
import { listLinks } from './links.ts';
import { managersOf } from './membership.ts';
import { leaverUse, offboardingOf, offboardReason, rotatedSince, secretsOf } from './offboard-report.ts';
import { vaultLabel } from './vaults.ts';

export interface OffboardContext {
  u: Unlocked;
  teamId: string;
  /** The service's chain change, with the manager's duties left out of its closing sync:
   *  here each vault's re-key is a batch of its own. `vaultBatch`: build on the state the
   *  last change's closing pull reached, without another pull first, and close with a pull
   *  alone (no push, flags or profile save: `settle` does those once, at the end). */
  chainChange<T>(build: (b: ChainBatch) => T | Promise<T>, vaultBatch?: boolean): Promise<T>;
  /** One full sync once every vault is settled: flags, audit and the profile saved once. */
  settle(): Promise<void>;
  index(): Map<string, IndexedItem>;
  now(): Date;
  /** This user's reveals and copies in the verified audit log (service/audit.ts). */
  usage(user: string): Promise<AuditEntry[]>;
}

const article = (r: TeamRole) => (r === 'member' ? `a ${r}` : `an ${r}`);

/** Signs the offboarding on the newest chain, or finds it already there (a resumed run). */
function appendRemoval(c: OffboardContext, b: ChainBatch, email: string): ChainMember {
  const e = email.trim().toLowerCase();
  // Someone removed once may have joined again under a new account: the member now counts.
  const same = [...b.state.members.values()].filter((x) => x.email === e);
  const m = same.find((x) => x.status === 'confirmed') ?? same.at(-1);
  if (!m) throw new TesseraError('not_found', `${e} is not a member of this team`);
  if (m.status === 'removed') {
    if (offboardingOf(b.state, m.user)) return m;
    throw new TesseraError(
      'conflict',
      `${e} was removed from the team without offboarding: their vaults were re-keyed then; nothing is left to offboard`,
    );
  }
  const me = b.state.members.get(c.u.userId);
  if (m.user === c.u.userId) throw new TesseraError('usage', 'you cannot offboard yourself');
  if (!mayOffboardMember(me?.status === 'confirmed' ? me.role : null, m.role))
    throw new TesseraError(
      'forbidden',
      `only ${rolesAllowed(`team.manage.${m.role}`).map(article).join(' or ')} can offboard ${article(m.role)}`,
    );
  b.route = { path: offboardPath(b.teamId, m.user), reply: offboardReply };
  b.add('member.remove', { user: m.user, reason: 'offboarded', at: c.now().toISOString() });
  return m;
}

/** Re-keys one vault the leaver still holds the key of, in its own batch; reports where it stands. */
async function settleVault(c: OffboardContext, leaver: string, vaultId: string): Promise<OffboardVaultView> {
  const { u, teamId } = c;
  const chain = () => u.team(teamId).chain;
  const v = chain().vaults.get(vaultId);
  const name = vaultLabel(u, teamId, vaultId)?.name ?? null;
  const view = (status: OffboardVaultView['status']): OffboardVaultView => ({
    vaultId,
    name,
    status,
    secrets: null,
    managers: status === 'pending' ? managersOf(chain(), chain().vaults.get(vaultId)!, u.userId) : [],
  });
  if (!v || v.deleted) return view('deleted');
  if (!v.keyHolders.has(leaver) && !rekeyPending(chain(), v)) return view('done');
  return view(
    await c.chainChange((b) => {
      const label = vaultLabel(u, teamId, vaultId);
      if (!rekeyPending(b.state, b.state.vaults.get(vaultId)!)) return 'done';
      if (!canDistribute(u, b, vaultId) || label === null) return 'pending';
      rekeyVault(u, b, vaultId, label);
      return 'rekeyed';
    }, true),
  );
}

async function leaverLinks(
  c: OffboardContext,
  leaver: string,
  names: Map<string, string | null>,
): Promise<OffboardLinkView[]> {
  const idx = c.index();
  return (await listLinks(c.u, c.teamId))
    .filter((l) => l.createdBy.id === leaver)
    .map((l) => ({
      id: l.id,
      vaultId: l.vault,
      vault: names.get(l.vault) ?? null,
      secret: idx.get(l.item)?.header.name ?? null,
      createdAt: l.createdAt,
      expiresAt: l.expiresAt,
      status: l.status,
    }));
}

/** Offboards the member with this email, or continues an offboarding cut short. */
export async function offboard(c: OffboardContext, email: string): Promise<OffboardReport> {
  let last: ChainBatch | null = null;
  const m = await c.chainChange((b) => {
    last = b;
    return appendRemoval(c, b, email);
  });
  const sent = last as ChainBatch | null;
  const answer = sent && !sent.empty ? (sent.answer as OffboardReply) : null;
  const record = offboardingOf(c.u.team(c.teamId).chain, m.user);
  if (!record) throw new TesseraError('internal', 'the offboarding is not in the verified chain');
  const vaults: OffboardVaultView[] = [];
  try {
    for (const id of record.vaults) vaults.push(await settleVault(c, m.user, id));
  } catch (e) {
    // What the vaults before it reached is saved too, not only pulled.
    await c.settle().catch(() => undefined);
    throw e;
  }
  await c.settle();
  const links = await leaverLinks(c, m.user, names(vaults));
  return report(c, m, record, vaults, answer, links, await leaverUse(() => c.usage(m.user)));
}

const names = (vaults: OffboardVaultView[]) => new Map(vaults.map((v) => [v.vaultId, v.name]));

function report(
  c: OffboardContext,
  m: ChainMember,
  record: NonNullable<ReturnType<typeof offboardingOf>>,
  vaults: OffboardVaultView[],
  answer: OffboardReply | null,
  links: OffboardLinkView[],
  use: Awaited<ReturnType<typeof leaverUse>>,
): OffboardReport {
  const chain = c.u.team(c.teamId).chain;
  const byVault = names(vaults);
  const secrets: OffboardSecretView[] = secretsOf(record, c.index())
    .map((it) => ({
      id: it.id,
      vaultId: it.vault,
      vault: byVault.get(it.vault) ?? it.vault,
      name: it.header.name,
      flag: rotatedSince(record, it) ? null : `rotation required: ${offboardReason(record)}`,
      ...(use.byItem.get(it.id) ?? { revealed: 0, copied: 0, lastUsedAt: null }),
    }))
    .sort((a, b) => a.vault.localeCompare(b.vault) || a.name.localeCompare(b.name));
  for (const v of vaults)
    if (v.name !== null && v.status !== 'deleted')
      v.secrets = secrets.filter((s) => s.vaultId === v.vaultId).length;
  return {
    email: m.email,
    user: m.user,
    role: m.role,
    offboardedAt: record.at,
    by: chain.members.get(record.author)?.email ?? record.author,
    resumed: answer === null,
    server: answer
      ? {
          sessionsRevoked: answer.sessionsRevoked,
          linksRevoked: answer.linksRevoked,
          accountSuspended: answer.accountSuspended,
        }
      : null,
    vaults,
    secrets,
    links,
    usageProblem: use.problem,
  };
}
