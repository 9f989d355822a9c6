// Process: core (trusted Node side; never imports electron).
// The window's break-glass calls (docs/design.md "Break-glass"), kept apart from handlers.ts
// like the link calls. Nothing here carries a key or a value: a secret read inside an open
// session goes through `secret.reveal`, which finds the vault through the session.
import type { IpcArgs } from '../../../shared/ipc.ts';
import type { IpcReturns } from '../../../shared/ipc-results.ts';
import type { DesktopCore } from './desktop-core.ts';

type BreakGlassChannel =
  | 'breakglass.status'
  | 'breakglass.request'
  | 'breakglass.approve'
  | 'breakglass.deny'
  | 'breakglass.close'
  | 'breakglass.open';
type BreakGlassHandlers = {
  [C in BreakGlassChannel]: (core: DesktopCore, args: IpcArgs<C>) => Promise<IpcReturns[C]>;
};

export const breakGlassHandlers: BreakGlassHandlers = {
  'breakglass.status': async (core) => {
    const bg = core.service.breakGlass;
    const requests = bg.status();
    return { vaults: bg.vaults(), requests, pending: requests.filter((r) => r.canAnswer).length };
  },
  'breakglass.request': async (core, a) => {
    const r = await core.service.breakGlass.request(a.vault, a.reason, a.minutes);
    return { request: r.request, vault: r.vault };
  },
  'breakglass.approve': async (core, a) => core.service.breakGlass.approve(a.request),
  'breakglass.deny': async (core, a) => core.service.breakGlass.deny(a.request),
  'breakglass.close': async (core, a) => core.service.breakGlass.close(a.request),
  'breakglass.open': async (core, a) => core.service.breakGlass.open(a.request),
};
