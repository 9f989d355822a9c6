// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A modal built on the native <dialog>: the browser supplies role="dialog", the focus trap,
// an inert background and Escape-to-close, which a hand-rolled overlay tends to get wrong.
// It renders outside #root and hides #root from the accessibility tree while open, so
// assistive tech (and role-based tests) see only the dialog.
// On open the first field still to fill takes focus, so typing starts at once. Escape closes
// at once when nothing was typed; after typing it asks first, because one stray key would
// otherwise throw away a half-written secret. Cancel buttons are a choice and close at once.
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { firstFieldToFill, TypedInput } from './dialog-focus.ts';

interface Props {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Wider layout for side-by-side content. */
  wide?: boolean;
  /** Changes the form made without typing (a generated value, a removed field) that Escape
   *  should ask about too. */
  unsaved?: boolean;
}

let openCount = 0;

function hideBackground(hidden: boolean): void {
  const root = document.getElementById('root');
  if (!root) return;
  if (hidden) root.setAttribute('aria-hidden', 'true');
  else root.removeAttribute('aria-hidden');
}

export function Dialog({ title, onClose, children, wide, unsaved }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;
  const [asking, setAsking] = useState(false);
  const askingRef = useRef(false);
  askingRef.current = asking;
  const unsavedRef = useRef(unsaved);
  unsavedRef.current = unsaved;

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const opener = document.activeElement as HTMLElement | null;
    const typed = new TypedInput(d);
    openCount += 1;
    hideBackground(true);
    if (!d.open) d.showModal();
    firstFieldToFill(d)?.focus();
    const onEscape = () => {
      // A second Escape answers the question with "keep editing".
      if (askingRef.current) setAsking(false);
      else if (typed.changed() || unsavedRef.current) setAsking(true);
      else close.current();
    };
    // Escape is taken on keydown: the browser's own cancel may not be cancelable a second time
    // without a click in between, and would then close the dialog behind React's back.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      onEscape();
    };
    const onCancel = (e: Event) => {
      e.preventDefault();
      onEscape();
    };
    // If the browser closed it anyway, the owner must still learn of it.
    const onClosed = () => close.current();
    d.addEventListener('keydown', onKey);
    d.addEventListener('cancel', onCancel);
    d.addEventListener('close', onClosed);
    return () => {
      typed.stop();
      d.removeEventListener('keydown', onKey);
      d.removeEventListener('cancel', onCancel);
      d.removeEventListener('close', onClosed);
      if (d.open) d.close();
      openCount -= 1;
      if (openCount === 0) hideBackground(false);
      // Give focus back to whatever opened the dialog, if it is still on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  useEffect(() => {
    if (asking) keepRef.current?.focus();
  }, [asking]);

  return createPortal(
    <dialog ref={ref} aria-labelledby={titleId} className={wide ? 'dialog wide' : 'dialog'}>
      <h2 id={titleId}>{title}</h2>
      {asking && (
        <div className="notice discard" role="alert">
          <p>Discard what you typed? It is not saved.</p>
          <div className="button-row">
            <button type="button" className="danger" onClick={() => close.current()}>
              Discard
            </button>
            <button ref={keepRef} type="button" onClick={() => setAsking(false)}>
              Keep editing
            </button>
          </div>
        </div>
      )}
      {children}
    </dialog>,
    document.body,
  );
}
