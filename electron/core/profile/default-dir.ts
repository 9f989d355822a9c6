// Process: core (trusted Node side; never imports electron).
// Where a profile lives when neither --profile nor TESSERA_PROFILE says: the platform's
// per-user application-data folder, the same place Electron's app.getPath('userData') uses.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultProfileDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.TESSERA_PROFILE) return env.TESSERA_PROFILE;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tessera');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tessera');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'tessera');
}
