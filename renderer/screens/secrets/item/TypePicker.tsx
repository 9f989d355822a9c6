// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Which kind of item this is. The choice lays out that type's standard fields (shared/items.ts);
// on a stored item the core adds the fields the new type lacks and drops none, and so does the
// form, which the hint says before anyone wonders where a field went.
import { ITEM_TEMPLATES, ITEM_TYPES, type ItemType, isItemType } from '../../../../shared/items.ts';
import { SelectField } from '../../../components/Field.tsx';

interface Props {
  value: ItemType;
  stored: boolean;
  onChange(type: ItemType): void;
}

export function TypePicker({ value, stored, onChange }: Props) {
  return (
    <div className="type-picker">
      <SelectField
        label="Type"
        value={value}
        onChange={(e) => {
          if (isItemType(e.target.value)) onChange(e.target.value);
        }}
      >
        {ITEM_TYPES.map((t) => (
          <option key={t} value={t}>
            {ITEM_TEMPLATES[t].label}
          </option>
        ))}
      </SelectField>
      {stored && <small className="hint">A new type adds its fields; no field is dropped.</small>}
    </div>
  );
}
