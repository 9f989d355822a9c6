// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Break-glass on the Secrets screen (docs/design.md "Break-glass"): a marked vault says so
// wherever it is listed, and a break-glass vault this user has no standing access to (the
// core lists those it may ask for, from the verified chain) says how to reach it, with a
// button to the Break-glass screen's request form for that vault.
import { useBreakGlass } from '../breakglass/queries.ts';
import { policyWords } from '../breakglass/words.ts';

export const BREAKGLASS_WORD = 'Break-glass';

export function BreakGlassTag() {
  return (
    <span className="badge breakglass" title="Owners read it; anyone else only through a break-glass session">
      {BREAKGLASS_WORD}
    </span>
  );
}

export function BreakGlassVaults({ onRequest }: { onRequest: (vault: string) => void }) {
  const vaults = useBreakGlass().data?.vaults ?? [];
  if (vaults.length === 0) return null;
  return (
    <ul className="breakglass-vaults" aria-label="Break-glass vaults">
      {vaults.map((v) => (
        <li key={v.id} className="card">
          <strong>{v.label}</strong> <BreakGlassTag />
          <p className="muted">
            You have no standing access to this vault. Request break-glass access with a reason; every admin
            is alerted, and each secret you view is flagged for rotation. {policyWords(v.policy)}
          </p>
          <button type="button" onClick={() => onRequest(v.id)}>
            Request access to {v.label}
          </button>
        </li>
      ))}
    </ul>
  );
}
