// Process: core (trusted Node side; never imports electron).
// The window's offboarding calls (docs/design.md "Offboarding"), kept apart from handlers.ts so
// they grow on their own (the audit log's "revealed or copied" column joins the report here).
// The report carries names and dates, never a value. The window may not download anything
// (main/session.ts), so Export is the core's: it derives the report again from the chain (an
// offboarding cut short is continued first) and writes it to the export folder, 0600.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TesseraError } from '../../../shared/errors.ts';
import type { IpcArgs } from '../../../shared/ipc.ts';
import type { IpcReturns } from '../../../shared/ipc-results.ts';
import { offboardCsv, offboardJson } from '../../../shared/offboard-export.ts';
import type { DesktopCore } from './desktop-core.ts';

type OffboardChannel = 'team.offboard' | 'team.offboardExport';
type OffboardHandlers = {
  [C in OffboardChannel]: (core: DesktopCore, args: IpcArgs<C>) => Promise<IpcReturns[C]>;
};

export const offboardHandlers: OffboardHandlers = {
  'team.offboard': async (core, a) => core.service.offboard(a.email),
  'team.offboardExport': async (core, a) => {
    const dir = core.ports.exportDir;
    if (!dir) throw new TesseraError('usage', 'this window has no folder to save exports to');
    const r = await core.service.offboard(a.email);
    const day = (r.offboardedAt ?? new Date().toISOString()).slice(0, 10);
    const path = join(dir, `offboarding-${r.email.replace(/[^a-z0-9]+/g, '-')}-${day}.${a.format}`);
    writeFileSync(path, a.format === 'csv' ? offboardCsv(r) : offboardJson(r), { mode: 0o600 });
    return { path };
  },
};
