// Process: test. A desktop core as the window would hold it, minus the window: a temp profile,
// an in-memory clipboard and the ports a test names. `call` goes through the same IPC gate
// the window uses and throws the core's error (with its code) instead of answering it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesktopCore, type DesktopPorts } from '../../electron/core/desktop/desktop-core.ts';
import type { IpcArgs, IpcChannel } from '../../shared/ipc.ts';
import type { IpcReturns } from '../../shared/ipc-results.ts';

export interface TestWindow {
  core: DesktopCore;
  call<C extends IpcChannel>(c: C, a: IpcArgs<C>): Promise<IpcReturns[C]>;
}

export function openTestWindow(ports: Partial<DesktopPorts> = {}): TestWindow {
  const clipboard = { text: '' };
  const core = new DesktopCore({
    profileDir: mkdtempSync(join(tmpdir(), 'tessera-window-')),
    clipboard: { readText: () => clipboard.text, writeText: (t) => (clipboard.text = t) },
    emit: () => undefined,
    ...ports,
  });
  return {
    core,
    call: async (c, a) => {
      const r = await core.dispatch(c, a);
      if (!r.ok) throw Object.assign(new Error(`${c}: ${r.error.message}`), { code: r.error.code });
      return r.value as never;
    },
  };
}
