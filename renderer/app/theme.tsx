// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Applies the user's theme choice to the page. 'system' leaves the choice to the
// prefers-color-scheme media query in styles.css; light and dark pin the CSS variables.
import { useEffect } from 'react';
import { useSettings } from './queries.ts';

export function applyTheme(theme: 'system' | 'light' | 'dark'): void {
  document.documentElement.dataset.theme = theme;
}

export function ThemeApplier() {
  const { data } = useSettings();
  const theme = data?.theme;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);
  return null;
}
