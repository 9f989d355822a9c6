// Process: main (Electron main process).
// Settings that must be made before the app is ready (docs/design.md "Memory": no secrets in crash dumps).
//  - The profile folder is the core's default profile folder (TESSERA_PROFILE or the
//    platform's app-data folder), so the window and the `tessera` CLI share one profile, and
//    it is made private to the user (0700).
//  - Chromium's own session data (caches, local storage) goes to a subfolder, apart from
//    profile.json and cache.bin.
//  - Crash reporting is never started (no crashReporter.start, so nothing is uploaded), the
//    crash reporter and breakpad switches are off, and any dump Chromium still writes goes
//    into the profile, not a shared system folder.
//  - Every renderer is sandboxed, whatever a future window's options say.
// What Node cannot do: set RLIMIT_CORE or prctl(PR_SET_DUMPABLE) (no setrlimit in Node), or
// mlock the heap. An OS-level core dump of the main process is governed by the user's
// `ulimit -c` (0 by default on most desktops), systemd-coredump on Linux, WER LocalDumps on
// Windows; the packaging notes in electron-builder.yml say so.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface AppLike {
  setPath(name: string, path: string): void;
  enableSandbox(): void;
  readonly commandLine: { appendSwitch(name: string, value?: string): void };
}

export interface ProfilePaths {
  profileDir: string;
  sessionData: string;
  crashDumps: string;
  serverData: string;
  embeddedServerState: string;
}

export function profilePaths(profileDir: string): ProfilePaths {
  return {
    profileDir,
    sessionData: join(profileDir, 'window'),
    crashDumps: join(profileDir, 'crash-dumps'),
    serverData: join(profileDir, 'server-data'),
    embeddedServerState: join(profileDir, 'embedded-server.json'),
  };
}

/** Call once, before 'ready'. */
export function hardenProcess(
  app: AppLike,
  paths: ProfilePaths,
  platform: NodeJS.Platform = process.platform,
): void {
  mkdirSync(paths.profileDir, { recursive: true, mode: 0o700 });
  if (platform !== 'win32') chmodSync(paths.profileDir, 0o700);
  app.setPath('userData', paths.profileDir);
  app.setPath('sessionData', paths.sessionData);
  app.setPath('crashDumps', paths.crashDumps);
  app.commandLine.appendSwitch('disable-crash-reporter');
  app.commandLine.appendSwitch('disable-breakpad');
  app.enableSandbox();
}
