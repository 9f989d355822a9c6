// Process: shared (pure; used by the core service and the server alike).
// "Did you mean": when a name the person typed (a vault, a team, a group, a secret) matches
// nothing, offer the one they most likely meant. Only names that are close are offered: a
// far-off guess would send them to the wrong vault with confidence. Case is ignored for the
// comparison, so "Prod" for "prod" is offered too (lookups themselves stay exact).

/** Edit distance with adjacent transpositions (optimal string alignment): "prd" to "prod" is
 *  1, "porg" to "prog" is 1. Compares code points, so an emoji counts as one character. */
export function editDistance(a: string, b: string): number {
  const s = Array.from(a.toLowerCase());
  const t = Array.from(b.toLowerCase());
  // Three rolling rows: two back (for the transposition), one back, and the current one.
  let twoBack: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, twoBack[j - 2]! + 1);
      cur.push(d);
    }
    twoBack = prev;
    prev = cur;
  }
  return prev[t.length]!;
}

/** How many edits still count as a typo: one per three characters of the longer name, at
 *  least one and at most three. */
function tolerance(a: string, b: string): number {
  const longer = Math.max(Array.from(a).length, Array.from(b).length);
  return Math.min(3, Math.max(1, Math.floor(longer / 3)));
}

/** The candidates closest to `wanted` within the typo tolerance, best first (at most three,
 *  ties in the order given). A candidate that shares nothing with `wanted` ("a" for "b") is
 *  never offered, nor one that equals it exactly (that one was found, not mistyped). */
export function closest(wanted: string, candidates: Iterable<string>): string[] {
  const scored: { name: string; d: number }[] = [];
  const seen = new Set<string>();
  for (const name of candidates) {
    if (name === wanted || seen.has(name)) continue;
    seen.add(name);
    const d = editDistance(wanted, name);
    const longer = Math.max(Array.from(wanted).length, Array.from(name).length);
    if (d <= tolerance(wanted, name) && d < longer) scored.push({ name, d });
  }
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((x) => x.d));
  return scored
    .filter((x) => x.d === best)
    .slice(0, 3)
    .map((x) => x.name);
}

/** The tail of a not-found message: `: did you mean "prod"?`, or '' when nothing is close. */
export function didYouMean(wanted: string, candidates: Iterable<string>): string {
  const near = closest(wanted, candidates);
  if (near.length === 0) return '';
  const quoted = near.map((n) => JSON.stringify(n));
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return `: did you mean ${list}?`;
}
