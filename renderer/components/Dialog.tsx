// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A modal built on the native <dialog>: the browser supplies role="dialog", the focus trap,
// an inert background and Escape-to-close, which a hand-rolled overlay tends to get wrong.
// It renders outside #root and hides #root from the accessibility tree while open, so
// assistive tech (and role-based tests) see only the dialog.
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';

interface Props {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Wider layout for side-by-side content. */
  wide?: boolean;
}

let openCount = 0;

function hideBackground(hidden: boolean): void {
  const root = document.getElementById('root');
  if (!root) return;
  if (hidden) root.setAttribute('aria-hidden', 'true');
  else root.removeAttribute('aria-hidden');
}

export function Dialog({ title, onClose, children, wide }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const opener = document.activeElement as HTMLElement | null;
    openCount += 1;
    hideBackground(true);
    if (!d.open) d.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      openCount -= 1;
      if (openCount === 0) hideBackground(false);
      // Give focus back to whatever opened the dialog, if it is still on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return createPortal(
    <dialog ref={ref} aria-labelledby={titleId} className={wide ? 'dialog wide' : 'dialog'}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>,
    document.body,
  );
}
