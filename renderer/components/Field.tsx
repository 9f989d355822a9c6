// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Labelled form controls. Labels are tied by id (not by wrapping) so every control's
// accessible name is exactly its label text, whatever it currently holds.
import { type ComponentProps, type ReactNode, useId } from 'react';

type InputProps = ComponentProps<'input'> & { label: string; hint?: ReactNode };

export function Field({ label, hint, className, ...rest }: InputProps) {
  const id = useId();
  const hintId = useId();
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? hintId : undefined} {...rest} />
      {hint && (
        <small id={hintId} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

type SelectProps = ComponentProps<'select'> & { label: string; children: ReactNode };

export function SelectField({ label, children, className, ...rest }: SelectProps) {
  const id = useId();
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <select id={id} {...rest}>
        {children}
      </select>
    </div>
  );
}
