// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// What the Secrets screen's empty list means and what to do about it.
/** What an empty list means and what to do about it. */
export function emptyText(c: {
  vaults: number;
  query: string;
  inVault: string | null;
  mayCreateVault: boolean;
  mayWrite: boolean;
  /** Break-glass vaults listed above the list, reachable only by a request. */
  breakGlass: number;
}): string {
  if (c.vaults === 0 && c.breakGlass > 0)
    return c.mayCreateVault
      ? 'No vault you read day to day yet. Request break-glass access above, or create a vault with New vault.'
      : 'No vault you read day to day yet. Request break-glass access above, or ask an admin to share a vault.';
  if (c.vaults === 0)
    return c.mayCreateVault
      ? 'No vaults yet. Create one with New vault, then add secrets to it.'
      : 'No vaults shared with you yet. Ask an admin of the team to share one.';
  if (c.query)
    return c.inVault
      ? `No secret in ${c.inVault} matches "${c.query}". Try fewer words, or search All vaults.`
      : `No secret matches "${c.query}". Try fewer words: each one must appear in a name, a vault or a tag.`;
  const where = c.inVault ? `in ${c.inVault}` : 'here';
  return c.mayWrite ? `No secrets ${where} yet. Add one with New secret.` : `No secrets ${where} yet.`;
}
