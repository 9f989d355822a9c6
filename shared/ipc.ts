// Process: shared. The contract between the renderer and the trusted core: every call the
// window may make, with a zod schema for its arguments. The preload exposes exactly these
// names and nothing else; main (and the test bridge) validate every call against the same
// schemas before the core service sees it. A renderer compromised by XSS can therefore only
// ask for what a user could ask for by clicking, and never receives a key.
import { z } from 'zod';
import { FLAG_REASON_MAX } from './api.ts';
import { FIELD_KEY, FIELD_KINDS, GENERATOR_LIMITS, ITEM_LIMITS, ITEM_TYPES } from './items.ts';
import { LINK_MAX_EXPIRY_SECONDS, LINK_MAX_VIEWS } from './links.ts';
import { TEAM_ROLES, VAULT_ROLES } from './roles.ts';

const text = (max = 200) => z.string().trim().min(1).max(max);
const ref = z
  .string()
  .min(3)
  .max(400)
  .regex(/^[^/]+\/.+$/, 'expected VAULT/NAME');
/** Passwords and secret values cross the bridge as strings because that is what an <input>
 *  holds; the core turns them into bytes at once and the renderer drops its copy. */
const secretText = z
  .string()
  .min(1)
  .max(64 * 1024);
const empty = z.object({}).strict();

/** The audit screen's filters; an empty field means any. */
const auditFilters = z
  .object({
    person: z.string().trim().max(254).optional(),
    vault: z.string().trim().max(200).optional(),
    secret: z.string().trim().max(400).optional(),
    action: z.string().trim().max(40).optional(),
    since: z.string().trim().max(40).optional(),
    until: z.string().trim().max(40).optional(),
  })
  .strict();
const linkExpiry = z.number().int().min(60).max(LINK_MAX_EXPIRY_SECONDS);
const fieldKey = z.string().regex(FIELD_KEY, 'a field name is letters, digits, spaces, "_", "." or "-"');
/** A field value may be empty (a login without a username yet). */
const fieldValue = z.string().max(64 * 1024);
const fieldEdit = z
  .object({
    key: fieldKey,
    label: z.string().trim().max(ITEM_LIMITS.labelLength).optional(),
    kind: z.enum(FIELD_KINDS).optional(),
    value: fieldValue.optional(),
    remove: z.literal(true).optional(),
  })
  .strict();

const L = GENERATOR_LIMITS;
const generatorSettings = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('characters'),
      length: z.number().int().min(L.length.min).max(L.length.max),
      lower: z.boolean(),
      upper: z.boolean(),
      digits: z.boolean(),
      symbols: z.boolean(),
    })
    .strict(),
  z
    .object({
      mode: z.literal('words'),
      words: z.number().int().min(L.words.min).max(L.words.max),
      separator: z.string().max(L.separatorLength),
    })
    .strict(),
]);

