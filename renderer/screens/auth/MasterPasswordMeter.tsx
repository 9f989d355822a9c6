// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The master password's strength while it is typed, judged by the very rule the core applies
// at signup (shared/password-policy.ts, with the email and name counted against it), so the
// window can say what to do before the core has to refuse. The value comes from the form
// that owns it; nothing here keeps a copy.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { useEffect, useMemo, useState } from 'react';
import { type PasswordVerdict, rateMasterPassword } from '../../../shared/password-policy.ts';
import { loadStrength, STRENGTH_WORDS } from '../../components/strength.ts';

/** null while the dictionaries load or while nothing is typed. */
export function useMasterPasswordVerdict(value: string, context: readonly string[]): PasswordVerdict | null {
  const [z, setZ] = useState<ZxcvbnFactory | null>(null);
  useEffect(() => {
    let live = true;
    loadStrength().then(
      (f) => live && setZ(f),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const words = context.join('\n');
  return useMemo(
    () => (z && value ? rateMasterPassword(z, value, words.split('\n')) : null),
    [z, value, words],
  );
}

/** `showReason: false` when the same reason is already on screen as the form's error. */
export function MasterPasswordMeter({
  value,
  verdict,
  showReason = true,
}: {
  value: string;
  verdict: PasswordVerdict | null;
  showReason?: boolean;
}) {
  if (!value) return null;
  const level = verdict ? STRENGTH_WORDS.indexOf(verdict.word) : -1;
  return (
    <div className="strength" data-level={level}>
      <div className="strength-bar" aria-hidden="true">
        {STRENGTH_WORDS.map((w, i) => (
          <span key={w} className={i <= level ? 'on' : ''} />
        ))}
      </div>
      <output aria-live="polite">{verdict ? `Strength: ${verdict.word}` : 'Strength: checking…'}</output>
      {showReason && verdict && !verdict.ok && <p className="hint">{verdict.reason}</p>}
    </div>
  );
}
