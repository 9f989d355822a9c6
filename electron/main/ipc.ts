// Process: main (Electron main process).
// The IPC door between the window and the core. Before DesktopCore.dispatch (which validates
// the channel and the arguments) sees a call, this checks who is calling: the main frame of
// our own window, showing a page from app://tessera. A subframe, another webContents, or our
// window after it somehow reached another origin gets a refusal, and the log line names the
// origin only, never the arguments (they may hold a password or a secret value).
import { IPC_EVENT, IPC_INVOKE, type IpcEvent, type IpcResult, isIpcChannel } from '../../shared/ipc.ts';
import type { ShellEvent } from './events.ts';
import { describeOrigin, isAppUrl } from './origin.ts';

export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
  readonly processId: number;
  readonly routingId: number;
}

export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

export interface TrustedWindow {
  isDestroyed(): boolean;
  readonly webContents: {
    readonly mainFrame: FrameLike;
    isDestroyed(): boolean;
    send(channel: string, ...args: unknown[]): void;
  };
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface Dispatcher {
  dispatch(channel: unknown, args: unknown): Promise<IpcResult>;
}

export const REFUSED: IpcResult = {
  ok: false,
  error: { code: 'forbidden', message: 'this page may not call the Tessera core' },
};

/** True when the call comes from our window's top frame, on our origin. */
export function isTrustedSender(event: InvokeEventLike, win: TrustedWindow | null): boolean {
  if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return false;
  if (event.sender !== win.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const main = win.webContents.mainFrame;
  const sameFrame =
    frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  return sameFrame && isAppUrl(frame.url);
}

export interface IpcGateOptions {
  ipcMain: IpcMainLike;
  /** The window whose page may call the core (null while there is none). */
  window: () => TrustedWindow | null;
  core: Dispatcher;
  log?: (line: string) => void;
}

/** Registers the one invoke handler; returns a function that removes it. */
export function installIpcGate({ ipcMain, window, core, log = () => {} }: IpcGateOptions): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, channel, args) => {
    if (!isTrustedSender(event, window())) {
      const name = isIpcChannel(channel) ? channel : 'an unknown channel';
      log(`refused an IPC call to ${name} from ${describeOrigin(event.senderFrame?.url)}`);
      return REFUSED;
    }
    return core.dispatch(channel, args);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE);
}

/** DesktopPorts.emit: sends an event to our window's page and nowhere else. */
export function createEmitter(
  window: () => TrustedWindow | null,
): (event: IpcEvent | ShellEvent, payload?: unknown) => void {
  return (event, payload) => {
    const win = window();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    win.webContents.send(IPC_EVENT, event, payload);
  };
}
