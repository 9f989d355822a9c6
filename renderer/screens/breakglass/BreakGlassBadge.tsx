// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The nav's count of break-glass requests waiting for this user's answer; nothing when none.
// The link names itself and points here for its description, as the Sync link does.
import { useBreakGlass } from './queries.ts';

export function BreakGlassBadge({ id }: { id: string }) {
  const n = useBreakGlass().data?.pending ?? 0;
  if (n === 0) return null;
  return (
    <span id={id} className="badge conflict nav-badge">
      {n}
      <span className="visually-hidden"> waiting for your answer</span>
    </span>
  );
}
