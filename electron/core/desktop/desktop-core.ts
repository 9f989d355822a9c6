// Process: core (trusted Node side; never imports electron).
// The desktop application behind the window: one TesseraService plus what a desktop needs
// around it (auto-lock, clipboard clearing, live sync, events). Every IPC call enters through
// `dispatch`, which validates the channel and its arguments against shared/ipc.ts before
// anything else runs. Electron's main process and the browser test bridge both hold one of
// these and pass their platform pieces in, so the window is tested against the real core.
import { type IpcEvent, type IpcResult, ipcCalls, isIpcChannel } from '../../../shared/ipc.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { SyncedEvent } from '../../../shared/ipc-results.ts';
import { type SyncResult, TesseraService } from '../service/service.ts';
import { AutoLock, realTimers, type Timers } from './auto-lock.ts';
import { type ClipboardPort, ClipboardGuard } from './clipboard-guard.ts';
import { DueNotice, type NotifyPort } from './due-notice.ts';
import { BreakGlassNotice } from './breakglass-notice.ts';
import { handlers } from './handlers.ts';

export interface DesktopPorts {
  profileDir: string;
  clipboard: ClipboardPort;
  emit(event: IpcEvent, payload?: unknown): void;
  /** Starts a team server inside this process for a solo try-out; returns its URL. */
  startEmbeddedServer?(): Promise<string>;
  fetch?: typeof fetch;
  timers?: Timers;
  /** The clock reminders count to (tests move it). */
  now?: () => Date;
  /** Shows a desktop notification (the daily one of secrets to rotate). */
  notify?: NotifyPort;
  /** Where exports (an offboarding report) are saved: the user's Downloads folder. The
   *  window's own downloads are blocked, so a file is written here by the core or not at all. */
  exportDir?: string;
}

/** While unlocked, the due notification is reconsidered this often, so a window left open
 *  overnight still tells the next day. */
const DUE_CHECK_MS = 60 * 60_000;

export class DesktopCore {
  readonly service: TesseraService;
  readonly autoLock: AutoLock;
  readonly clipboard: ClipboardGuard;
  embeddedServer: string | null = null;
  private stopWatch: (() => void) | null = null;
  /** Whether the push channel is connected now (it backs off up to 30 s between tries). */
  private pushOnline = false;
  private readonly dueNotice: DueNotice | null;
  private dueTimer: unknown = null;
  private readonly breakGlassNotice: BreakGlassNotice | null;
  private readonly timers: Timers;

  constructor(readonly ports: DesktopPorts) {
    this.service = new TesseraService({
      profileDir: ports.profileDir,
      fetch: ports.fetch,
      now: ports.now,
      onSynced: (teamId, r) => this.reportSync(teamId, r),
    });
    const timers = ports.timers ?? realTimers;
    this.timers = timers;
    const profile = this.service.profile;
    this.dueNotice = ports.notify
      ? new DueNotice({
          notify: ports.notify,
          now: ports.now ?? (() => new Date()),
          lastDay: () => profile.data.dueNoticeDay,
          setLastDay: (day) => profile.update({ dueNoticeDay: day }),
          enabled: () => profile.data.settings.dueNotifications !== false,
          onClick: () => ports.emit('open-due'),
        })
      : null;
    this.breakGlassNotice = ports.notify
      ? new BreakGlassNotice(ports.notify, () => ports.emit('open-breakglass'))
      : null;
    this.autoLock = new AutoLock(() => this.lock('idle'), this.settings().autoLockMinutes, timers);
    this.clipboard = new ClipboardGuard(ports.clipboard, () => ports.emit('clipboard-cleared'), timers);
  }

  settings() {
    const s = this.service.profile.data.settings;
    return {
      autoLockMinutes: s.autoLockMinutes,
      clipboardClearSeconds: s.clipboardClearSeconds,
      theme: s.theme ?? 'system',
      dueNotifications: s.dueNotifications !== false,
    };
  }

