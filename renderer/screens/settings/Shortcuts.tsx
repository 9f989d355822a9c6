// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Where the keyboard shortcuts are written down, from the same table the page and the menu use.
import { SHORTCUTS } from '../../../shared/shortcuts.ts';
import { keysFor } from '../../app/shortcuts.ts';

export function Shortcuts() {
  return (
    <section aria-labelledby="shortcuts-h" className="panel settings">
      <h2 id="shortcuts-h">Keyboard shortcuts</h2>
      <table className="shortcuts" aria-labelledby="shortcuts-h">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.name}>
              <td>
                <kbd>{keysFor(s.name)}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>/</kbd>
            </td>
            <td>Search secrets, when not typing in a field</td>
          </tr>
          <tr>
            <td>
              <kbd>↑</kbd> <kbd>↓</kbd> <kbd>Enter</kbd>
            </td>
            <td>Move through the secrets list; open the selected secret</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
