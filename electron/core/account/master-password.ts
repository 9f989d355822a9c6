// Process: core (trusted Node side; never imports electron).
// The one check every shell's signup goes through before anything is derived or sent: the
// master password policy of shared/password-policy.ts (a length floor and a zxcvbn score
// floor, the account's email and name counted against it). It refuses with what to do, never
// with the password. zxcvbn needs a string, so the bytes are decoded for the check only.
import { TesseraError } from '../../../shared/errors.ts';
import { loadStrength, rateMasterPassword } from '../../../shared/password-policy.ts';

/** Throws `usage` (exit 1 on the command line) with the reason when `password` is too weak
 *  to be a master password; `context` is the account's email and name. */
export async function assertStrongMasterPassword(
  password: Uint8Array,
  context: readonly string[],
): Promise<void> {
  const z = await loadStrength();
  const verdict = rateMasterPassword(z, new TextDecoder().decode(password), context);
  if (!verdict.ok) throw new TesseraError('usage', verdict.reason ?? 'choose a stronger master password');
}
