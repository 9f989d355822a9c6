// Process: shared. What each IPC call answers. Plain data only: no keys. Concealed values only
// in `secret.reveal` (and `secret.generate`, a fresh password the user is about to save); the
// text, URL and notes of an item in `secret.show`; a one-time code in `secret.totp`.
import type { ErrorCode } from './errors.ts';
import type { IpcChannel } from './ipc.ts';
import type { FieldKind, GeneratorSettings, ItemType } from './items.ts';
import type { TeamRole, VaultRole } from './roles.ts';

export interface AppState {
  /** A profile exists (an account was set up on this machine). */
  hasAccount: boolean;
  /** Logged in on the team server. Before unlock: the account did not log out (the session
   *  itself is in the encrypted cache); after: the profile holds a session token. False
   *  means the window asks for a login (the password alone would only open the local copy). */
  loggedIn: boolean;
  unlocked: boolean;
  email: string | null;
  server: string | null;
  team: { id: string; name: string; role: TeamRole | null } | null;
  fingerprint: string | null;
  /** A team server this app started itself for a solo try-out. */
  embeddedServer: string | null;
  /** After login, unlock and a team switch: how each team's sync went. A failed one does not
   *  fail the call; it is reported here and the next sync tries again. */
  teamSyncs?: TeamSyncView[];
}

export interface TeamSyncView {
  /** The team's name. */
  team: string;
  offline: boolean;
  revision: number;
  error?: { code: ErrorCode; message: string };
}

export interface TeamSummary {
  id: string;
  name: string;
  current: boolean;
}

export interface Invitation {
  teamId: string;
  teamName: string;
  role: TeamRole;
}

export interface MemberView {
  userId: string | null;
  email: string;
  name: string | null;
  role: TeamRole;
  status: 'invited' | 'accepted' | 'confirmed' | 'suspended' | 'removed';
  fingerprint: string | null;
}

/** A vault someone lost access to that this user could not re-key: it stays "re-key pending"
 *  in the chain until one of `managers` syncs. `name` is null when this user cannot read it. */
export interface PendingRekeyView {
  vaultId: string;
  name: string | null;
  managers: string[];
}

/** What a role change or a removal did to the vault keys, in the same batch. */
export interface MemberChangeView {
  email: string;
  role: TeamRole;
  /** Vaults re-keyed to a new generation (by name). */
  rekeyed: string[];
  pending: PendingRekeyView[];
}

/** One secret the leaver could decrypt (docs/design.md "Offboarding"). Room is left for what
 *  the audit log will add per secret (whether the leaver revealed or copied it). */
export interface OffboardSecretView {
  id: string;
  vaultId: string;
  vault: string;
  name: string;
  /** "rotation required: bob@example.com offboarded on 2026-12-04", or null once rotated. */
  flag: string | null;
  /** How often the leaver revealed and copied it, and when last, from the verified audit log
   *  (what their client reported before it was cut off). */
  revealed: number;
  copied: number;
  lastUsedAt: string | null;
}

/** One vault the leaver could read, and where its re-key stands. */
export interface OffboardVaultView {
  vaultId: string;
  /** Null when this user cannot read the vault (its name is under its key). */
  name: string | null;
  /** `rekeyed`: by this run; `done`: already on a key the leaver never had; `pending`: only
   *  `managers` can re-key it; `deleted`: the vault was deleted. */
  status: 'rekeyed' | 'done' | 'pending' | 'deleted';
  /** Secrets in it, or null when this user cannot read it. */
  secrets: number | null;
  managers: string[];
}

export interface OffboardLinkView {
  id: string;
  vaultId: string;
  vault: string | null;
  secret: string | null;
  createdAt: string;
  expiresAt: string;
  /** As the server reports it after the offboarding revoked the active ones. */
  status: 'active' | 'used_up' | 'expired' | 'revoked';
}

export interface OffboardReport {
  email: string;
  user: string;
  role: TeamRole;
  /** The signed date in the chain's `member.remove` link (null on links from before dates). */
  offboardedAt: string | null;
  /** Who signed the offboarding, as the chain says. */
  by: string;
  /** True when the offboarding was already in the chain and this run only continued it. */
  resumed: boolean;
  /** What the server did in the offboarding's transaction; null when this run resumed. */
  server: { sessionsRevoked: number; linksRevoked: number; accountSuspended: boolean } | null;
  vaults: OffboardVaultView[];
  secrets: OffboardSecretView[];
  links: OffboardLinkView[];
  /** Why the revealed and copied counts could not be read (a log that does not verify, say),
   *  or null when they come from the verified audit log. */
  usageProblem: string | null;
}

export interface GroupView {
  id: string;
  name: string;
  emails: string[];
}

export interface VaultView {
  id: string;
  name: string;
  role: VaultRole;
  generation: number;
  readable: boolean;
  /** The vault's default rotation interval, for secrets without one of their own. */
  rotateEveryDays?: number;
  /** Marked break-glass in the verified chain: owners read it, anyone else through a session. */
  breakGlass?: true;
}

