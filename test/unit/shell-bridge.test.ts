// Process: test.
// What the preload puts on window.tessera: invoke() for the contract's calls only, on() for
// events without Electron's event object. A FAKE ipcRenderer records what would cross to
// the main process. Also checks that the names-only contract the build puts in the preload
// bundle (instead of shared/ipc.ts with its zod schemas) says exactly what shared/ipc.ts says.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { IPC_EVENT, IPC_EVENTS, IPC_INVOKE, isIpcChannel, ipcCalls } from '../../shared/ipc.ts';
import { createBridge } from '../../electron/main/bridge.ts';
import { contractNamesModule } from '../../tools/build-desktop.ts';

/** FAKE ipcRenderer: an emitter standing for main's events, recording invoke calls. */
class FakeIpcRenderer extends EventEmitter {
  invoked: unknown[][] = [];
  answer: Promise<unknown> = Promise.resolve({ ok: true, value: 42 });
  invoke(channel: string, ...args: unknown[]) {
    this.invoked.push([channel, ...args]);
    return this.answer;
  }
}

describe('preload bridge', () => {
  it('forwards a contract call on the one invoke channel', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    expect(await bridge.invoke('vault.list', {})).toEqual({ ok: true, value: 42 });
    expect(ipc.invoked).toEqual([[IPC_INVOKE, 'vault.list', {}]]);
  });

  it('refuses unknown channels without sending anything', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    for (const channel of [
      'shell.openExternal',
      '__proto__',
      'constructor',
      'toString',
      IPC_INVOKE,
      '',
      42,
      null,
    ]) {
      const result = await bridge.invoke(channel as never, {} as never);
      expect(result).toEqual({ ok: false, error: { code: 'bad_request', message: 'unknown call' } });
    }
    expect(ipc.invoked).toEqual([]);
  });

  it('turns a failed invoke into a data-shaped failure', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.answer = Promise.reject(new Error('no handler'));
    expect(await createBridge(ipc).invoke('app.state', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'the Tessera core did not answer' },
    });
  });

  it('passes event name and payload, never the IPC event object, and unsubscribes', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    const seen: unknown[][] = [];
    const off = bridge.on((...args) => seen.push(args));
    const ipcEvent = { sender: 'the ipcRenderer', ports: [] };
    ipc.emit(IPC_EVENT, ipcEvent, 'locked', { reason: 'idle' });
    ipc.emit(IPC_EVENT, ipcEvent, 'focus-search');
    ipc.emit(IPC_EVENT, ipcEvent, 'not-an-event', 'dropped');
    ipc.emit('some-other-channel', ipcEvent, 'locked');
    expect(seen).toEqual([
      ['locked', { reason: 'idle' }],
      ['focus-search', undefined],
    ]);
    off();
    off();
    ipc.emit(IPC_EVENT, ipcEvent, 'unlocked');
    expect(seen).toHaveLength(2);
    expect(ipc.listenerCount(IPC_EVENT)).toBe(0);
  });

  it('exposes two frozen functions and nothing else', () => {
    const bridge = createBridge(new FakeIpcRenderer());
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(() => bridge.on('not a function' as never)).toThrow(TypeError);
  });
});

describe('names-only contract in the preload bundle', () => {
  it('matches shared/ipc.ts', async () => {
    const source = contractNamesModule();
    expect(source).not.toMatch(/import|require/);
    const generated = (await import(
      `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
    )) as {
      IPC_INVOKE: string;
      IPC_EVENT: string;
      IPC_EVENTS: readonly string[];
      isIpcChannel(x: unknown): boolean;
    };
    expect(generated.IPC_INVOKE).toBe(IPC_INVOKE);
    expect(generated.IPC_EVENT).toBe(IPC_EVENT);
    expect(generated.IPC_EVENTS).toEqual(IPC_EVENTS);
    for (const name of [...Object.keys(ipcCalls), '__proto__', 'hasOwnProperty', 'nope', 1]) {
      expect(generated.isIpcChannel(name), String(name)).toBe(isIpcChannel(name));
    }
  });
});
