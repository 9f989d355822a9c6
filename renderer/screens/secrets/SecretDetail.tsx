// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// One secret: reveal (for 30 s), copy (straight from the core to the clipboard), every field
// with its own Copy and Reveal (item/), history,
// and, only for those who may write in its vault, edit and delete. A viewer never sees the
// write buttons at all; the role table in shared/roles.ts decides.
import { type Ref, useState } from 'react';
import type { SecretView, SyncView, VaultView } from '../../../shared/ipc-results.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { call, errorText } from '../../bridge.ts';
import { ShareLinkButton } from '../links/ShareLinkButton.tsx';
import { FlagForRotation } from '../due/FlagForRotation.tsx';
import { type CopyState, CopyStatus } from './CopyStatus.tsx';
import { History } from './History.tsx';
import { ItemFields } from './item/ItemFields.tsx';
import { useItem } from './item/useItem.ts';
import { refOf } from './refs.ts';
import { useReveal } from './useReveal.ts';
import { BreakGlassTag } from './BreakGlassVaults.tsx';

interface Props {
  secret: SecretView;
  vault: VaultView | undefined;
  copyState: CopyState;
  onCopied(name: string, seconds: number): void;
  onEdit(): void;
  onDelete(): void;
  onMove(): void;
  /** A change made from the pane itself (a restore). */
  onChanged(result: SyncView): void;
  headingRef?: Ref<HTMLHeadingElement>;
}

const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);

export function SecretDetail(props: Props) {
  const { secret, vault, copyState, onCopied, onEdit, onDelete, onMove, onChanged, headingRef } = props;
  const ref = refOf(secret);
  const reveal = useReveal(ref, secret.version);
  const { item, error: itemError } = useItem(ref, secret.version);
  const [showHistory, setShowHistory] = useState(false);
  const [copyError, setCopyError] = useState<string | null>(null);
  const canWrite = mayInVault(vault?.role, 'item.write');

  const copy = async (field?: string) => {
    setCopyError(null);
    try {
      const r = await call('secret.copy', field ? { ref, field } : { ref });
      const label = field && item?.fields.find((f) => f.key === field)?.label;
      onCopied(label ? `${secret.name} ${label}` : secret.name, r.clearsInSeconds);
    } catch (e) {
      setCopyError(errorText(e));
    }
  };

  return (
    <section className="detail" aria-labelledby="secret-detail-h">
      <h2 id="secret-detail-h" ref={headingRef} tabIndex={-1}>
        {secret.name}
      </h2>
      <p className="muted">
        {secret.vault}
        {vault?.breakGlass && (
          <>
            {' '}
            <BreakGlassTag />
          </>
        )}{' '}
        · v{secret.version}
        {secret.rotateEveryDays ? <span> · Rotate every {days(secret.rotateEveryDays)}</span> : null}{' '}
        {secret.pending && <span className="badge pending">not synced</span>}{' '}
        {secret.conflictOf && <span className="badge conflict">conflict</span>}
      </p>
      {secret.conflictOf && (
        <p className="notice">
          This is a conflict copy: two edits crossed. Choose which value to keep on the Sync screen.
        </p>
      )}
      <div className="button-row">
        <button type="button" className="primary" onClick={reveal.toggle}>
          {reveal.value === null ? 'Reveal' : 'Hide'}
        </button>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" aria-expanded={showHistory} onClick={() => setShowHistory((s) => !s)}>
          History
        </button>
        <ShareLinkButton secretRef={ref} vault={vault} item={item} onOpen={reveal.hide} />
        {canWrite && (
          <>
            <button
              type="button"
              onClick={() => {
                reveal.hide();
                onEdit();
              }}
            >
              Edit
            </button>
            <button type="button" onClick={onMove}>
              Rename or move
            </button>
            <button type="button" className="danger" onClick={onDelete}>
              Delete
            </button>
          </>
        )}
      </div>
      <FlagForRotation secretRef={ref} name={secret.name} vault={vault} />
      {reveal.value !== null && (
        <output className="value" aria-label="Secret value" aria-live="off">
          {reveal.value}
        </output>
      )}
      {reveal.value !== null && <p className="hint">Hidden again after 30 seconds.</p>}
      {reveal.error && (
        <p role="alert" className="alert">
          {reveal.error}
        </p>
      )}
      {copyError && (
        <p role="alert" className="alert">
          {copyError}
        </p>
      )}
      <CopyStatus state={copyState} />
      {item && <ItemFields secretRef={ref} item={item} onCopy={(f) => void copy(f)} />}
      {itemError && (
        <p role="alert" className="alert">
          {itemError}
        </p>
      )}
      {showHistory && (
        <History
          secretRef={ref}
          version={secret.version}
          canWrite={canWrite}
          onRestored={(r) => {
            reveal.hide();
            onChanged(r);
          }}
        />
      )}
    </section>
  );
}
