// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Placeholder while the screen is built.
export function SettingsScreen() {
  return <h1>Settings</h1>;
}
