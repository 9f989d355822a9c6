// Process: test.
// The window opens where it was left (electron/main/window-state.ts), but only on a display
// that is still there. The store is a real `conf` store in a temp folder (the engine under
// electron-store, which itself needs Electron). Electron's screen and BrowserWindow cannot
// run here, so a FAKE screen lists the displays and a FAKE window reports its bounds.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { Timers } from '../../electron/core/desktop/auto-lock.ts';
import { type Rect, SHELL_STORE_DEFAULTS, type ShellStoreData } from '../../electron/main/shell-store.ts';
import { createMainWindow } from '../../electron/main/window.ts';
import { DEFAULT_WINDOW_SIZE, fitsWithin, WindowStateService } from '../../electron/main/window-state.ts';

const base = mkdtempSync(join(tmpdir(), 'tessera-window-state-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
function store(dir = join(base, String(n++))) {
  return {
    dir,
    store: new Conf<ShellStoreData>({
      cwd: dir,
      configName: 'shell',
      defaults: SHELL_STORE_DEFAULTS,
      clearInvalidConfig: true,
    }),
  };
}

/** FAKE screen: the displays connected "now". */
function screen(...workAreas: Rect[]) {
  return {
    getAllDisplays: () => workAreas.map((workArea) => ({ workArea })),
    getPrimaryDisplay: () => ({ workArea: workAreas[0]! }),
  };
}

/** FAKE BrowserWindow: bounds and states the test sets, events the test emits. */
class FakeWindow extends EventEmitter {
  bounds: Rect = { x: 100, y: 80, width: 1000, height: 700 };
  maximized = false;
  minimized = false;
  fullScreen = false;
  maximizeCalls = 0;
  getNormalBounds() {
    return { ...this.bounds };
  }
  isMaximized() {
    return this.maximized;
  }
  isMinimized() {
    return this.minimized;
  }
  isFullScreen() {
    return this.fullScreen;
  }
  maximize() {
    this.maximizeCalls++;
    this.maximized = true;
  }
}

/** Manual timers: the test runs the pending save itself. */
function manualTimers() {
  let pending: (() => void) | null = null;
  const timers: Timers = {
    setTimeout: (fn) => {
      pending = fn;
      return 1;
    },
    clearTimeout: () => {
      pending = null;
    },
  };
  return { timers, run: () => pending?.(), isPending: () => pending !== null };
}

const laptop: Rect = { x: 0, y: 0, width: 1440, height: 875 };
const external: Rect = { x: 1440, y: -200, width: 2560, height: 1415 };

describe('window state', () => {
  it('opens at the default size, centred, the first time', () => {
    const s = new WindowStateService(store().store, screen(laptop), manualTimers().timers);
    expect(s.placement()).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it('saves the bounds when the window closes and reopens there, in a new process', () => {
    const { dir, store: first } = store();
    const s = new WindowStateService(first, screen(laptop, external), manualTimers().timers);
    const win = new FakeWindow();
    s.track(win, s.placement());
    win.bounds = { x: 1600, y: 0, width: 1300, height: 900 };
    win.emit('close');

    // A new store on the same folder stands for the next launch.
    const again = new WindowStateService(store(dir).store, screen(laptop, external), manualTimers().timers);
    expect(again.placement()).toEqual({ x: 1600, y: 0, width: 1300, height: 900, maximized: false });
  });

  it('saves once moving and resizing stop, not on every event', () => {
    const { store: st } = store();
    const t = manualTimers();
    const s = new WindowStateService(st, screen(laptop), t.timers);
    const win = new FakeWindow();
    s.track(win, s.placement());
    for (let i = 0; i < 5; i++) {
      win.bounds = { ...win.bounds, x: 100 + i };
      win.emit('move');
    }
    expect(st.get('window').bounds).toBeNull();
    expect(t.isPending()).toBe(true);
    t.run();
    expect(st.get('window').bounds).toEqual({ ...win.bounds, x: 104 });
  });

  it('reopens maximised with the normal bounds kept for unmaximise', () => {
    const { dir, store: st } = store();
    const t = manualTimers();
    const s = new WindowStateService(st, screen(laptop), t.timers);
    const win = new FakeWindow();
    s.track(win, s.placement());
    win.maximized = true;
    win.emit('maximize');
    t.run();

    const next = new WindowStateService(store(dir).store, screen(laptop), t.timers);
    const placement = next.placement();
    expect(placement).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
    const reopened = new FakeWindow();
    next.track(reopened, placement);
    expect(reopened.maximizeCalls).toBe(1);
  });

  it('keeps the last normal state when closed minimised or full screen', () => {
    const { store: st } = store();
    const s = new WindowStateService(st, screen(laptop), manualTimers().timers);
    const win = new FakeWindow();
    s.track(win, s.placement());
    win.emit('close');
    const saved = st.get('window');
    win.minimized = true;
    win.bounds = { x: -32000, y: -32000, width: 160, height: 28 };
    win.emit('close');
    win.minimized = false;
    win.fullScreen = true;
    win.emit('close');
    expect(st.get('window')).toEqual(saved);
  });

  it('does not open off-screen when the monitor it was on is unplugged: same size, on the primary display', () => {
    const { dir, store: st } = store();
    st.set('window', { bounds: { x: 2000, y: 100, width: 1200, height: 800 }, maximized: false });
    // Both monitors connected: restored exactly.
    expect(new WindowStateService(st, screen(laptop, external), manualTimers().timers).placement()).toEqual({
      x: 2000,
      y: 100,
      width: 1200,
      height: 800,
      maximized: false,
    });
    // The external one is gone: no x/y (Electron centres it), the size still fits the laptop.
    const unplugged = new WindowStateService(store(dir).store, screen(laptop), manualTimers().timers);
    expect(unplugged.placement()).toEqual({ width: 1200, height: 800, maximized: false });
  });

  it('falls back to the default size when the saved one no longer fits any display', () => {
    const { store: st } = store();
    st.set('window', { bounds: { x: 1500, y: 0, width: 2400, height: 1300 }, maximized: true });
    const s = new WindowStateService(st, screen(laptop), manualTimers().timers);
    expect(s.placement()).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: true });
  });

  it('counts a window snapped to the screen edge as fitting, but not one half off it', () => {
    expect(fitsWithin({ x: -7, y: 0, width: 727, height: 875 }, laptop)).toBe(true);
    expect(fitsWithin({ x: -400, y: 0, width: 800, height: 600 }, laptop)).toBe(false);
    expect(fitsWithin({ x: 0, y: 700, width: 800, height: 600 }, laptop)).toBe(false);
    expect(fitsWithin({ x: 1440, y: 0, width: 800, height: 600 }, laptop)).toBe(false);
  });

  it('ignores a hand-edited or broken file', () => {
    const { dir, store: st } = store();
    st.set('window', { bounds: { x: 'left', y: 0, width: -5, height: 10 }, maximized: 'yes' } as never);
    expect(new WindowStateService(st, screen(laptop), manualTimers().timers).placement()).toEqual({
      ...DEFAULT_WINDOW_SIZE,
      maximized: false,
    });
    writeFileSync(join(dir, 'shell.json'), '{ not json');
    expect(
      new WindowStateService(store(dir).store, screen(laptop), manualTimers().timers).placement(),
    ).toEqual({
      ...DEFAULT_WINDOW_SIZE,
      maximized: false,
    });
  });

  it('builds the window at the placement: x and y only when there are some', () => {
    /** FAKE BrowserWindow: keeps its options; the guards' webContents calls are no-ops. */
    class Built extends EventEmitter {
      static options: BrowserWindowConstructorOptions[] = [];
      readonly webContents = Object.assign(new EventEmitter(), {
        setWindowOpenHandler() {},
        loadURL: async () => {},
      });
      constructor(options: BrowserWindowConstructorOptions) {
        super();
        Built.options.push(options);
      }
      show() {}
    }
    const make = (bounds?: { x?: number; y?: number; width: number; height: number }) =>
      createMainWindow({ BrowserWindow: Built, preload: '/p.cjs', devTools: false, bounds });
    make({ x: 1600, y: 10, width: 1300, height: 900 });
    make({ width: 1200, height: 800 });
    make();
    expect(Built.options.map(({ x, y, width, height }) => ({ x, y, width, height }))).toEqual([
      { x: 1600, y: 10, width: 1300, height: 900 },
      { x: undefined, y: undefined, width: 1200, height: 800 },
      { x: undefined, y: undefined, ...DEFAULT_WINDOW_SIZE },
    ]);
  });
});
