// Process: core (trusted Node side; never imports electron).
// One small function per IPC call, each a thin translation to the core service. Secret
// values arrive as strings (from an <input>) and are turned into bytes at once; the bytes
// are wiped as soon as the service is done with them.
import type { IpcArgs, IpcChannel } from '../../../shared/ipc.ts';
import type { AppState, IpcReturns, MemberView } from '../../../shared/ipc-results.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { wipe } from '../crypto/index.ts';
import { generateCharacters, generatePassphrase } from '../vault/password.ts';
import type { DesktopCore } from './desktop-core.ts';
import { linkHandlers } from './link-handlers.ts';
import { auditHandlers } from './audit-handlers.ts';
import { offboardHandlers } from './offboard-handlers.ts';
import { breakGlassHandlers } from './breakglass-handlers.ts';

type Handler<C extends IpcChannel> = (core: DesktopCore, args: IpcArgs<C>) => Promise<IpcReturns[C]>;
type Handlers = { [C in IpcChannel]: Handler<C> };

const bytes = (s: string) => new TextEncoder().encode(s);

async function withBytes<T>(s: string, fn: (b: Uint8Array) => Promise<T>): Promise<T> {
  const b = bytes(s);
  try {
    return await fn(b);
  } finally {
    wipe(b);
  }
}

export function appState(core: DesktopCore): AppState {
  const s = core.service;
  const data = s.profile.data;
  const base: AppState = {
    hasAccount: !!data.userId,
    loggedIn: s.isUnlocked ? s.hasSession : !!data.userId && !data.loggedOut,
    unlocked: s.isUnlocked,
    email: data.email ?? null,
    server: data.server ?? null,
    team: null,
    fingerprint: null,
    embeddedServer: core.embeddedServer,
  };
  if (!s.isUnlocked) return base;
  const me = s.whoami();
  const current = s.teams().find((t) => t.current);
  return {
    ...base,
    fingerprint: me.fingerprint,
    team: current ? { id: current.id, name: current.name, role: me.role } : null,
  };
}

/** Only what the window shows: no signatures, no raw keys. */
function memberView(m: MemberView & Record<string, unknown>): MemberView {
  return {
    userId: m.userId,
    email: m.email,
    name: m.name,
    role: m.role,
    status: m.status,
    fingerprint: m.fingerprint,
  };
}

