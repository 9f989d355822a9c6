// Process: core (trusted Node side; never imports electron).
// What a shell is shown of an opened item: the layout, the values of text and URL fields and
// the notes. Concealed and TOTP values are left out; they cross one at a time when revealed.
import { fromUtf8 } from '../../../shared/encoding.ts';
import type { ItemView } from '../../../shared/ipc-results.ts';
import { isConcealedKind } from '../../../shared/items.ts';
import type { IndexedItem } from '../vault/index.ts';
import { type ItemContent, type ItemHeader, layoutOf, wipeContent } from '../vault/item-payload.ts';

export function itemView(opened: {
  item: IndexedItem;
  vault: { id: string; name: string };
  header: ItemHeader;
  content: ItemContent;
}): ItemView {
  try {
    const { type, primary } = layoutOf(opened.header);
    return {
      id: opened.item.id,
      vault: opened.vault.name,
      vaultId: opened.vault.id,
      name: opened.header.name,
      type,
      primary,
      version: opened.item.version,
      pending: opened.item.pending,
      fields: opened.content.fields.map((x) => ({
        key: x.key,
        label: x.label,
        kind: x.kind,
        value: isConcealedKind(x.kind) ? null : fromUtf8(x.value),
        empty: x.value.length === 0,
      })),
      notes: opened.content.notes ? fromUtf8(opened.content.notes) : null,
      tags: opened.header.tags ?? [],
      ...(opened.header.rotateEveryDays ? { rotateEveryDays: opened.header.rotateEveryDays } : {}),
      ...(opened.header.expires ? { expires: opened.header.expires } : {}),
      ...(opened.header.generator ? { generator: opened.header.generator } : {}),
      ...(opened.header.conflictOf ? { conflictOf: opened.header.conflictOf } : {}),
      updatedBy: opened.header.updatedBy ?? null,
    };
  } finally {
    wipeContent(opened.content);
  }
}
