// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Applies the user's theme choice to the page. 'system' is resolved here, and again whenever
// the OS switches, so styles.css defines the dark palette once, under [data-theme="dark"].
import { useEffect } from 'react';
import { useSettings } from './queries.ts';

type Theme = 'system' | 'light' | 'dark';
const osDark = window.matchMedia('(prefers-color-scheme: dark)');
let chosen: Theme = 'system';

export function applyTheme(theme: Theme): void {
  chosen = theme;
  document.documentElement.dataset.theme = theme === 'system' ? (osDark.matches ? 'dark' : 'light') : theme;
}

osDark.addEventListener('change', () => applyTheme(chosen));
// Before the settings arrive, follow the OS rather than flash the light palette.
applyTheme('system');

export function ThemeApplier() {
  const { data } = useSettings();
  const theme = data?.theme;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);
  return null;
}
