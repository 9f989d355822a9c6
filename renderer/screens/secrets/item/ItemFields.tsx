// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Every field of the open item, with its notes and tags. The layout comes from secret.show,
// which carries no concealed value; each concealed row asks for its own when revealed. The
// expiry is shown here, where the item's own data is; the interval is in the pane's header line.
import type { ItemView } from '../../../../shared/ipc-results.ts';
import { FieldRow } from './FieldRow.tsx';

interface Props {
  secretRef: string;
  item: ItemView;
  onCopy(field: string): void;
}

export function ItemFields({ secretRef, item, onCopy }: Props) {
  return (
    <>
      <ul className="field-list" aria-label="Fields">
        {item.fields.map((f) => (
          <FieldRow
            key={f.key}
            secretRef={secretRef}
            version={item.version}
            field={f}
            primary={f.key === item.primary}
            onCopy={onCopy}
          />
        ))}
      </ul>
      {item.notes && (
        <section aria-label="Notes">
          <h3>Notes</h3>
          <p className="notes">{item.notes}</p>
        </section>
      )}
      {item.expires && <p className="muted">Expires on {item.expires}</p>}
      {item.tags.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {item.tags.map((t) => (
            <li key={t} className="badge tag">
              {t}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
