// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// One field in the item editor: its label (editable on a custom field), its value (masked for
// concealed kinds, with a show toggle), whether it is the primary one, and for a concealed
// field a strength meter and the generator. A stored concealed value is never loaded here:
// the input starts empty and stays "unchanged" until something is typed or generated.
import { useEffect, useId, useRef, useState } from 'react';
import { DEFAULT_GENERATOR, type GeneratorSettings, isConcealedKind } from '../../../../shared/items.ts';
import { call, errorText } from '../../../bridge.ts';
import { StrengthMeter } from '../../../components/StrengthMeter.tsx';
import { GeneratorPanel, usable } from './GeneratorPanel.tsx';
import type { FormField } from './itemForm.ts';

export const KIND_NAMES = {
  text: 'Text',
  concealed: 'Concealed',
  url: 'URL',
  totp: 'One-time code (TOTP)',
} as const;
/** How a sentence names a kind: "a new URL field", "Add a one-time code field". */
export const KIND_NOUNS = {
  text: 'text',
  concealed: 'concealed',
  url: 'URL',
  totp: 'one-time code',
} as const;

interface Props {
  field: FormField;
  primary: boolean;
  /** The radio group every row's primary choice belongs to. */
  group: string;
  /** The item had this field before the edit (so an empty concealed input keeps its value). */
  stored: boolean;
  /** A problem with the value (the core's refusal, or a missing primary value). */
  error: string | undefined;
  labelError: string | undefined;
  /** Put the cursor in the label: the field was just added. */
  focusLabel: boolean;
  /** How the item's last value was generated, where the panel starts. */
  lastGenerator: GeneratorSettings | undefined;
  onChange(next: FormField): void;
  onPrimary(): void;
  onRemove(): void;
}

export function FieldEditor(props: Props) {
  const { field, primary, group, stored, error, labelError, lastGenerator, onChange, onPrimary, onRemove } =
    props;
  const id = useId();
  const labelRef = useRef<HTMLInputElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the row first appears
  useEffect(() => {
    if (props.focusLabel) labelRef.current?.focus();
  }, []);
  const [show, setShow] = useState(false);
  const [options, setOptions] = useState(false);
  const [settings, setSettings] = useState<GeneratorSettings>(lastGenerator ?? DEFAULT_GENERATOR);
  const [genError, setGenError] = useState<string | null>(null);
  const concealed = isConcealedKind(field.kind);
  const label = field.label.trim();
  const name = label || `New ${KIND_NOUNS[field.kind]} field`;
  // Not the label alone: the value input already answers to that name.
  const groupName = label ? `${label} field` : name;
  const problem = error ?? genError;

  const generate = async (s: GeneratorSettings) => {
    setGenError(null);
    const use = usable(s);
    try {
      const { value } = await call('secret.generate', use);
      onChange({ ...field, value, generated: use });
    } catch (e) {
      setGenError(errorText(e));
    }
  };

  const changeSettings = (s: GeneratorSettings) => {
    setSettings(s);
    // A generated value follows its settings; one typed by hand is left alone.
    if (field.generated) void generate(s);
  };

  return (
    <fieldset className="field-editor" aria-label={primary ? `${groupName} (primary)` : groupName}>
      <div className="field-editor-label">
        {field.template ? (
          <label htmlFor={`${id}-v`}>{field.label}</label>
        ) : (
          <input
            ref={labelRef}
            className="field-label"
            aria-label="Field label"
            placeholder="Label"
            value={field.label}
            maxLength={120}
            onChange={(e) => onChange({ ...field, label: e.target.value })}
            aria-invalid={!!labelError}
            aria-describedby={labelError ? `${id}-le` : undefined}
          />
        )}
        <span className="kind">{KIND_NAMES[field.kind]}</span>
      </div>
      <div className="field-editor-value">
        <input
          id={`${id}-v`}
          className="field-value-input"
          aria-label={field.template ? undefined : `${name} value`}
          type={concealed && !show ? 'password' : field.kind === 'url' ? 'url' : 'text'}
          value={field.value}
          onChange={(e) => onChange({ ...field, value: e.target.value, generated: null })}
          placeholder={stored && concealed ? 'Unchanged; type to replace' : undefined}
          autoComplete={concealed ? 'new-password' : 'off'}
          spellCheck={false}
          aria-invalid={!!problem}
          aria-describedby={problem ? `${id}-e` : undefined}
        />
        {concealed && (
          <button
            type="button"
            aria-pressed={show}
            aria-label={`Show ${name}`}
            onClick={() => setShow((s) => !s)}
          >
            {show ? 'Hide' : 'Show'}
          </button>
        )}
        {field.kind === 'concealed' && (
          <>
            <button type="button" aria-label={`Generate ${name}`} onClick={() => void generate(settings)}>
              Generate
            </button>
            <button
              type="button"
              aria-expanded={options}
              aria-label={`${name} generator options`}
              onClick={() => setOptions((o) => !o)}
            >
              Options
            </button>
          </>
        )}
      </div>
      <div className="field-editor-side">
        <label className="check primary-choice">
          <input
            type="radio"
            name={group}
            checked={primary}
            onChange={onPrimary}
            aria-label={`Primary: ${name}`}
          />{' '}
          Primary
        </label>
        {!primary && (
          <button type="button" className="link" aria-label={`Remove ${name}`} onClick={onRemove}>
            Remove
          </button>
        )}
      </div>
      <div className="field-editor-extra">
        {labelError && (
          <p id={`${id}-le`} className="field-error" role="alert">
            {labelError}
          </p>
        )}
        {problem && (
          <p id={`${id}-e`} className="field-error" role="alert">
            {problem}
          </p>
        )}
        {field.kind === 'concealed' && <StrengthMeter value={field.value} />}
        {options && field.kind === 'concealed' && (
          <GeneratorPanel label={name} settings={settings} onChange={changeSettings} />
        )}
      </div>
    </fieldset>
  );
}
