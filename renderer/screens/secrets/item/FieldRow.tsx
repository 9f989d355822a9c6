// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// One field of the open item: its label and kind, its value when it is shown with the item
// (text, URL), Reveal for a concealed one (through useReveal, so the plaintext lives only in
// this row's state and for 30 seconds), the live code for a TOTP seed, and Copy, which goes
// from the core to the clipboard without the value passing through the window.
import type { FieldView } from '../../../../shared/ipc-results.ts';
import { useReveal } from '../useReveal.ts';
import { TotpCode } from './TotpCode.tsx';

const KIND_LABEL = { text: 'text', concealed: 'concealed', url: 'URL', totp: 'one-time code' } as const;

interface Props {
  secretRef: string;
  version: number;
  field: FieldView;
  primary: boolean;
  onCopy(field: string): void;
}

export function FieldRow({ secretRef, version, field, primary, onCopy }: Props) {
  const reveal = useReveal(secretRef, version, field.key);
  const { label, kind } = field;
  return (
    <li className="field-row" aria-label={label}>
      <div className="field-head">
        <strong>{label}</strong> <span className="badge">{KIND_LABEL[kind]}</span>
        {primary && <span className="badge">primary</span>}
      </div>
      <div className="field-value">
        {field.empty ? (
          <span className="muted">empty</span>
        ) : kind === 'totp' ? (
          <TotpCode secretRef={secretRef} field={field.key} label={label} />
        ) : kind === 'concealed' ? (
          reveal.value !== null ? (
            <output className="value" aria-label={`${label} value`} aria-live="off">
              {reveal.value}
            </output>
          ) : (
            <span aria-hidden="true">••••••••</span>
          )
        ) : (
          <output className="value" aria-label={`${label} value`}>
            {field.value}
          </output>
        )}
      </div>
      {!field.empty && (
        <div className="button-row">
          {kind === 'concealed' && (
            <button
              type="button"
              aria-label={`${reveal.value === null ? 'Reveal' : 'Hide'} ${label}`}
              onClick={reveal.toggle}
            >
              {reveal.value === null ? 'Reveal' : 'Hide'}
            </button>
          )}
          <button type="button" aria-label={`Copy ${label}`} onClick={() => onCopy(field.key)}>
            Copy
          </button>
        </div>
      )}
      {reveal.error && (
        <p role="alert" className="alert">
          {reveal.error}
        </p>
      )}
    </li>
  );
}