export const ipcCalls = {
  'app.state': empty,
  'account.signup': z
    .object({ server: z.string().url(), email: z.email(), name: text(), password: secretText })
    .strict(),
  'account.login': z.object({ server: z.string().url(), email: z.email(), password: secretText }).strict(),
  'account.unlock': z.object({ password: secretText }).strict(),
  'account.lock': empty,
  'account.logout': empty,
  'server.startEmbedded': empty,
  'team.list': empty,
  'team.create': z.object({ name: text(100) }).strict(),
  'team.use': z.object({ team: text() }).strict(),
  'team.invitations': empty,
  /** The invite code the inviting admin gave out of band (the team id, checked against link 1). */
  'team.accept': z.object({ code: text(64) }).strict(),
  'team.code': empty,
  'team.invite': z.object({ email: z.email(), role: z.enum(TEAM_ROLES) }).strict(),
  'team.members': empty,
  'team.confirm': z.object({ email: z.email(), fingerprint: text(100) }).strict(),
  'team.role': z.object({ email: z.email(), role: z.enum(TEAM_ROLES) }).strict(),
  /** Removes a confirmed member; the same batch re-keys what they could read (what this user may). */
  'team.remove': z.object({ email: z.email() }).strict(),
  /** Offboards a confirmed member, or continues an offboarding cut short; answers the report. */
  'team.offboard': z.object({ email: z.email() }).strict(),
  /** Saves the offboarding report of that member, derived again from the chain, as a file. */
  'team.offboardExport': z.object({ email: z.email(), format: z.enum(['csv', 'json']) }).strict(),
  /** Withdraws an invitation that was not confirmed yet (invited, or accepted and waiting). */
  'team.revokeInvitation': z.object({ email: z.email() }).strict(),
  'group.list': empty,
  'group.create': z.object({ name: text(100) }).strict(),
  'group.add': z.object({ group: text(), email: z.email() }).strict(),
  'group.remove': z.object({ group: text(), email: z.email() }).strict(),
  'vault.list': empty,
  'vault.create': z.object({ name: text(100) }).strict(),
  'vault.access': z.object({ vault: text() }).strict(),
  'vault.share': z.object({ vault: text(), with: text(), role: z.enum(VAULT_ROLES) }).strict(),
  'vault.unshare': z.object({ vault: text(), with: text() }).strict(),
  'vault.rename': z.object({ vault: text(), name: text(100) }).strict(),
  /** The vault's default rotation interval; null clears it. */
  'vault.rotation': z
    .object({ vault: text(), rotateEveryDays: z.number().int().min(1).max(3650).nullable() })
    .strict(),
  /** The window asks first, naming how many secrets go with it, and then forces. */
  'vault.delete': z.object({ vault: text(), force: z.boolean() }).strict(),
  'secret.list': z.object({ vault: text().optional() }).strict(),
  /** The item's layout with its text, URL and notes values; concealed values stay out. */
  'secret.show': z.object({ ref }).strict(),
  /** The one call that hands a concealed value to the renderer, for the component that shows
   *  it: one field (the primary one if left out), of the newest or an older version. */
  'secret.reveal': z
    .object({ ref, field: fieldKey.optional(), version: z.number().int().positive().optional() })
    .strict(),
  /** The value goes from the core to the clipboard directly; the renderer never sees it. A TOTP
   *  field copies its current code. */
  'secret.copy': z.object({ ref, field: fieldKey.optional() }).strict(),
  /** The current code of a TOTP field (the first one if left out); the seed stays in the core. */
  'secret.totp': z.object({ ref, field: fieldKey.optional() }).strict(),
  /** A patch: `value` is the primary field's new value; fields, notes, tags and the interval
   *  left out stay as the secret had them; `rotateEveryDays: null` and `notes: null` clear. */
  'secret.set': z
    .object({
      ref,
      type: z.enum(ITEM_TYPES).optional(),
      value: secretText.optional(),
      fields: z.array(fieldEdit).max(ITEM_LIMITS.fields).optional(),
      primary: fieldKey.optional(),
      notes: fieldValue.nullable().optional(),
      tags: z.array(z.string().trim().min(1).max(ITEM_LIMITS.tagLength)).max(ITEM_LIMITS.tags).optional(),
      rotateEveryDays: z.number().int().min(1).max(3650).nullable().optional(),
      /** `YYYY-MM-DD`; `null` clears it. */
      expires: z.iso.date().nullable().optional(),
      /** How the new primary value was generated (secret.generate's settings), so Rotate
       *  generates the next one the same way. */
      generator: generatorSettings.optional(),
    })
    .strict(),
  'secret.generate': generatorSettings,
  /** Rotation reminders: overdue, due within 7 days, expired, expiring. */
  'secret.due': empty,
  /** A new primary value, generated the way the item's last one was. */
  'secret.rotate': z.object({ ref }).strict(),
  // ---- rotation flags (docs/design.md "Rotation reminders") ----
  /** Marks a secret "rotation required" for everyone who reads it; the reason is one line of
   *  plain words, stored on the server in the clear (the core refuses a name or a value in it). */
  'secret.flag': z.object({ ref, reason: z.string().min(1).max(FLAG_REASON_MAX) }).strict(),
  // ---- end of rotation flags ----
  /** Writes an older version's values as the newest version. */
  'secret.restore': z.object({ ref, version: z.number().int().positive() }).strict(),
  /** Renames (`to` = a new name in the same vault, as VAULT/NAME) or moves (`to` = VAULT or
   *  VAULT/NAME in another vault). */
  'secret.move': z.object({ ref, to: z.string().min(1).max(400) }).strict(),
  'secret.remove': z.object({ ref }).strict(),
  'secret.history': z.object({ ref }).strict(),
  /** Both sides of a conflict copy (`ref` names the copy): names, authors, times; no value. */
  'conflict.show': z.object({ ref }).strict(),
  'conflict.resolve': z.object({ ref, keep: z.enum(['mine', 'theirs']) }).strict(),
  /** One-time links (docs/design.md "One-time links"). The passphrase crosses as a string, like
   *  a password, and becomes bytes in the core at once. The answer holds the URL with its key:
   *  the window shows it once and keeps it in the dialog's state only. */
  'link.create': z
    .object({
      ref,
      fields: z.array(fieldKey).min(1).max(ITEM_LIMITS.fields).optional(),
      passphrase: z.string().min(1).max(1024).optional(),
      expiresInSeconds: linkExpiry,
      views: z.number().int().min(1).max(LINK_MAX_VIEWS),
    })
    .strict(),
  /** Copies a link the window was just given, from the core, so it is cleared like a secret. */
  'link.copy': z.object({ url: z.string().min(10).max(2048) }).strict(),
  /** This user's links; a team admin's answer holds everyone's. */
  'link.list': empty,
  'link.revoke': z.object({ id: z.uuid() }).strict(),
  'link.policy': z.object({ vault: text() }).strict(),
  /** `maxExpirySeconds: null` lifts the cap (the 7-day limit of every link stays). */
  'link.setPolicy': z
    .object({ vault: text(), linksAllowed: z.boolean(), maxExpirySeconds: linkExpiry.nullable() })
    .strict(),
  /** The team's audit log, verified, filtered, with names (owners and admins: `audit.read`).
   *  `verify` re-reads it from entry 1 instead of only what came after the last read. */
  'audit.list': auditFilters.extend({ verify: z.boolean().optional() }).strict(),
  /** Saves the rows those filters leave, as JSON lines, to the export folder (the window may
   *  not download anything, electron/main/session.ts). */
  'audit.export': auditFilters,
  // ---- break-glass (docs/design.md "Break-glass") ----
  /** The break-glass vaults and every request, as the verified chain records them. */
  'breakglass.status': empty,
  /** The reason is visible to every member through the chain: plain words, no secret names. */
  'breakglass.request': z
    .object({
      vault: text(),
      reason: z.string().min(1).max(500),
      minutes: z.number().int().min(1).max(1440).optional(),
    })
    .strict(),
  'breakglass.approve': z.object({ request: z.uuid() }).strict(),
  'breakglass.deny': z.object({ request: z.uuid() }).strict(),
  'breakglass.close': z.object({ request: z.uuid() }).strict(),
  /** Opens a granted session of this user's: the vault's name, its secrets' names, the end. */
  'breakglass.open': z.object({ request: z.uuid() }).strict(),
  // ---- end of break-glass ----
  'sync.now': empty,
  'settings.get': empty,
  'settings.set': z
    .object({
      autoLockMinutes: z.number().int().min(1).max(240).optional(),
      clipboardClearSeconds: z.number().int().min(5).max(600).optional(),
      theme: z.enum(['system', 'light', 'dark']).optional(),
      dueNotifications: z.boolean().optional(),
    })
    .strict(),
  /** The renderer reports user activity so the idle auto-lock timer restarts. */
  'activity.ping': empty,
} as const;

