// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// How one concealed field's value is generated: characters from chosen sets, or a passphrase
// of words. The panel only holds settings; the value comes from the core's secret.generate,
// so there is one generator, and the settings travel with the saved value for Rotate to reuse.
import { useId, useRef } from 'react';
import { DEFAULT_GENERATOR, GENERATOR_LIMITS, type GeneratorSettings } from '../../../../shared/items.ts';

interface Props {
  /** The field's label, for the controls' names. */
  label: string;
  settings: GeneratorSettings;
  onChange(settings: GeneratorSettings): void;
}

const L = GENERATOR_LIMITS;
const SETS = [
  ['lower', 'Lowercase (a–z)'],
  ['upper', 'Uppercase (A–Z)'],
  ['digits', 'Digits (2–9)'],
  ['symbols', 'Symbols (-_.!@#%+=*?)'],
] as const;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n) || lo));

/** The settings as the core accepts them: a number typed half-way ("2" on the way to "24")
 *  stays in the panel as typed and is brought into range only when used. */
export function usable(s: GeneratorSettings): GeneratorSettings {
  return s.mode === 'words'
    ? { ...s, words: clamp(s.words, L.words.min, L.words.max) }
    : { ...s, length: clamp(s.length, L.length.min, L.length.max) };
}

const WORDS = { mode: 'words', words: 5, separator: '-' } as const;

export function GeneratorPanel({ label, settings, onChange }: Props) {
  const id = useId();
  const s = settings;
  // Each mode's last settings, so Characters → Words → Characters gives back the length and
  // sets chosen before, not the defaults.
  const last = useRef({ characters: DEFAULT_GENERATOR, words: WORDS as GeneratorSettings });
  last.current[s.mode] = s;
  const settle = () => {
    const u = usable(s);
    if (JSON.stringify(u) !== JSON.stringify(s)) onChange(u);
  };
  return (
    <fieldset className="generator" aria-label={`${label} generator`}>
      <div className="generator-modes" role="radiogroup" aria-label="Generate">
        <label className="check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={s.mode === 'characters'}
            onChange={() => onChange(usable(last.current.characters))}
          />{' '}
          Characters
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={s.mode === 'words'}
            onChange={() => onChange(usable(last.current.words))}
          />{' '}
          Words (passphrase)
        </label>
      </div>
      {s.mode === 'characters' ? (
        <>
          <div className="generator-length">
            <label htmlFor={`${id}-len`}>Length</label>
            <input
              type="range"
              aria-label="Length slider"
              min={L.length.min}
              max={64}
              value={Math.min(s.length, 64)}
              onChange={(e) => onChange({ ...s, length: Number(e.target.value) })}
            />
            <input
              id={`${id}-len`}
              type="number"
              min={L.length.min}
              max={L.length.max}
              value={s.length}
              onChange={(e) => onChange({ ...s, length: Number(e.target.value) })}
              onBlur={settle}
            />
          </div>
          <div className="generator-sets">
            {SETS.map(([k, text]) => (
              <label className="check" key={k}>
                <input
                  type="checkbox"
                  checked={s[k]}
                  // At least one set stays on: the core refuses an empty choice.
                  disabled={s[k] && SETS.filter(([o]) => s[o]).length === 1}
                  onChange={(e) => onChange({ ...s, [k]: e.target.checked })}
                />{' '}
                {text}
              </label>
            ))}
          </div>
        </>
      ) : (
        <div className="generator-length">
          <label htmlFor={`${id}-words`}>Words</label>
          <input
            id={`${id}-words`}
            type="number"
            min={L.words.min}
            max={L.words.max}
            value={s.words}
            onChange={(e) => onChange({ ...s, words: Number(e.target.value) })}
            onBlur={settle}
          />
          <label htmlFor={`${id}-sep`}>Separator</label>
          <input
            id={`${id}-sep`}
            className="short"
            value={s.separator}
            maxLength={L.separatorLength}
            onChange={(e) => onChange({ ...s, separator: e.target.value })}
          />
        </div>
      )}
    </fieldset>
  );
}