export interface AccessView {
  principal: { type: 'user' | 'group'; id: string };
  name: string;
  role: VaultRole;
}

export interface SecretView {
  id: string;
  vault: string;
  vaultId: string;
  name: string;
  version: number;
  /** A local edit the server has not acknowledged yet. */
  pending: boolean;
  /** Set on a conflict copy: the id of the item it conflicted with. */
  conflictOf?: string;
  /** How often the team means to change it, in days, if anyone set that. */
  rotateEveryDays?: number;
  type: ItemType;
  tags: string[];
}

/** One field as the window shows it: concealed and TOTP values are `null` until revealed. */
export interface FieldView {
  key: string;
  label: string;
  kind: FieldKind;
  value: string | null;
  /** The field has no value (so there is nothing to reveal or copy). */
  empty: boolean;
}

/** An opened item: its layout, the values shown without a reveal, and its metadata. */
export interface ItemView {
  id: string;
  vault: string;
  vaultId: string;
  name: string;
  type: ItemType;
  /** The key of the field Copy takes. */
  primary: string;
  version: number;
  pending: boolean;
  fields: FieldView[];
  notes: string | null;
  tags: string[];
  rotateEveryDays?: number;
  /** `YYYY-MM-DD`, the day the credential stops working. */
  expires?: string;
  /** How the primary value was last generated, which Rotate repeats (no value, only settings). */
  generator?: GeneratorSettings;
  conflictOf?: string;
  /** Who wrote this version, as the writer's client recorded it inside the envelope. */
  updatedBy: string | null;
}

/** One rotation reminder. `days` is negative when the date has passed. */
export interface DueView {
  id: string;
  vault: string;
  vaultId: string;
  name: string;
  reason: 'overdue' | 'due-soon' | 'expired' | 'expires-soon' | 'rotation-required';
  /** For `rotation-required`: when it was first flagged. */
  dueAt: string;
  days: number;
  rotateEveryDays?: number;
  /** The interval is the vault's default; the secret has none of its own. */
  intervalFromVault?: true;
  rotatedAt?: string;
  /** This user's role on the vault lets them save a new value. */
  canRotate: boolean;
  /** For `rotation-required`: each member's flag, newest first, as verified against the
   *  team chain (who flagged is the chain's email for the signing key). */
  flags?: { reason: string; by: string; at: string }[];
}

export interface VersionView {
  version: number;
  generation: number;
  deleted: boolean;
  updatedAt: string;
  updatedBy: string;
  readable: boolean;
}

/** One side of a conflict: names and who wrote it, never a value. */
export interface ConflictSideView {
  id: string;
  name: string;
  vaultId: string;
  version: number;
  /** By email, when the version's signature verifies under that member's chain key (or it
   *  was written on this device and not sent yet); null means "unverified author". */
  author: string | null;
  /** When the server stored it (or this device queued it). */
  writtenAt: string | null;
  pending: boolean;
}

/** A conflict copy and the secret it crossed (null when that was deleted meanwhile). */
export interface ConflictView {
  copy: ConflictSideView;
  current: ConflictSideView | null;
}

export interface SyncView {
  offline: boolean;
  revision: number;
  pushed: number;
  remaining: number;
  conflicts: { item: string; name: string; keptAs: string }[];
}

/** What a sync changed for this client, so the window refetches only that. */
export interface SyncChanges {
  /** New links in the team chain: members, roles, groups, grants or invitations may differ. */
  team: boolean;
  /** The vaults this client reads, or their records (name, generation), changed. */
  vaults: boolean;
  /** Ids of the vaults in which a secret this client can read was added, changed or removed. */
  secrets: string[];
}

/** The payload of the 'synced' event: one live sync, which may cover many announced changes. */
export interface SyncedEvent {
  revision: number;
  conflicts: number;
  changes: SyncChanges;
}

/** A link just made. `url` carries the key in its fragment: show it, copy it, forget it. */
export interface CreatedLinkView {
  id: string;
  url: string;
  expiresAt: string;
  views: number;
  passphrase: boolean;
}

export type LinkStatus = 'active' | 'used_up' | 'expired' | 'revoked';

/** One link as the server lists it, with the names this client can put on its ids. */
export interface LinkView {
  id: string;
  vaultId: string;
  /** Null when this user cannot read the vault (an admin listing the team's links). */
  vault: string | null;
  itemId: string;
  /** The secret's current name here; null when it was deleted or cannot be read. */
  secret: string | null;
  createdBy: string;
  /** Made by this user. */
  mine: boolean;
  createdAt: string;
  expiresAt: string;
  views: number;
  viewsLeft: number;
  passphrase: boolean;
  status: LinkStatus;
}

export interface LinkPolicyView {
  vaultId: string;
  linksAllowed: boolean;
  /** Null: links live up to the 7 days every link may. */
  maxExpirySeconds: number | null;
}

export interface SettingsView {
  autoLockMinutes: number;
  clipboardClearSeconds: number;
  theme: 'system' | 'light' | 'dark';
  dueNotifications: boolean;
}

