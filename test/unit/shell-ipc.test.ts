// Process: test.
// The IPC gate lets only our window's main frame, on app://tessera, reach the core, and the
// core's events go to our window only. FAKE ipcMain, window, frames and dispatcher stand in
// for Electron and DesktopCore; the gate is the real one from electron/main/ipc.ts.
import { describe, expect, it } from 'vitest';
import { IPC_EVENT, IPC_INVOKE, type IpcResult } from '../../shared/ipc.ts';
import {
  createEmitter,
  type FrameLike,
  type InvokeEventLike,
  installIpcGate,
  REFUSED,
  type TrustedWindow,
} from '../../electron/main/ipc.ts';

/** FAKE frame (Electron's WebFrameMain has these fields). */
function frame(url: string, parent: FrameLike | null = null, routingId = 1): FrameLike {
  return { url, parent, processId: 7, routingId };
}

/** FAKE BrowserWindow: its webContents records what was sent to the page. */
function fakeWindow() {
  const sent: unknown[][] = [];
  let destroyed = false;
  const webContents = {
    mainFrame: frame('app://tessera/index.html'),
    isDestroyed: () => destroyed,
    send: (channel: string, ...args: unknown[]) => sent.push([channel, ...args]),
  };
  const win: TrustedWindow = { isDestroyed: () => destroyed, webContents };
  return { win, sent, destroy: () => (destroyed = true) };
}

/** FAKE ipcMain: keeps the handlers so the test can call them like Electron would. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  return {
    handlers,
    handle: (channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>) => {
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => {
      handlers.delete(channel);
    },
  };
}

function setup() {
  const { win, sent, destroy } = fakeWindow();
  const ipcMain = fakeIpcMain();
  const dispatched: unknown[][] = [];
  const logs: string[] = [];
  const core = {
    dispatch: async (channel: unknown, args: unknown): Promise<IpcResult> => {
      dispatched.push([channel, args]);
      return { ok: true, value: 'from the core' };
    },
  };
  const uninstall = installIpcGate({ ipcMain, window: () => win, core, log: (l) => logs.push(l) });
  const call = (event: InvokeEventLike, channel: unknown, args: unknown) =>
    ipcMain.handlers.get(IPC_INVOKE)!(event, channel, args);
  return { win, sent, destroy, ipcMain, dispatched, logs, call, uninstall };
}

describe('IPC gate', () => {
  it('dispatches a call from our window’s main frame', async () => {
    const t = setup();
    const event = { sender: t.win.webContents, senderFrame: t.win.webContents.mainFrame };
    expect(await t.call(event, 'app.state', {})).toEqual({ ok: true, value: 'from the core' });
    expect(t.dispatched).toEqual([['app.state', {}]]);
  });

  it('dispatches when Electron hands a different object for the same main frame', async () => {
    const t = setup();
    const event = { sender: t.win.webContents, senderFrame: frame('app://tessera/index.html') };
    expect((await t.call(event, 'app.state', {})) as IpcResult).toMatchObject({ ok: true });
  });

  it('refuses a subframe, another origin, another webContents or no frame, and never dispatches', async () => {
    const t = setup();
    const main = t.win.webContents.mainFrame;
    const refused: InvokeEventLike[] = [
      { sender: t.win.webContents, senderFrame: frame('app://tessera/index.html', main, 2) },
      { sender: t.win.webContents, senderFrame: frame('https://evil.example/') },
      { sender: t.win.webContents, senderFrame: frame('app://tessera.evil.example/') },
      { sender: t.win.webContents, senderFrame: frame('file:///tmp/x.html') },
      { sender: { other: true }, senderFrame: main },
      { sender: t.win.webContents, senderFrame: null },
    ];
    for (const event of refused) {
      expect(await t.call(event, 'secret.reveal', { ref: 'prod/db', password: 'hunter2' })).toEqual(REFUSED);
    }
    expect(t.dispatched).toEqual([]);
    expect(t.logs).toHaveLength(refused.length);
    expect(t.logs[1]).toBe('refused an IPC call to secret.reveal from https://evil.example');
    // Log lines never carry the arguments.
    expect(t.logs.join('\n')).not.toMatch(/hunter2|prod\/db/);
  });

  it('refuses once the window is gone', async () => {
    const t = setup();
    const event = { sender: t.win.webContents, senderFrame: t.win.webContents.mainFrame };
    t.destroy();
    expect(await t.call(event, 'app.state', {})).toEqual(REFUSED);
    expect(t.dispatched).toEqual([]);
  });

  it('names an unknown channel without echoing it', async () => {
    const t = setup();
    await t.call({ sender: null, senderFrame: null }, 'x'.repeat(50), {});
    expect(t.logs).toEqual(['refused an IPC call to an unknown channel from no url']);
  });

  it('can be removed', () => {
    const t = setup();
    t.uninstall();
    expect(t.ipcMain.handlers.size).toBe(0);
  });
});

describe('events', () => {
  it('go to our window on the event channel, and nowhere once it is gone', () => {
    const { win, sent, destroy } = fakeWindow();
    let current: TrustedWindow | null = win;
    const emit = createEmitter(() => current);
    emit('locked', { reason: 'idle' });
    emit('focus-search');
    expect(sent).toEqual([
      [IPC_EVENT, 'locked', { reason: 'idle' }],
      [IPC_EVENT, 'focus-search', undefined],
    ]);
    destroy();
    emit('unlocked');
    current = null;
    emit('unlocked');
    expect(sent).toHaveLength(2);
  });
});
