// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// An invite code, large enough to read aloud group by group, with a Copy button. The code is
// not secret (it names the team) but it is what the invited person's app checks the team's
// first link against, so it has to reach them by a path the server does not control; the
// line under it says so.
import { type ReactNode, useId, useState } from 'react';
import { copyText } from './clipboard.ts';

export function InviteCode({
  code,
  label,
  copyLabel,
  children,
}: {
  code: string;
  /** What the code is, e.g. "Invite code for bob@example.com". */
  label: string;
  /** The Copy button's accessible name (two codes can share a screen). */
  copyLabel: string;
  /** How to hand the code over. */
  children: ReactNode;
}) {
  const id = useId();
  const [copied, setCopied] = useState<{ code: string; ok: boolean } | null>(null);
  const shown = copied?.code === code ? copied : null;

  const copy = () => {
    void copyText(code).then((ok) => setCopied({ code, ok }));
  };

  return (
    <div className="invite-code-block">
      <label htmlFor={id} className="fingerprint-label">
        {label}
      </label>
      <div className="invite-code-row">
        <output id={id} className="invite-code">
          {code}
        </output>
        <button type="button" onClick={copy} aria-label={copyLabel}>
          Copy
        </button>
      </div>
      <p className="hint">{children}</p>
      {shown?.ok && (
        <p role="status" className="ok">
          Copied the invite code.
        </p>
      )}
      {shown && !shown.ok && (
        <p role="alert" className="alert">
          The clipboard could not be reached: select the code and copy it yourself.
        </p>
      )}
    </div>
  );
}
