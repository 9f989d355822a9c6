// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Asking for break-glass access: a vault by its label, a reason every member will read, and
// how long the window should be (at most the vault's longest).
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { BreakGlassStatusView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';
import { breakGlassKey } from './queries.ts';
import { policyWords } from './words.ts';

export function RequestForm({
  vaults,
  askFor,
}: {
  vaults: BreakGlassStatusView['vaults'];
  /** Start on this vault with the reason focused: the Secrets screen sent the user here for it. */
  askFor?: string | undefined;
}) {
  const qc = useQueryClient();
  const action = useAction();
  const [vault, setVault] = useState(
    askFor && vaults.some((v) => v.id === askFor) ? askFor : (vaults[0]?.id ?? ''),
  );
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('');
  const chosen = vaults.find((v) => v.id === vault) ?? vaults[0];
  const submit = () =>
    void action.run(async () => {
      await call('breakglass.request', {
        vault: chosen!.id,
        reason: reason.trim(),
        ...(minutes ? { minutes: Number(minutes) } : {}),
      });
      setReason('');
      setMinutes('');
      await qc.invalidateQueries({ queryKey: breakGlassKey });
    });
  return (
    <form
      className="card"
      aria-label="Request break-glass access"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2>Request access</h2>
      <SelectField label="Vault" value={chosen?.id ?? ''} onChange={(e) => setVault(e.target.value)}>
        {vaults.map((v) => (
          <option key={v.id} value={v.id}>
            {v.label}
          </option>
        ))}
      </SelectField>
      {chosen && <p className="muted">{policyWords(chosen.policy)}</p>}
      <Field
        label="Reason"
        value={reason}
        autoFocus={!!askFor}
        maxLength={500}
        required
        onChange={(e) => setReason(e.target.value)}
        hint="Every member of the team can read the reason: say why, and name no secret."
      />
      <Field
        label="Minutes"
        type="number"
        min={1}
        max={chosen?.windowMinutes ?? 1440}
        placeholder={String(chosen?.windowMinutes ?? 60)}
        value={minutes}
        onChange={(e) => setMinutes(e.target.value)}
        hint={`How long you need it; at most ${chosen?.windowMinutes ?? 1440}.`}
      />
      <ErrorAlert error={action.error} />
      <button type="submit" disabled={action.busy || !reason.trim() || !chosen}>
        Request access
      </button>
    </form>
  );
}
