// Process: shared. The offboarding report as CSV (docs/design.md "Offboarding"): one row per
// secret the leaver could decrypt, then one per one-time link they created, so a spreadsheet
// sorts and filters it. The app's Export CSV and `tessera team offboard --csv` write the same.
import type { OffboardReport, OffboardSecretView } from './ipc-results.ts';

/** RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never runs a cell. */
function cell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const row = (cells: (string | number | null)[]) => cells.map(cell).join(',');

/** "revealed 2, copied 1, last 2026-12-04" or "never revealed or copied", from the audit log. */
export function usageWords(s: OffboardSecretView): string {
  if (s.revealed + s.copied === 0) return 'never revealed or copied';
  return `revealed ${s.revealed}, copied ${s.copied}, last ${s.lastUsedAt?.slice(0, 10)}`;
}

export function offboardCsv(r: OffboardReport): string {
  const lines = [
    row([
      'kind',
      'vault',
      'name',
      'rotation',
      'created',
      'expires',
      'status',
      'revealed',
      'copied',
      'last used',
    ]),
  ];
  for (const s of r.secrets)
    lines.push(
      row([
        'secret',
        s.vault,
        s.name,
        s.flag ?? 'rotated since',
        null,
        null,
        null,
        r.usageProblem ? null : s.revealed,
        r.usageProblem ? null : s.copied,
        s.lastUsedAt,
      ]),
    );
  for (const v of r.vaults)
    if (v.name === null)
      lines.push(
        row([
          'vault not readable by you',
          v.vaultId,
          null,
          `re-key ${v.status}`,
          null,
          null,
          v.managers.join(' '),
        ]),
      );
  for (const l of r.links)
    lines.push(
      row(['one-time link', l.vault ?? l.vaultId, l.secret, null, l.createdAt, l.expiresAt, l.status]),
    );
  return `${lines.join('\r\n')}\r\n`;
}

export function offboardJson(r: OffboardReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
