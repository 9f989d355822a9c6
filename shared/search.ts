// Process: shared (pure; the window's search box runs it on every keystroke).
// Finding a secret the way people type: several words in any order, each of which must
// appear somewhere in the secret's name, its vault's name or its tags; case is ignored, and
// a plural finds the singular ("passwords" finds "db-password", "policies" finds "policy").
// The lower-cased text of each secret is built once per list, not once per keystroke, so
// 10,000 secrets filter within a frame.

export interface Searchable {
  name: string;
  vault: string;
  tags: readonly string[];
}

/** What one secret is searched by, lower-cased once. */
export interface Indexed<T> {
  item: T;
  text: string;
}

export function indexForSearch<T extends Searchable>(items: readonly T[]): Indexed<T>[] {
  // A newline cannot be typed into the search box, so no word matches across two parts.
  return items.map((item) => ({
    item,
    text: `${item.name}\n${item.vault}\n${item.tags.join('\n')}`.toLowerCase(),
  }));
}

/** Each typed word as the spellings that count as a match: itself and its singular. */
export function searchWords(query: string): string[][] {
  const words = new Set(query.toLowerCase().split(/\s+/).filter(Boolean));
  return [...words].map(spellings);
}

function spellings(w: string): string[] {
  // Short words are left alone: "ss" or "os" is not a plural.
  if (w.length < 4 || !w.endsWith('s') || w.endsWith('ss')) return [w];
  if (w.endsWith('ies')) return [w, `${w.slice(0, -3)}y`];
  if (w.endsWith('es')) return [w, w.slice(0, -1), w.slice(0, -2)];
  return [w, w.slice(0, -1)];
}

/** Every word has one of its spellings somewhere in `text`. No words match everything. */
export function matchesWords(text: string, words: readonly (readonly string[])[]): boolean {
  for (const forms of words) {
    let hit = false;
    for (const f of forms) {
      if (text.includes(f)) {
        hit = true;
        break;
      }
    }
    if (!hit) return false;
  }
  return true;
}

/** The items of `index` that match `query`, in their order, optionally within one vault. */
export function searchItems<T extends { vaultId: string }>(
  index: readonly Indexed<T>[],
  query: string,
  vaultId?: string,
): T[] {
  const words = searchWords(query);
  const out: T[] = [];
  for (const { item, text } of index) {
    if (vaultId && item.vaultId !== vaultId) continue;
    if (matchesWords(text, words)) out.push(item);
  }
  return out;
}
