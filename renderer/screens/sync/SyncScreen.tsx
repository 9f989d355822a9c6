// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Placeholder while the screen is built.
export function SyncScreen() {
  return <h1>Sync</h1>;
}
