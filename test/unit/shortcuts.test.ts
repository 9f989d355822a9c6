// Process: test (vitest, plain Node).
// shared/shortcuts.ts: which key press is which shortcut, how each is written, and that the
// menu's accelerators come from the same table.
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../electron/main/menu.ts';
import { SHORTCUTS, shortcut, shortcutLabel, shortcutOf } from '../../shared/shortcuts.ts';

const press = (
  key: string,
  mods: Partial<{ ctrl: boolean; meta: boolean; alt: boolean; shift: boolean }> = {},
) => ({
  key,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  altKey: !!mods.alt,
  shiftKey: !!mods.shift,
});

describe('shortcutOf', () => {
  it('knows each shortcut with Ctrl or Cmd', () => {
    expect(shortcutOf(press('l', { ctrl: true }))).toBe('lock');
    expect(shortcutOf(press('l', { meta: true }))).toBe('lock');
    expect(shortcutOf(press('f', { ctrl: true }))).toBe('search');
    expect(shortcutOf(press('C', { ctrl: true, shift: true }))).toBe('copy');
    expect(shortcutOf(press('c', { meta: true, shift: true }))).toBe('copy');
  });

  it('leaves plain keys, Alt combinations and ordinary copy alone', () => {
    expect(shortcutOf(press('l'))).toBeNull();
    expect(shortcutOf(press('f', { shift: true }))).toBeNull();
    expect(shortcutOf(press('l', { ctrl: true, alt: true }))).toBeNull();
    expect(shortcutOf(press('c', { ctrl: true }))).toBeNull();
    expect(shortcutOf(press('L', { ctrl: true, shift: true }))).toBeNull();
    expect(shortcutOf(press('x', { ctrl: true }))).toBeNull();
  });
});

describe('shortcutLabel', () => {
  it('writes Ctrl off a Mac and the symbols on one', () => {
    expect(shortcutLabel('copy', false)).toBe('Ctrl+Shift+C');
    expect(shortcutLabel('lock', false)).toBe('Ctrl+L');
    expect(shortcutLabel('copy', true)).toBe('⌘⇧C');
    expect(shortcutLabel('search', true)).toBe('⌘F');
  });

  it('every accelerator says what the matcher matches', () => {
    for (const s of SHORTCUTS) {
      expect(s.accelerator).toBe(`CmdOrCtrl+${s.shift ? 'Shift+' : ''}${s.key.toUpperCase()}`);
    }
  });
});

describe('the menu', () => {
  it('uses the same accelerators as the page', () => {
    const vault = menuTemplate({
      isMac: false,
      developer: false,
      lock: () => {},
      focusSearch: () => {},
    }).find((m) => m.label === 'Vault');
    const items = vault?.submenu as { label?: string; accelerator?: string }[];
    expect(items.find((i) => i.label === 'Lock')?.accelerator).toBe(shortcut('lock').accelerator);
    expect(items.find((i) => i.label === 'Search')?.accelerator).toBe(shortcut('search').accelerator);
  });
});
