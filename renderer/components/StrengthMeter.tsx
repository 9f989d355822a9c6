// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Shows "Strength: <word>" and a bar for the value being typed. The value is passed in from
// the form that owns it; nothing here keeps a copy.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { useEffect, useMemo, useState } from 'react';
import { loadStrength, STRENGTH_WORDS, strengthOf } from './strength.ts';

export function StrengthMeter({ value }: { value: string }) {
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
  const word = useMemo(() => (z && value ? strengthOf(z, value) : null), [z, value]);
  if (!value) return null;
  const level = word ? STRENGTH_WORDS.indexOf(word) : -1;
  return (
    <div className="strength" data-level={level}>
      <div className="strength-bar" aria-hidden="true">
        {STRENGTH_WORDS.map((w, i) => (
          <span key={w} className={i <= level ? 'on' : ''} />
        ))}
      </div>
      <output aria-live="polite">{word ? `Strength: ${word}` : 'Strength: checking…'}</output>
    </div>
  );
}
