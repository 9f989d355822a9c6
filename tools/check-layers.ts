// Process: tool (plain Node, run by `npm run lint`).
// Biome's restricted-import rule catches package names; this check also knows the project's
// own layers (docs/design.md "Layers"): what each folder may import by relative path, and that every source
// file says which process it belongs to, so a reader never has to guess where code runs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface Violation {
  file: string;
  message: string;
}

interface Layer {
  /** Folder prefix, relative to the root, with forward slashes. */
  prefix: string;
  /** Project folders (ending in '/') or single files this layer may import from (besides itself). */
  mayImport: string[];
  /** A single file that is its own layer: it may not import its folder's other files. */
  alone?: boolean;
  /** Package names (or prefixes ending in '*') this layer must not import. */
  forbiddenPackages: string[];
}

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/promises',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'url',
  'stream',
  'events',
  'util',
];
const SHELL_ONLY = ['electron', 'electron-store'];

/** The only core files the recipient page bundles (the link envelope and the libsodium
 *  instance): they run in a plain browser too, so they obey the page's rules. */
const BROWSER_CORE = ['electron/core/crypto/link.ts', 'electron/core/crypto/sodium.ts'];
const BROWSER_FORBIDDEN = [...NODE_BUILTINS, ...SHELL_ONLY, 'react', 'react-dom'];

// Ordered most specific first.
const LAYERS: Layer[] = [
  {
    prefix: 'shared/',
    mayImport: [],
    forbiddenPackages: [...NODE_BUILTINS, ...SHELL_ONLY, 'react', 'react-dom'],
  },
  ...BROWSER_CORE.map((prefix) => ({
    prefix,
    alone: true,
    mayImport: ['shared/', ...BROWSER_CORE],
    forbiddenPackages: BROWSER_FORBIDDEN,
  })),
  {
    prefix: 'electron/core/',
    mayImport: ['shared/'],
    forbiddenPackages: [...SHELL_ONLY, 'react', 'react-dom'],
  },
  {
    prefix: 'electron/cli.ts',
    mayImport: ['shared/', 'electron/core/', 'server/'],
    forbiddenPackages: SHELL_ONLY,
  },
  // The Electron main process starts the embedded try-out server in-process.
  {
    prefix: 'electron/main.ts',
    mayImport: ['shared/', 'electron/core/', 'server/'],
    forbiddenPackages: ['react', 'react-dom'],
  },
  {
    prefix: 'electron/',
    mayImport: ['shared/', 'electron/core/'],
    forbiddenPackages: ['react', 'react-dom'],
  },
  { prefix: 'server/', mayImport: ['shared/'], forbiddenPackages: [...SHELL_ONLY, 'react', 'react-dom'] },
  { prefix: 'renderer/', mayImport: ['shared/'], forbiddenPackages: [...NODE_BUILTINS, ...SHELL_ONLY] },
  // The one-time link page: a plain browser, the core's envelope code and nothing else of the
  // core, and libsodium only through sodium.ts (one implementation, one initialisation).
  {
    prefix: 'recipient/',
    mayImport: ['shared/', ...BROWSER_CORE],
    forbiddenPackages: [...BROWSER_FORBIDDEN, 'libsodium-wrappers-sumo', 'libsodium-sumo'],
  },
];

/** Inside the core, the service (and the desktop wrapper around it) calls the lower folders
 *  (crypto, net, profile, vault, sync, account); never the other way round. */
const CORE_UPPER = ['electron/core/service/', 'electron/core/desktop/'];
const isCoreLower = (file: string) =>
  file.startsWith('electron/core/') && !CORE_UPPER.some((p) => file.startsWith(p));

/** Files allowed to import electron itself: the shell and the tiny files it owns. */
const ELECTRON_SHELL = /^electron\/(main|preload)(\.ts$|\/)/;

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;

function matchesPackage(spec: string, pattern: string): boolean {
  if (pattern.endsWith('*')) return spec.startsWith(pattern.slice(0, -1));
  return spec === pattern || spec.startsWith(`${pattern}/`);
}

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(sourceFiles(full));
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

export function checkLayers(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const top of ['shared', 'electron', 'server', 'renderer', 'recipient']) {
    for (const full of sourceFiles(join(root, top))) {
      const file = relative(root, full).split(sep).join('/');
      const layer = LAYERS.find((l) => file.startsWith(l.prefix));
      if (!layer) continue;
      const text = readFileSync(full, 'utf8');
      if (!/^\/\/ Process: /.test(text)) {
        violations.push({
          file,
          message: "first line must say which process it belongs to ('// Process: ...')",
        });
      }
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(full), spec))
            .split(sep)
            .join('/');
          const own = layer.alone
            ? layer.prefix
            : layer.prefix.endsWith('/')
              ? layer.prefix
              : dirname(layer.prefix) + '/';
          const allowed = (p: string) =>
            p.endsWith('/') ? target.startsWith(p) || target === p.slice(0, -1) : target === p;
          const ok = (layer.alone ? target === own : target.startsWith(own)) || layer.mayImport.some(allowed);
          if (!ok)
            violations.push({
              file,
              message: `may not import ${target} (layer ${layer.prefix} may import ${layer.mayImport.join(', ') || 'only itself'})`,
            });
          else if (isCoreLower(file) && CORE_UPPER.some((p) => target.startsWith(p)))
            violations.push({
              file,
              message: `may not import ${target} (the service calls the lower core folders, not the other way round)`,
            });
        } else {
          const bad = layer.forbiddenPackages.find((p) => matchesPackage(spec, p));
          const electronOutsideShell =
            SHELL_ONLY.some((p) => matchesPackage(spec, p)) && !ELECTRON_SHELL.test(file);
          if (bad || electronOutsideShell) violations.push({ file, message: `may not import '${spec}'` });
        }
      }
    }
  }
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const found = checkLayers(process.cwd());
  for (const v of found) console.error(`${v.file}: ${v.message}`);
  if (found.length > 0) {
    console.error(`${found.length} layering violation(s)`);
    process.exit(1);
  }
  console.log('layers ok');
}
