// Process: preload (sandboxed preload).
// What the page gets as window.tessera: two functions and nothing else. The page never sees
// ipcRenderer, an IPC event object or any channel besides the contract's call names, so a
// compromised renderer (XSS) can ask only for what a user could ask for by clicking
// (docs/design.md "Threat model"). Built from an injected ipcRenderer so it is tested in plain Node.
import {
  IPC_EVENT,
  IPC_INVOKE,
  type IpcEvent,
  type IpcResult,
  isIpcChannel,
  type TesseraBridge,
} from '../../shared/ipc.ts';
import { isPageEvent } from './events.ts';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const fail = (code: string, message: string): IpcResult => ({ ok: false, error: { code, message } });

export function createBridge(ipc: IpcRendererLike): TesseraBridge {
  const bridge: TesseraBridge = {
    invoke(channel, args) {
      // Checked here as well as in main: an unknown name never leaves the page.
      if (!isIpcChannel(channel)) return Promise.resolve(fail('bad_request', 'unknown call'));
      return ipc.invoke(IPC_INVOKE, channel, args ?? {}).then(
        (result) => result as IpcResult,
        () => fail('internal', 'the Tessera core did not answer'),
      );
    },
    on(listener) {
      if (typeof listener !== 'function') throw new TypeError('tessera.on expects a function');
      // The IPC event object (sender, ports) stays here; the page gets name and payload only.
      // 'focus-search' (from the menu) is not in shared IpcEvent; the page's bridge accepts
      // any string, so it is passed through under the IpcEvent type.
      const forward = (_event: unknown, name: unknown, payload: unknown) => {
        if (isPageEvent(name)) listener(name as IpcEvent, payload);
      };
      ipc.on(IPC_EVENT, forward);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(IPC_EVENT, forward);
      };
    },
  };
  return Object.freeze(bridge);
}
