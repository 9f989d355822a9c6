// Process: core (trusted Node side; never imports electron).
// The window's audit log call (docs/design.md "Audit"): empty filter fields mean "any", and
// the log is verified in the core before the window sees a row of it.
import type { IpcArgs } from '../../../shared/ipc.ts';
import type { IpcReturns } from '../../../shared/ipc-results.ts';
import type { DesktopCore } from './desktop-core.ts';

const given = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : undefined);

export const auditHandlers = {
  'audit.list': async (core: DesktopCore, a: IpcArgs<'audit.list'>): Promise<IpcReturns['audit.list']> => {
    const ask = {
      person: given(a.person),
      vault: given(a.vault),
      secret: given(a.secret),
      action: given(a.action),
      since: given(a.since),
      until: given(a.until),
    };
    return core.service.audit(ask, { verify: a.verify ?? false });
  },
};