export const handlers: Handlers = {
  'app.state': async (core) => appState(core),
  'account.signup': async (core, a) => {
    await withBytes(a.password, (password) =>
      core.service.signup({ server: a.server, email: a.email, name: a.name, password }),
    );
    core.afterUnlock();
    return appState(core);
  },
  'account.login': async (core, a) => {
    const teamSyncs = await withBytes(a.password, (password) =>
      core.service.login({ server: a.server, email: a.email, password }),
    );
    core.afterUnlock();
    return { ...appState(core), teamSyncs };
  },
  // Every team of the profile, not only the current one: a team switched to later shows what
  // its members wrote while this window was locked, even if the server is gone by then.
  'account.unlock': async (core, a) => {
    await withBytes(a.password, (password) => core.service.unlock(password));
    const teamSyncs = await core.service.syncTeams();
    core.afterUnlock();
    return { ...appState(core), teamSyncs };
  },
  'account.lock': async (core) => {
    core.lock('user');
    return appState(core);
  },
  'account.logout': async (core) => {
    await core.service.logout();
    core.lock('logout');
    return appState(core);
  },
  'server.startEmbedded': async (core) => {
    if (!core.ports.startEmbeddedServer)
      throw new TesseraError('usage', 'this build cannot start an embedded server');
    core.embeddedServer ??= await core.ports.startEmbeddedServer();
    return { url: core.embeddedServer };
  },
  'team.list': async (core) => core.service.teams(),
  'team.create': async (core, a) => {
    const t = await core.service.createTeam(a.name);
    core.afterUnlock();
    return { id: t.id, name: t.name, current: true };
  },
  // The switch stands whatever the sync meets (live sync must follow it to the new team); a
  // refusal is reported in the answer, as after unlock.
  'team.use': async (core, a) => {
    core.service.useTeam(a.team);
    const current = core.service.teams().find((t) => t.current);
    const teamSyncs = current ? await core.service.syncTeams([current.id]) : [];
    core.afterUnlock();
    return { ...appState(core), teamSyncs };
  },
  'team.invitations': async (core) => core.service.invitations(),
  'team.accept': async (core, a) => {
    const t = await core.service.accept(a.code);
    return { id: t.id, name: t.name, current: core.service.teams().some((x) => x.id === t.id && x.current) };
  },
  'team.invite': async (core, a) => {
    const inviteCode = await core.service.invite(a.email, a.role);
    return { email: a.email, role: a.role, inviteCode };
  },
  'team.code': async (core) => ({ inviteCode: core.service.inviteCode() }),
  'team.members': async (core) => (await core.service.members()).map(memberView),
  'team.confirm': async (core, a) => {
    const m = await core.service.confirm(a.email, a.fingerprint);
    await core.service.sync();
    return memberView(m);
  },
  'team.role': async (core, a) => core.service.changeRole(a.email, a.role),
  'team.remove': async (core, a) => core.service.removeMember(a.email),
  'team.revokeInvitation': async (core, a) => core.service.revokeInvitation(a.email),
  'group.list': async (core) =>
    (await core.service.listGroups()).map((g) => ({ id: g.id, name: g.name, emails: g.emails })),
  'group.create': async (core, a) => {
    await core.service.createGroup(a.name);
    return { name: a.name };
  },
  'group.add': async (core, a) => {
    const r = await core.service.addToGroup(a.group, a.email);
    return { group: r.group, email: r.email };
  },
  'group.remove': async (core, a) => {
    const r = await core.service.removeFromGroup(a.group, a.email);
    return { group: r.group, email: r.email };
  },
  'vault.list': async (core) => core.service.listVaults(),
  'vault.create': async (core, a) => core.service.createVault(a.name),
  'vault.access': async (core, a) => core.service.vaultAccess(a.vault),
  'vault.share': async (core, a) => {
    const r = await core.service.shareVault(a.vault, a.with, a.role);
    return { vault: r.vault };
  },
  'vault.unshare': async (core, a) => {
    const r = await core.service.unshareVault(a.vault, a.with);
    return { vault: r.vault, generation: r.generation };
  },
  'vault.rename': async (core, a) => {
    const r = await core.service.renameVault(a.vault, a.name);
    return { id: r.id, name: r.name };
  },
  'vault.rotation': async (core, a) => core.service.setVaultRotation(a.vault, a.rotateEveryDays),
  'vault.delete': async (core, a) => core.service.deleteVault(a.vault, { force: a.force }),
  'secret.list': async (core, a) => core.service.listSecrets(a.vault),
  'secret.show': async (core, a) => core.service.showSecret(a.ref),
  'secret.reveal': async (core, a) => {
    const { value } = await core.service.getFieldAt(a.ref, a.field, a.version);
    try {
      return { value: new TextDecoder().decode(value) };
    } finally {
      wipe(value);
    }
  },
  'secret.totp': async (core, a) => {
    const { field, code, secondsLeft } = core.service.totp(a.ref, a.field);
    return { field, code, secondsLeft };
  },
  'secret.copy': async (core, a) => {
    const seconds = core.settings().clipboardClearSeconds;
    const f = core.service.getField(a.ref, a.field, undefined, 'copy');
    // A TOTP field copies the code people type, not the seed behind it.
    const value = f.kind === 'totp' ? bytes(core.service.oneTimeCode(f.value)) : f.value;
    try {
      core.clipboard.copy(value, seconds);
    } finally {
      wipe(value, f.value);
    }
    return { clearsInSeconds: seconds };
  },
  'secret.set': async (core, a) => {
    const owned: Uint8Array[] = [];
    const own = (s: string) => {
      const b = bytes(s);
      owned.push(b);
      return b;
    };
    try {
      return await core.service.setSecret(a.ref, {
        ...(a.type ? { type: a.type } : {}),
        ...(a.value !== undefined ? { primaryValue: own(a.value) } : {}),
        ...(a.fields
          ? {
              fields: a.fields.map((x) => ({
                ...x,
                value: x.value === undefined ? undefined : own(x.value),
              })),
            }
          : {}),
        ...(a.primary ? { primary: a.primary } : {}),
        ...(a.notes !== undefined ? { notes: a.notes === null ? null : own(a.notes) } : {}),
        ...(a.tags ? { tags: a.tags } : {}),
        ...(a.rotateEveryDays !== undefined ? { rotateEveryDays: a.rotateEveryDays } : {}),
        ...(a.expires !== undefined ? { expires: a.expires } : {}),
        ...(a.generator ? { generator: a.generator } : {}),
      });
    } finally {
      wipe(...owned);
    }
  },
  'secret.generate': async (_core, a) => {
    const g = a.mode === 'words' ? generatePassphrase(a) : generateCharacters(a);
    try {
      return { value: new TextDecoder().decode(g.value), entropyBits: g.entropyBits };
    } finally {
      wipe(g.value);
    }
  },
  'secret.due': async (core) => core.service.due(),
  'secret.rotate': async (core, a) => core.service.rotateSecret(a.ref),
  // Rotation flags: signed in the core with the account key.
  'secret.flag': async (core, a) => core.service.flagSecret(a.ref, a.reason),
  'secret.restore': async (core, a) => core.service.restoreSecret(a.ref, a.version),
  'secret.move': async (core, a) => core.service.moveSecret(a.ref, a.to),
  'secret.remove': async (core, a) => core.service.removeSecret(a.ref),
  'secret.history': async (core, a) => core.service.history(a.ref),
  'conflict.show': async (core, a) => core.service.showConflict(a.ref),
  'conflict.resolve': async (core, a) => core.service.resolveConflict(a.ref, a.keep),
  ...linkHandlers,
  ...auditHandlers,
  ...offboardHandlers,
  ...breakGlassHandlers,
  'sync.now': async (core) => core.service.sync(),
  'settings.get': async (core) => core.settings(),
  'settings.set': async (core, a) => {
    const current = core.service.profile.data.settings;
    core.service.profile.update({ settings: { ...current, ...a } });
    if (a.autoLockMinutes) core.autoLock.setMinutes(a.autoLockMinutes);
    return core.settings();
  },
  'activity.ping': async (core) => {
    if (core.service.isUnlocked) core.autoLock.touch();
    return { ok: true };
  },
};
