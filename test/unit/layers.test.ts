import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayers } from '../../tools/check-layers.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-layers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function put(file: string, text: string) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

describe('layering rule', () => {
  it('accepts the allowed directions', () => {
    put('shared/a.ts', "// Process: shared\nimport { z } from 'zod';\n");
    put(
      'electron/core/b.ts',
      "// Process: core\nimport { a } from '../../shared/a.ts';\nimport { readFileSync } from 'node:fs';\n",
    );
    put('electron/main.ts', "// Process: main\nimport { app } from 'electron';\n");
    expect(checkLayers(root)).toEqual([]);
  });

  it('refuses Node in shared, electron in core, core from the renderer, and unlabelled files', () => {
    put('shared/bad.ts', "// Process: shared\nimport { readFileSync } from 'node:fs';\n");
    put('electron/core/bad.ts', "// Process: core\nimport { app } from 'electron';\n");
    put('renderer/bad.tsx', "// Process: renderer\nimport { x } from '../electron/core/b.ts';\n");
    put('server/nolabel.ts', 'export const x = 1;\n');
    put('electron/core/service/svc.ts', '// Process: core\nexport const svc = 1;\n');
    put('electron/core/sync/up.ts', "// Process: core\nimport { svc } from '../service/svc.ts';\n");
    const found = checkLayers(root).map((v) => `${v.file}: ${v.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "shared/bad.ts: may not import 'node:fs'",
        "electron/core/bad.ts: may not import 'electron'",
        expect.stringMatching(/^renderer\/bad.tsx: may not import electron\/core\/b.ts/),
        expect.stringMatching(/^server\/nolabel.ts: first line must say/),
        expect.stringMatching(
          /^electron\/core\/sync\/up.ts: may not import electron\/core\/service\/svc.ts \(the service calls/,
        ),
      ]),
    );
    expect(found).toHaveLength(5);
  });

  it('lets the recipient page use the link envelope and shared/, and nothing else of the core or Node', () => {
    const page = mkdtempSync(join(tmpdir(), 'tessera-layers-page-'));
    try {
      const at = (file: string, text: string) => {
        mkdirSync(dirname(join(page, file)), { recursive: true });
        writeFileSync(join(page, file), text);
      };
      at('shared/links.ts', '// Process: shared\nexport const x = 1;\n');
      at('electron/core/crypto/sodium.ts', "// Process: core\nimport lib from 'libsodium-wrappers-sumo';\n");
      at(
        'electron/core/crypto/link.ts',
        "// Process: core\nimport { x } from '../../../shared/links.ts';\nimport { s } from './sodium.ts';\n",
      );
      at(
        'electron/core/vault/items.ts',
        "// Process: core\nimport { readFileSync } from 'node:fs';\nimport { s } from '../crypto/sodium.ts';\n",
      );
      at(
        'recipient/main.ts',
        "// Process: recipient page\nimport { x } from '../shared/links.ts';\nimport { o } from '../electron/core/crypto/link.ts';\nimport { i } from '../electron/core/crypto/sodium.ts';\nimport { y } from './view.ts';\n",
      );
      at('recipient/view.ts', '// Process: recipient page\nexport const y = 1;\n');
      expect(checkLayers(page)).toEqual([]);

      at(
        'recipient/bad.ts',
        "// Process: recipient page\nimport { v } from '../electron/core/vault/items.ts';\nimport lib from 'libsodium-wrappers-sumo';\nimport { readFileSync } from 'node:fs';\n",
      );
      at('recipient/nolabel.ts', 'export const z = 1;\n');
      // The envelope code is bundled into the page, so it may not reach for Node or the rest of the core.
      at(
        'electron/core/crypto/link.ts',
        "// Process: core\nimport { randomBytes } from 'node:crypto';\nimport { v } from '../vault/items.ts';\nimport { k } from './kdf.ts';\n",
      );
      const found = checkLayers(page).map((v) => `${v.file}: ${v.message}`);
      expect(found).toEqual([
        "electron/core/crypto/link.ts: may not import 'node:crypto'",
        expect.stringMatching(
          /^electron\/core\/crypto\/link.ts: may not import electron\/core\/vault\/items.ts/,
        ),
        expect.stringMatching(
          /^electron\/core\/crypto\/link.ts: may not import electron\/core\/crypto\/kdf.ts/,
        ),
        expect.stringMatching(/^recipient\/bad.ts: may not import electron\/core\/vault\/items.ts/),
        "recipient/bad.ts: may not import 'libsodium-wrappers-sumo'",
        "recipient/bad.ts: may not import 'node:fs'",
        expect.stringMatching(/^recipient\/nolabel.ts: first line must say/),
      ]);
    } finally {
      rmSync(page, { recursive: true, force: true });
    }
  });
});
