// Process: core (trusted Node side; never imports electron).
// The window's offboarding call (docs/design.md "Offboarding"), kept apart from handlers.ts so
// it grows on its own (the audit log's "revealed or copied" column joins the report here).
// The report carries names and dates, never a value.
import type { IpcArgs } from '../../../shared/ipc.ts';
import type { IpcReturns } from '../../../shared/ipc-results.ts';
import type { DesktopCore } from './desktop-core.ts';

type OffboardChannel = 'team.offboard';
type OffboardHandlers = {
  [C in OffboardChannel]: (core: DesktopCore, args: IpcArgs<C>) => Promise<IpcReturns[C]>;
};

export const offboardHandlers: OffboardHandlers = {
  'team.offboard': async (core, a) => core.service.offboard(a.email),
};