  /** The one entry point for the window. Never throws: failures come back as data. */
  async dispatch(channel: unknown, args: unknown): Promise<IpcResult> {
    if (!isIpcChannel(channel)) return { ok: false, error: { code: 'bad_request', message: 'unknown call' } };
    const parsed = ipcCalls[channel].safeParse(args ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        error: { code: 'bad_request', message: `${issue?.path.join('.') || 'arguments'}: ${issue?.message}` },
      };
    }
    try {
      if (channel !== 'activity.ping' && this.service.isUnlocked) this.autoLock.touch();
      const handler = handlers[channel] as (core: DesktopCore, a: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(this, parsed.data) };
    } catch (e) {
      if (e instanceof TesseraError) return { ok: false, error: { code: e.code, message: e.message } };
      // Unknown failures are reported without their text, which might quote data.
      return {
        ok: false,
        error: { code: 'internal', message: 'something went wrong in the core; see the log' },
      };
    }
  }

  /** After unlock or login: start the idle timer and the push channel. */
  afterUnlock(): void {
    this.autoLock.touch();
    this.startWatch();
    this.ports.emit('unlocked');
    this.checkDue();
    this.checkBreakGlass();
  }

  /** (Re)starts the push channel for the current team. Its syncs reach the window through
   *  reportSync, like every other sync. */
  private startWatch(): void {
    this.stopWatch?.();
    this.stopWatch = null;
    this.pushOnline = false;
    if (!this.service.whoami().team) return;
    this.stopWatch = this.service.watch(
      undefined,
      () => undefined,
      () => this.ports.emit('online', false),
      (online) => {
        this.pushOnline = online;
      },
    );
  }

  /** The daily due notification, if one is owed; then again in an hour while unlocked. */
  private checkDue(): void {
    if (!this.dueNotice) return;
    if (this.dueTimer !== null) this.timers.clearTimeout(this.dueTimer);
    this.dueTimer = null;
    if (!this.service.isUnlocked || !this.service.profile.data.currentTeam) return;
    try {
      this.dueNotice.check(() => this.service.due());
    } catch {
      // A reminder must never break unlock or sync; the Due screen shows the same list.
    }
    this.dueTimer = this.timers.setTimeout(() => this.checkDue(), DUE_CHECK_MS);
  }

  /** Every sync of the team the window shows, its own calls' included: a write's answer tells
   *  the window about the write, but the same sync may bring what a live-sync pull would have
   *  (the two share one queue, so which of them pushes an edit is a race). */
  private reportSync(teamId: string, r: SyncResult): void {
    // An offline sync changed nothing here; the window learns of it from the answer or 'online'.
    if (r.offline || this.service.profile.data.currentTeam !== teamId) return;
    const payload: SyncedEvent = { revision: r.revision, conflicts: r.conflicts.length, changes: r.changes };
    this.ports.emit('synced', payload);
    // A sync the server answered while the push channel is down: the server is there and lets
    // us in (a member it refused until an admin confirmed them, say), so reconnect now rather
    // than after a backoff of up to 30 s, during which nothing would reach the window.
    if (this.stopWatch && !this.pushOnline && this.service.isUnlocked) this.startWatch();
    // A pull may bring what makes something due (a teammate's new secret, a vault default).
    if (r.changes.secrets.length > 0 || r.changes.vaults) this.checkDue();
    this.checkBreakGlass();
  }

  /** Break-glass requests waiting for this user, sessions granted (to an approver), and this
   *  user's access opening. */
  private checkBreakGlass(): void {
    if (!this.breakGlassNotice || !this.service.isUnlocked || !this.service.profile.data.currentTeam) return;
    try {
      this.breakGlassNotice.check(this.service.breakGlass.status(), this.service.breakGlass.approver());
    } catch {
      // A notification must never break unlock or sync; the Break-glass screen shows the same.
    }
  }

  /** Locks: stops live sync, clears our clipboard value, zeroes every key. */
  lock(reason: 'user' | 'logout' | 'idle' | 'suspend' | 'screen-lock' | 'quit' = 'user'): void {
    this.stopWatch?.();
    this.stopWatch = null;
    this.autoLock.stop();
    if (this.dueTimer !== null) this.timers.clearTimeout(this.dueTimer);
    this.dueTimer = null;
    this.clipboard.clearIfUnchanged();
    this.breakGlassNotice?.reset();
    const was = this.service.isUnlocked;
    this.service.lock();
    if (was) this.ports.emit('locked', { reason });
  }
}
