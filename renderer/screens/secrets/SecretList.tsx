// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The secret list, virtualized so 10,000 rows cost the same as 30: only the visible rows
// exist in the DOM. It is one focusable listbox; arrow keys move the selection
// (aria-activedescendant), Enter opens the selected secret's actions.
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, memo, useEffect, useId, useRef } from 'react';
import type { SecretView } from '../../../shared/ipc-results.ts';

const ROW_HEIGHT = 44;

interface Props {
  items: readonly SecretView[];
  selectedId: string | null;
  onSelect(id: string): void;
  onOpen(): void;
}

export const SecretList = memo(function SecretList({ items, selectedId, onSelect, onOpen }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const baseId = useId();
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => items[i]?.id ?? i,
  });
  const selectedIndex = selectedId ? items.findIndex((s) => s.id === selectedId) : -1;

  // Keep the selected row in view when the selection or the filter changes.
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const move = (to: number) => {
    if (items.length === 0) return;
    const i = Math.max(0, Math.min(items.length - 1, to));
    const s = items[i];
    if (s) onSelect(s.id);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const from = selectedIndex;
    switch (e.key) {
      case 'ArrowDown':
        move(from + 1);
        break;
      case 'ArrowUp':
        move(from < 0 ? 0 : from - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(items.length - 1);
        break;
      case 'PageDown':
        move(from + page);
        break;
      case 'PageUp':
        move(from - page);
        break;
      case 'Enter':
        if (selectedIndex >= 0) onOpen();
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const optionId = (i: number) => `${baseId}-opt-${i}`;
  const virtualRows = virtualizer.getVirtualItems();
  const activeRendered = selectedIndex >= 0 && virtualRows.some((r) => r.index === selectedIndex);

  return (
    <div
      ref={scrollRef}
      className="listbox"
      role="listbox"
      aria-label="Secrets"
      tabIndex={0}
      aria-activedescendant={activeRendered ? optionId(selectedIndex) : undefined}
      onKeyDown={onKeyDown}
    >
      <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualRows.map((row) => {
          const s = items[row.index];
          if (!s) return null;
          return (
            // Options are reached through aria-activedescendant on the focusable listbox (the
            // WAI-ARIA listbox pattern), so they take no focus and their keys live there.
            // biome-ignore lint/a11y/useFocusableInteractive: see above
            // biome-ignore lint/a11y/useKeyWithClickEvents: see above
            <div
              key={row.key}
              id={optionId(row.index)}
              role="option"
              aria-selected={s.id === selectedId}
              aria-label={s.name}
              aria-setsize={items.length}
              aria-posinset={row.index + 1}
              className="option"
              style={{ top: row.start, height: row.size }}
              onClick={() => {
                onSelect(s.id);
                scrollRef.current?.focus({ preventScroll: true });
              }}
              onDoubleClick={onOpen}
            >
              <span className="name">{s.name}</span>
              <span className="vault">{s.vault}</span>
              {s.pending && <span className="badge pending">not synced</span>}
              {s.conflictOf && <span className="badge conflict">conflict</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
});
