// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Placeholder while the screen is built.
export function SecretsScreen() {
  return <h1>Secrets</h1>;
}
