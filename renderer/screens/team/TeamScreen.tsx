// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Placeholder while the screen is built.
export function TeamScreen() {
  return <h1>Team</h1>;
}
