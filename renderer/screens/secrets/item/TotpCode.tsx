// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A TOTP field's current code and the seconds it has left. The seed stays in the core; the
// window asks for the code once a second, so the countdown and the next code need no clock
// of the window's own.
import { useEffect, useState } from 'react';
import { call, errorText } from '../../../bridge.ts';

export function TotpCode({ secretRef, field, label }: { secretRef: string; field: string; label: string }) {
  const [shown, setShown] = useState<{ code: string; secondsLeft: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const tick = () =>
      call('secret.totp', { ref: secretRef, field }).then(
        (r) => {
          if (!live) return;
          setError(null);
          setShown({ code: r.code, secondsLeft: r.secondsLeft });
        },
        (e) => live && setError(errorText(e)),
      );
    void tick();
    const t = setInterval(() => void tick(), 1000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [secretRef, field]);

  if (error) return <span className="alert">{error}</span>;
  if (!shown) return <span className="muted">…</span>;
  return (
    <span>
      <output className="value totp" aria-label={`${label} code`}>
        {shown.code}
      </output>{' '}
      <span className="muted">{shown.secondsLeft} s left</span>
    </span>
  );
}
