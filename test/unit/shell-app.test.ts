// Process: test.
// The smaller shell pieces: the menu's Lock and Search items, the pre-ready process
// settings (profile folder, crash dumps, sandbox), and the quit path that waits for the
// clipboard clear and the embedded server. FAKE app objects record what the shell did.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { menuTemplate } from '../../electron/main/menu.ts';
import { hardenProcess, profilePaths } from '../../electron/main/process-hardening.ts';
import { holdQuitFor } from '../../electron/main/quit.ts';

const base = mkdtempSync(join(tmpdir(), 'tessera-shell-app-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? items(m.submenu) : [])]);
}

describe('application menu', () => {
  it('has Lock on CmdOrCtrl+L and Search on CmdOrCtrl+F', () => {
    const done: string[] = [];
    const all = items(
      menuTemplate({
        isMac: false,
        developer: false,
        lock: () => done.push('lock'),
        focusSearch: () => done.push('search'),
      }),
    );
    const lock = all.find((i) => i.label === 'Lock')!;
    const search = all.find((i) => i.label === 'Search')!;
    expect(lock.accelerator).toBe('CmdOrCtrl+L');
    expect(search.accelerator).toBe('CmdOrCtrl+F');
    (lock.click as () => void)();
    (search.click as () => void)();
    expect(done).toEqual(['lock', 'search']);
  });

  it('offers reload and developer tools only in a developer build, and an Edit menu always', () => {
    const roles = (developer: boolean, isMac = false) =>
      items(menuTemplate({ isMac, developer, lock: () => {}, focusSearch: () => {} })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(true)).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
    expect(roles(false)).toContain('editMenu');
    expect(roles(false, true)).toContain('appMenu');
  });
});

describe('process hardening', () => {
  it('puts the profile, Chromium data and crash dumps in a private profile folder, and sandboxes every renderer', () => {
    const calls: string[] = [];
    /** FAKE Electron app. */
    const app = {
      setPath: (name: string, path: string) => calls.push(`setPath ${name} ${path}`),
      enableSandbox: () => calls.push('enableSandbox'),
      commandLine: { appendSwitch: (name: string) => calls.push(`switch ${name}`) },
    };
    const dir = join(base, 'profile');
    const paths = profilePaths(dir);
    hardenProcess(app, paths, 'linux');
    expect(calls).toEqual([
      `setPath userData ${dir}`,
      `setPath sessionData ${join(dir, 'window')}`,
      `setPath crashDumps ${join(dir, 'crash-dumps')}`,
      'switch disable-crash-reporter',
      'switch disable-breakpad',
      'enableSandbox',
    ]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(paths.serverData).toBe(join(dir, 'server-data'));
  });
});

describe('quit', () => {
  /** FAKE Electron app for the quit sequence. */
  class FakeApp extends EventEmitter {
    quits = 0;
    quit() {
      this.quits++;
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      this.emit('will-quit', event);
      return event.prevented;
    }
  }

  it('holds the first quit until the tasks are done, then quits for real', async () => {
    const app = new FakeApp();
    let finish: () => void = () => {};
    const task = new Promise<void>((resolve) => (finish = resolve));
    let started = 0;
    holdQuitFor(app, () => {
      started++;
      return [task];
    });
    expect(app.quit()).toBe(true);
    expect(app.quit()).toBe(true);
    expect(started).toBe(1);
    finish();
    await new Promise((r) => setTimeout(r, 0));
    expect(app.quits).toBe(3);
  });

  it('quits anyway when a task hangs past the limit', async () => {
    const app = new FakeApp();
    holdQuitFor(app, () => [new Promise(() => {})], 20);
    app.quit();
    await new Promise((r) => setTimeout(r, 60));
    expect(app.quits).toBe(2);
  });
});
