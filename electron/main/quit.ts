// Process: main (Electron main process).
// Quitting waits for the work that protects data: the last clipboard clear (it is
// asynchronous in this Electron) and closing the embedded server's PGlite files. Electron
// quits as soon as 'will-quit' returns, so the first 'will-quit' is held, the tasks run
// (with a time limit, so a stuck task cannot keep the app alive), and then the app quits
// for real.

export interface QuitApp {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export function holdQuitFor(app: QuitApp, tasks: () => Promise<unknown>[], timeoutMs = 5_000): void {
  let state: 'running' | 'finishing' | 'done' = 'running';
  app.on('will-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'finishing') return;
    state = 'finishing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    void Promise.race([Promise.allSettled(tasks()), limit]).then(() => {
      clearTimeout(timer);
      state = 'done';
      app.quit();
    });
  });
}
