// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Share as link: the core encrypts the chosen fields under a fresh key that exists only in the
// URL it hands back (docs/design.md "One-time links"). That URL is the one thing in the window
// that opens a secret by itself, so it lives in this dialog's state alone (never the query
// cache), is copied through the core so the clipboard is cleared like a secret's, and goes
// away when the dialog closes. The passphrase is dropped from state as soon as it was sent.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { CreatedLinkView, ItemView, LinkPolicyView } from '../../../shared/ipc-results.ts';
import {
  defaultExpiry,
  describeLifetime,
  describePolicy,
  expiryChoices,
} from '../../../shared/link-words.ts';
import { LINK_MAX_VIEWS } from '../../../shared/links.ts';
import { plural } from '../../../shared/words.ts';
import { call } from '../../bridge.ts';
import { keys } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';
import { CopyStatus, useCopyState } from '../secrets/CopyStatus.tsx';

interface Props {
  secretRef: string;
  item: ItemView;
  policy: LinkPolicyView;
  onClose(): void;
}

export function ShareLinkDialog({ secretRef, item, policy, onClose }: Props) {
  const qc = useQueryClient();
  const action = useAction();
  const copy = useCopyState();
  const [fields, setFields] = useState<string[]>([item.primary]);
  const [passphrase, setPassphrase] = useState('');
  const [expiry, setExpiry] = useState(() => defaultExpiry(policy.maxExpirySeconds));
  const [views, setViews] = useState('1');
  const [created, setCreated] = useState<CreatedLinkView | null>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  // The Create button that had focus is gone with the form; the next thing to do is copy.
  useEffect(() => {
    if (created) copyButton.current?.focus();
  }, [created]);
  const choices = expiryChoices(policy.maxExpirySeconds);
  const viewCount = Number(views);
  const viewsOk = Number.isInteger(viewCount) && viewCount >= 1 && viewCount <= LINK_MAX_VIEWS;

  const close = () => {
    setCreated(null);
    setPassphrase('');
    onClose();
  };

  const toggle = (key: string, on: boolean) =>
    setFields((now) =>
      on
        ? item.fields.map((f) => f.key).filter((k) => k === key || now.includes(k))
        : now.filter((k) => k !== key),
    );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const made = await call('link.create', {
        ref: secretRef,
        fields,
        ...(passphrase ? { passphrase } : {}),
        expiresInSeconds: expiry,
        views: viewCount,
      });
      setPassphrase('');
      setCreated(made);
      await qc.invalidateQueries({ queryKey: keys.links });
    });
  };

  const copyLink = (url: string) =>
    void action.run(async () => {
      const r = await call('link.copy', { url });
      copy.copied('the link', r.clearsInSeconds);
    });

  if (created) {
    return (
      // A dialog of its own: Escape here closes at once instead of asking about what was typed
      // in the form, which is gone.
      <Dialog key="created" title={`Link to ${item.name}`} onClose={close} wide>
        <p role="status" className="ok">
          Link created: it allows {plural(created.views, 'view')} and expires{' '}
          {new Date(created.expiresAt).toLocaleString()}.
        </p>
        <Field
          label="Link"
          className="mono"
          value={created.url}
          readOnly
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
        <div className="button-row">
          <button
            type="button"
            className="primary"
            disabled={action.busy}
            onClick={() => copyLink(created.url)}
            ref={copyButton}
          >
            Copy link
          </button>
        </div>
        <CopyStatus state={copy.state} />
        <ErrorAlert error={action.error} />
        <div className="notice">
          <p>
            Whoever has this link can open it{created.passphrase ? ' with the passphrase' : ''}, until it is
            used up or expires. Send it only to the person it is for, and revoke it on My links if it went
            astray.
          </p>
          {created.passphrase && <p>Tell them the passphrase another way than the link.</p>}
          <p>Tessera shows the link only now: copy it before you close this.</p>
        </div>
        <div className="actions">
          <button type="button" onClick={close}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog key="form" title={`Share ${item.name} as a link`} onClose={close} wide>
      <p className="muted">
        For someone outside the team. The link carries the fields you pick, encrypted with a key that is part
        of the link itself, so the team server cannot read them.
      </p>
      <form onSubmit={submit}>
        <fieldset className="field">
          <legend>Fields to include</legend>
          {item.fields.map((f) => (
            <label key={f.key} className="check">
              <input
                type="checkbox"
                checked={fields.includes(f.key)}
                onChange={(e) => toggle(f.key, e.target.checked)}
              />{' '}
              {f.label}
              {f.empty ? <span className="muted"> (empty)</span> : null}
            </label>
          ))}
        </fieldset>
        <Field
          label="Passphrase (optional)"
          type="password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          autoComplete="new-password"
          hint="They will have to type it as well. Tell it to them another way than the link."
        />
        <SelectField label="Expires after" value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
          {choices.map((s) => (
            <option key={s} value={s}>
              {describeLifetime(s)}
            </option>
          ))}
        </SelectField>
        <p className="hint">{describePolicy(policy)}</p>
        <Field
          label="Views"
          type="number"
          min={1}
          max={LINK_MAX_VIEWS}
          step={1}
          value={views}
          onChange={(e) => setViews(e.target.value)}
          hint="How many times it can be opened. A wrong passphrase uses up a view too."
        />
        <ErrorAlert error={action.error} />
        <div className="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy || fields.length === 0 || !viewsOk}>
            {action.busy ? 'Creating…' : 'Create link'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
