// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A key fingerprint, shown in a monospace block so two people can read it to each other
// group by group without mixing up characters.
export function Fingerprint({ value, label }: { value: string | null; label: string }) {
  return (
    <dl className="fingerprint-block">
      <dt className="fingerprint-label">{label}</dt>
      <dd>
        <code className="fingerprint">{value ?? 'not available yet'}</code>
      </dd>
    </dl>
  );
}