export type IpcChannel = keyof typeof ipcCalls;
export type IpcArgs<C extends IpcChannel> = z.input<(typeof ipcCalls)[C]>;

export function isIpcChannel(x: unknown): x is IpcChannel {
  return typeof x === 'string' && Object.hasOwn(ipcCalls, x);
}

/** Every answer crosses the bridge as data, never as a thrown object (Electron strips error
 *  fields), so the renderer can show the code and the message. */
export type IpcResult<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string } };

/** Events the core pushes to the window. */
export const IPC_EVENTS = [
  'locked',
  'unlocked',
  'synced',
  'online',
  'clipboard-cleared',
  'focus-search',
  /** The due notification was clicked: show the Due screen. */
  'open-due',
  /** A break-glass notification was clicked: show the Break-glass screen. */
  'open-breakglass',
] as const;
export type IpcEvent = (typeof IPC_EVENTS)[number];

/** Electron channel names: one for calls, one for events. */
export const IPC_INVOKE = 'tessera:invoke';
export const IPC_EVENT = 'tessera:event';

/** What the preload puts on window.tessera. */
export interface TesseraBridge {
  invoke<C extends IpcChannel>(channel: C, args: IpcArgs<C>): Promise<IpcResult>;
  on(listener: (event: IpcEvent, payload: unknown) => void): () => void;
}
