// Process: main (Electron main process); also bundled into the preload.
// Events the shell itself sends to the page, besides the core's IpcEvent list in shared/ipc.ts:
// the menu's "Search" item asks the page to focus its search box. Both the sender (main) and
// the preload's filter read this one list, so an event cannot be added on one side only.
import { IPC_EVENTS, type IpcEvent } from '../../shared/ipc.ts';

export const SHELL_EVENTS = ['focus-search'] as const;
export type ShellEvent = (typeof SHELL_EVENTS)[number];

/** The events the preload passes on to the page; anything else is dropped. */
export function isPageEvent(x: unknown): x is IpcEvent | ShellEvent {
  return (
    typeof x === 'string' &&
    ((IPC_EVENTS as readonly string[]).includes(x) || (SHELL_EVENTS as readonly string[]).includes(x))
  );
}
