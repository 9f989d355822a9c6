// Process: shared. One byte encoding for everything the team chain signs or hashes
// (docs/design.md "The team chain"). JSON with object keys sorted, integers only, and nothing
// JSON.stringify would silently change (undefined, NaN, a Date), so a signer and a verifier
// written years apart still agree on the bytes, and a server cannot re-encode a link into a
// second form that hashes differently but verifies the same.

export type Canonical =
  | null
  | boolean
  | number
  | string
  | readonly Canonical[]
  | { readonly [k: string]: Canonical };

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError('canonical form holds integers only');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical form cannot hold a ${typeof value}`);
}
