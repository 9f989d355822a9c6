// Process: server (team server; plain Node).
// The PGlite data folder holds every team's ciphertext, the key directory, the audit and the
// OPAQUE records: no other user of the machine may read it (docs/design.md, "At rest").
// PGlite's first start unpacks its whole cluster 0666, whatever the umask, and a folder from
// an older version or made by hand may be 0755, so modes are not left to chance. The folder
// itself is made 0700, which covers whatever PGlite writes into it later (the files it
// creates while running are 0600 anyway); what is already in it loses its group and other
// bits too, so a copy that keeps modes (cp -a, tar, a backup) is not readable either.
// A process-wide umask would be simpler but would change every file the embedding app writes.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const GROUP_OTHER = 0o077;

function tighten(path: string, mode: number): void {
  if (mode & GROUP_OTHER) chmodSync(path, mode & 0o7777 & ~GROUP_OTHER);
}

function tightenTree(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    // A link's own mode means nothing, and chmod would follow it out of the folder.
    if (st.isSymbolicLink()) continue;
    tighten(path, st.mode);
    if (st.isDirectory()) tightenTree(path);
  }
}

/** Creates the folder if needed and leaves it, and everything in it, private to this user.
 *  Not on Windows: access there is kept in ACLs, which chmod does not change. */
export function makeDataDirPrivate(dir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  // The folder first: once it is 0700 nobody else can reach, or swap, what is inside.
  chmodSync(dir, 0o700);
  tightenTree(dir);
}
