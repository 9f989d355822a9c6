// Process: test.
// The electronegativity wrapper judges our real CSP with the evaluator Electronegativity's
// CSP check uses (that check cannot see a CSP set by the protocol handler): our policy
// passes, and a weak one would fail the lint.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/protocol.ts';
import { evaluateCsp } from '../../tools/electronegativity.ts';

describe('CSP evaluation in lint:electron', () => {
  it('passes the policy the app:// handler sends', () => {
    expect(evaluateCsp(CONTENT_SECURITY_POLICY)).toEqual([]);
  });

  it('fails a weak policy', () => {
    const found = evaluateCsp("default-src *; script-src 'self' 'unsafe-inline' https:");
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((f) => f.id)).toContain('CSP_WEAK');
  });
});
