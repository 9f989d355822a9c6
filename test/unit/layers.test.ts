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
    put('electron/core/b.ts', "// Process: core\nimport { a } from '../../shared/a.ts';\nimport { readFileSync } from 'node:fs';\n");
    put('electron/main.ts', "// Process: main\nimport { app } from 'electron';\n");
    expect(checkLayers(root)).toEqual([]);
  });

  it('refuses Node in shared, electron in core, core from the renderer, and unlabelled files', () => {
    put('shared/bad.ts', "// Process: shared\nimport { readFileSync } from 'node:fs';\n");
    put('electron/core/bad.ts', "// Process: core\nimport { app } from 'electron';\n");
    put('renderer/bad.tsx', "// Process: renderer\nimport { x } from '../electron/core/b.ts';\n");
    put('server/nolabel.ts', "export const x = 1;\n");
    put('electron/core/service/svc.ts', "// Process: core\nexport const svc = 1;\n");
    put('electron/core/sync/up.ts', "// Process: core\nimport { svc } from '../service/svc.ts';\n");
    const found = checkLayers(root).map((v) => `${v.file}: ${v.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "shared/bad.ts: may not import 'node:fs'",
        "electron/core/bad.ts: may not import 'electron'",
        expect.stringMatching(/^renderer\/bad.tsx: may not import electron\/core\/b.ts/),
        expect.stringMatching(/^server\/nolabel.ts: first line must say/),
        expect.stringMatching(/^electron\/core\/sync\/up.ts: may not import electron\/core\/service\/svc.ts \(the service calls/),
      ]),
    );
    expect(found).toHaveLength(5);
  });
});