/** One audit entry with the ids this client could name (docs/design.md "Audit"): emails
 *  from the verified chain, vault and secret names from this client's own decrypted state;
 *  an id stays an id where the client cannot name it. */
export interface AuditRowView {
  seq: number;
  at: string;
  kind: string;
  /** True for a member's own signed event (reveal, copy). */
  signed: boolean;
  actor: string | null;
  actorId: string | null;
  vault: string | null;
  vaultId: string | null;
  secret: string | null;
  itemId: string | null;
  /** The member an event is about (a role change, a grant), by email. */
  target: string | null;
  link: string | null;
  role: string | null;
  reason: string | null;
}

export interface AuditView {
  team: string;
  /** Every entry up to this one verified; 0 when the log is empty. */
  verifiedUpTo: number;
  /** How many entries the filters left out of `rows`. */
  filteredOut: number;
  rows: AuditRowView[];
  /** This member's reveal and copy events not yet taken by the server. */
  queued: number;
}

/** One break-glass request as the chain records it (docs/design.md "Break-glass"). */
export interface BreakGlassRequestView {
  request: string;
  vault: string;
  label: string;
  requester: string;
  reason: string;
  minutes: number;
  requestedAt: string;
  status: 'pending' | 'denied' | 'granted' | 'open' | 'expired' | 'closed';
  policy:
    | { kind: 'approval'; approvals: number }
    | { kind: 'delay'; minutes: number }
    | { kind: 'immediate' };
  approvals: string[];
  endsAt?: string;
  mine: boolean;
  canAnswer: boolean;
}

export interface BreakGlassStatusView {
  /** Break-glass vaults this user may ask for (none for an owner, who reads them all). */
  vaults: { id: string; label: string; policy: BreakGlassRequestView['policy']; windowMinutes: number }[];
  requests: BreakGlassRequestView[];
  /** Requests waiting for this user's answer. */
  pending: number;
}

export interface BreakGlassOpenView {
  request: string;
  vault: string;
  endsAt: string;
  secrets: string[];
}

export interface IpcReturns {
  'app.state': AppState;
  'account.signup': AppState;
  'account.login': AppState;
  'account.unlock': AppState;
  'account.lock': AppState;
  'account.logout': AppState;
  'server.startEmbedded': { url: string };
  'team.list': TeamSummary[];
  'team.create': TeamSummary;
  'team.use': AppState;
  'team.invitations': Invitation[];
  'team.accept': TeamSummary;
  'team.invite': { email: string; role: TeamRole; inviteCode: string };
  'team.code': { inviteCode: string };
  'team.members': MemberView[];
  'team.confirm': MemberView;
  'team.role': MemberChangeView & { from: TeamRole; changed: boolean };
  'team.remove': MemberChangeView;
  'team.offboard': OffboardReport;
  /** Where the file was saved. */
  'team.offboardExport': { path: string };
  'team.revokeInvitation': { email: string; role: TeamRole };
  'group.list': GroupView[];
  'group.create': { name: string };
  'group.add': { group: string; email: string };
  'group.remove': { group: string; email: string };
  'vault.list': VaultView[];
  'vault.create': { id: string; name: string };
  'vault.access': AccessView[];
  'vault.share': { vault: string };
  'vault.unshare': { vault: string; generation: number };
  'vault.rename': { id: string; name: string };
  'vault.rotation': { id: string; name: string; rotateEveryDays: number | null };
  'vault.delete': { id: string; name: string; secrets: number };
  'secret.list': SecretView[];
  'secret.show': ItemView;
  'secret.reveal': { value: string };
  'secret.totp': { field: string; code: string; secondsLeft: number };
  'secret.copy': { clearsInSeconds: number };
  'secret.set': SyncView;
  'secret.generate': { value: string; entropyBits: number };
  'secret.due': DueView[];
  'secret.rotate': SyncView;
  'secret.flag': { vault: string; name: string; reason: string; at: string };
  'secret.restore': SyncView;
  'secret.move': SyncView;
  'secret.remove': SyncView;
  'secret.history': VersionView[];
  'conflict.show': ConflictView;
  'conflict.resolve': SyncView;
  'link.create': CreatedLinkView;
  'link.copy': { clearsInSeconds: number };
  'link.list': LinkView[];
  'link.revoke': { id: string; revoked: boolean };
  'link.policy': LinkPolicyView;
  'link.setPolicy': LinkPolicyView;
  'audit.list': AuditView;
  'audit.export': { path: string; entries: number };
  'breakglass.status': BreakGlassStatusView;
  'breakglass.request': { request: string; vault: string };
  'breakglass.approve': { request: string; status: BreakGlassRequestView['status']; sealed: boolean };
  'breakglass.deny': { request: string };
  'breakglass.close': { request: string };
  'breakglass.open': BreakGlassOpenView;
  'sync.now': SyncView;
  'settings.get': SettingsView;
  'settings.set': SettingsView;
  'activity.ping': { ok: true };
}

// Every channel has an answer type, checked at compile time.
type Missing = Exclude<IpcChannel, keyof IpcReturns>;
export const _everyChannelAnswered: Missing extends never ? true : never = true;
