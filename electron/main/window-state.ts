// Process: main (Electron main process).
// The window opens where it was left: same size, same place, maximised if it was. Saved
// bounds are used only if they still fit on a display that is connected now, so a window
// last seen on a monitor that was unplugged (or a laptop's external screen at another desk)
// does not open off-screen: it keeps its size and opens centred on the primary display
// instead, or at the default size if it no longer fits there either. Electron's screen and
// the window come in as parameters, so this is tested in plain Node.
import type { Timers } from '../core/desktop/auto-lock.ts';
import { type Rect, readSavedWindow, type ShellStore } from './shell-store.ts';

export interface DisplayLike {
  /** The display's area less the taskbar, dock or menu bar, in screen coordinates. */
  readonly workArea: Rect;
}

export interface ScreenLike {
  getAllDisplays(): DisplayLike[];
  getPrimaryDisplay(): DisplayLike;
}

export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  /** The bounds the window has when not maximised, minimised or full screen. */
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isFullScreen(): boolean;
  maximize(): void;
}

/** What the window is built with: x and y only when the saved place is on a display. */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_SIZE = { width: 1180, height: 760 } as const;

/** Window frames and shadows may stick out of the work area by a few pixels (a window snapped
 *  to a screen edge on Windows sits at x = -7); that much still counts as fitting. */
const SLACK = 16;

/** Whether `bounds` lie within `area`, give or take the frame's few pixels. */
export function fitsWithin(bounds: Rect, area: Rect, slack = SLACK): boolean {
  return (
    bounds.x >= area.x - slack &&
    bounds.y >= area.y - slack &&
    bounds.x + bounds.width <= area.x + area.width + slack &&
    bounds.y + bounds.height <= area.y + area.height + slack
  );
}

export class WindowStateService {
  private pending: unknown = null;

  constructor(
    private readonly store: ShellStore,
    private readonly screen: ScreenLike,
    private readonly timers: Timers,
    /** Moves and resizes come in a stream while dragging; one write after they stop. */
    private readonly saveDelayMs = 500,
  ) {}

  /** Where the window should open, from the saved state and the displays connected now. */
  placement(): WindowPlacement {
    const { bounds, maximized } = readSavedWindow(this.store);
    if (!bounds) return { ...DEFAULT_WINDOW_SIZE, maximized };
    if (this.screen.getAllDisplays().some((d) => fitsWithin(bounds, d.workArea)))
      return { ...bounds, maximized };
    // The display it was on is gone: keep the size if the primary display can hold it, and let
    // Electron centre it there.
    const primary = this.screen.getPrimaryDisplay().workArea;
    if (fitsWithin({ ...primary, width: bounds.width, height: bounds.height }, primary, 0))
      return { width: bounds.width, height: bounds.height, maximized };
    return { ...DEFAULT_WINDOW_SIZE, maximized };
  }

  /** Maximises the window if it was, and saves its state as it changes and when it closes.
   *  maximize() shows a hidden window on Windows and Linux; the window's dark background
   *  colour is what shows until the first paint. */
  track(win: TrackedWindow, placement: WindowPlacement): void {
    if (placement.maximized) win.maximize();
    const later = () => {
      this.cancel();
      this.pending = this.timers.setTimeout(() => {
        this.pending = null;
        this.save(win);
      }, this.saveDelayMs);
    };
    for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event, later);
    win.on('close', () => {
      this.cancel();
      this.save(win);
    });
  }

  /** Minimised and full-screen states are not places to come back to: the last normal one
   *  stays saved. A maximised window saves its normal bounds, to return to on unmaximise. */
  save(win: TrackedWindow): void {
    if (win.isMinimized() || win.isFullScreen()) return;
    this.store.set('window', { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  }

  private cancel(): void {
    if (this.pending !== null) this.timers.clearTimeout(this.pending);
    this.pending = null;
  }
}
