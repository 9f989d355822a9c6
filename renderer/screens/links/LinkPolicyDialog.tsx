// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A vault's one-time link policy, for team admins (shared/roles.ts `link.admin`, the server's
// rule too): forbid links from the vault, or cap how long they live. The server keeps it and
// enforces it when a link is made; links made before keep their own expiry.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import type { LinkPolicyView, VaultView } from '../../../shared/ipc-results.ts';
import { describeLifetime, describePolicy, LINK_POLICY_CAPS } from '../../../shared/link-words.ts';
import { LINK_MAX_EXPIRY_SECONDS } from '../../../shared/links.ts';
import { call } from '../../bridge.ts';
import { keys, useLinkPolicy } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { SelectField } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

const NO_CAP = 'none';

export function LinkPolicyDialog({ vault, onClose }: { vault: VaultView; onClose(): void }) {
  const policy = useLinkPolicy(vault.id);
  return (
    <Dialog title={`Link policy for ${vault.name}`} onClose={onClose}>
      {policy.isPending && <p className="muted">Loading…</p>}
      <ErrorAlert error={policy.error?.message} />
      {policy.data && <PolicyForm vault={vault} policy={policy.data} onClose={onClose} />}
      {!policy.data && (
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      )}
    </Dialog>
  );
}

function PolicyForm({
  vault,
  policy,
  onClose,
}: {
  vault: VaultView;
  policy: LinkPolicyView;
  onClose(): void;
}) {
  const qc = useQueryClient();
  const action = useAction();
  const [allowed, setAllowed] = useState(policy.linksAllowed);
  const [cap, setCap] = useState(policy.maxExpirySeconds === null ? NO_CAP : String(policy.maxExpirySeconds));
  // A refetch that lands after the form showed is the server's word; take it while untouched.
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (touched) return;
    setAllowed(policy.linksAllowed);
    setCap(policy.maxExpirySeconds === null ? NO_CAP : String(policy.maxExpirySeconds));
  }, [policy, touched]);

  const caps: number[] = [...LINK_POLICY_CAPS];
  if (policy.maxExpirySeconds !== null && !caps.includes(policy.maxExpirySeconds))
    caps.push(policy.maxExpirySeconds);
  caps.sort((a, b) => a - b);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await call('link.setPolicy', {
        vault: vault.id,
        linksAllowed: allowed,
        maxExpirySeconds: cap === NO_CAP ? null : Number(cap),
      });
      await qc.invalidateQueries({ queryKey: keys.linkPolicy(vault.id) });
      onClose();
    });
  };

  return (
    <form onSubmit={submit}>
      <p className="muted">Now: {describePolicy(policy)}</p>
      <label className="check">
        <input
          type="checkbox"
          checked={allowed}
          onChange={(e) => {
            setTouched(true);
            setAllowed(e.target.checked);
          }}
        />{' '}
        Allow one-time links from this vault
      </label>
      <SelectField
        label="Longest a link may live"
        value={cap}
        disabled={!allowed}
        onChange={(e) => {
          setTouched(true);
          setCap(e.target.value);
        }}
      >
        <option value={NO_CAP}>{describeLifetime(LINK_MAX_EXPIRY_SECONDS)} (no limit of its own)</option>
        {caps.map((s) => (
          <option key={s} value={String(s)}>
            {describeLifetime(s)}
          </option>
        ))}
      </SelectField>
      <p className="hint">
        Applies to links made from now on; links made before keep their expiry and can be revoked on My links.
      </p>
      <ErrorAlert error={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
      </div>
    </form>
  );
}
