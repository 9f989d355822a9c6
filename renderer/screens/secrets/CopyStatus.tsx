// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// After Copy: a visible countdown until the core clears the clipboard, then a note once it
// has. The value itself went from the core to the clipboard and never passed through here.
import { useEffect, useState } from 'react';
import { useBridgeEvent } from '../../app/events.ts';

export type CopyState = { kind: 'counting'; until: number; name: string } | { kind: 'cleared' } | null;

export function useCopyState() {
  const [state, setState] = useState<CopyState>(null);
  useBridgeEvent((event) => {
    if (event === 'clipboard-cleared') setState({ kind: 'cleared' });
  });
  const copied = (name: string, seconds: number) =>
    setState({ kind: 'counting', until: Date.now() + seconds * 1000, name });
  return { state, copied, dismiss: () => setState(null) };
}

export function CopyStatus({ state }: { state: CopyState }) {
  const [now, setNow] = useState(() => Date.now());
  const counting = state?.kind === 'counting';
  useEffect(() => {
    if (!counting) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [counting]);

  if (!state) return null;
  if (state.kind === 'cleared') {
    return (
      <p role="status" className="copy-status ok">
        Clipboard cleared
      </p>
    );
  }
  const left = Math.max(0, Math.ceil((state.until - now) / 1000));
  return (
    <p className="copy-status">
      <span className="visually-hidden" role="status">
        Copied {state.name}
      </span>
      <span>{left > 0 ? `Clipboard clears in ${left}s` : 'Clipboard clears now'}</span>
    </p>
  );
}
