// Process: core (trusted Node side; never imports electron).
// The window's audit log calls (docs/design.md "Audit"): empty filter fields mean "any", and
// the log is verified in the core before the window sees a row of it. The window may not
// download anything (electron/main/session.ts), so Export is the core's: it reads the rows
// the same filters give and writes them as JSON lines to the export folder, 0600.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TesseraError } from '../../../shared/errors.ts';
import type { IpcArgs } from '../../../shared/ipc.ts';
import type { IpcReturns } from '../../../shared/ipc-results.ts';
import type { DesktopCore } from './desktop-core.ts';

const given = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : undefined);

const askOf = (a: IpcArgs<'audit.export'>) => ({
  person: given(a.person),
  vault: given(a.vault),
  secret: given(a.secret),
  action: given(a.action),
  since: given(a.since),
  until: given(a.until),
});

export const auditHandlers = {
  'audit.list': async (core: DesktopCore, a: IpcArgs<'audit.list'>): Promise<IpcReturns['audit.list']> =>
    core.service.audit(askOf(a), { verify: a.verify ?? false }),
  'audit.export': async (
    core: DesktopCore,
    a: IpcArgs<'audit.export'>,
  ): Promise<IpcReturns['audit.export']> => {
    const dir = core.ports.exportDir;
    if (!dir) throw new TesseraError('usage', 'this window has no folder to save exports to');
    const v = await core.service.audit(askOf(a), { verify: false });
    const team = v.team.replace(/[^A-Za-z0-9_-]/g, '_');
    const path = join(dir, `tessera-audit-${team}-${new Date().toISOString().slice(0, 10)}.jsonl`);
    const text = v.rows.map((r) => JSON.stringify(r)).join('\n') + (v.rows.length ? '\n' : '');
    writeFileSync(path, text, { mode: 0o600 });
    return { path, entries: v.rows.length };
  },
};
