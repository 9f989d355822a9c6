// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Shows the core's own words when something is refused, in a live region screen readers
// announce. Rendered only when there is something to say.
import type { ReactNode } from 'react';

export function ErrorAlert({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="alert">
      {error}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="notice">
      {children}
    </p>
  );
}
