// Process: shared. The invite code is the team id in a form to read aloud or paste into chat
// (docs/design.md "The team chain"): Crockford base32 of its 16 bytes, in groups of five.
// `team accept CODE` verifies link 1 against it, so the server cannot offer another root.

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function inviteCodeOf(teamId: string): string {
  const hex = teamId.replace(/-/g, '');
  let bits = '';
  for (let i = 0; i < 32; i += 2)
    bits += Number.parseInt(hex.slice(i, i + 2), 16)
      .toString(2)
      .padStart(8, '0');
  bits += '00';
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += ALPHABET[Number.parseInt(bits.slice(i, i + 5), 2)];
  return out.match(/.{1,5}/g)!.join('-');
}

/** The team id a code names, or null for a code that is not one (mistyped, or not a code). */
export function teamIdOfInviteCode(code: string): string | null {
  const clean = code.toLowerCase().replace(/[\s-]/g, '').replace(/[oO]/g, '0').replace(/[il]/g, '1');
  if (!/^[0-9a-hjkmnp-tv-z]{26}$/.test(clean)) return null;
  let bits = '';
  for (const ch of clean) bits += ALPHABET.indexOf(ch).toString(2).padStart(5, '0');
  if (!bits.endsWith('00')) return null;
  let hex = '';
  for (let i = 0; i < 128; i += 8)
    hex += Number.parseInt(bits.slice(i, i + 8), 2)
      .toString(16)
      .padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
