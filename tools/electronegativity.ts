// Process: tool (plain Node, run by `npm run lint:electron` and .ci/run).
// Runs Doyensec's Electronegativity over the Electron sources (electron/, TypeScript) and
// fails on any finding above INFORMATIONAL, or on any file it could not parse (a file it
// could not read is a file it did not check). Findings are printed as a table, and written
// as JSON with `--json FILE`.
//
// Two of its checks are replaced, not skipped:
//  - AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK downloads Electron's release list; CI has no
//    network. Keeping Electron current is the dependency updates' job.
//  - CSP_GLOBAL_CHECK only recognises a CSP set through webRequest.onHeadersReceived or an
//    HTML meta tag, so it reports "no CSP" for ours, which the app:// protocol handler sets
//    on every response (electron/main/protocol.ts, tested in test/unit/shell-protocol).
//    This tool instead feeds that exact policy to the evaluator the check uses
//    (@doyensec/csp-evaluator) and applies the check's own severity mapping.
// A finding judged harmless is silenced next to the code with an `eng-disable` comment
// that says why, never here; the one CSP note accepted below says why too.
//
// Electronegativity's TypeScript parser (@typescript-eslint/typescript-estree 4) needs the
// TypeScript 4 compiler API; the project's TypeScript 7 has none. Electronegativity ships
// its own TypeScript 4 in its node_modules, and the parser is pointed at it.
import { writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../electron/main/protocol.ts';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

interface Level {
  value: number;
  name: string;
}
interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
  severity: Level;
  confidence: Level;
  manualReview: boolean;
  sample?: string;
}
interface RunResult {
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: Issue[];
}
type Run = (options: Record<string, unknown>) => Promise<RunResult>;

export interface Finding {
  id: string;
  severity: string;
  confidence: string;
  where: string;
  description: string;
  manualReview: boolean;
}

const INFORMATIONAL = 0;
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck', 'CSPGlobalCheck'];

/** CSP evaluator notes accepted for our policy, with the reason. Keyed by directive and
 *  the start of the evaluator's description. */
const ACCEPTED_CSP_NOTES: { directive: string; starts: string; reason: string }[] = [
  {
    directive: 'script-src',
    starts: "'self' can be problematic",
    reason: 'app://tessera serves only the read-only built renderer: no JSONP, no Angular, no user uploads',
  },
];

function pointTypeScriptEstreeAtTypeScript4(): void {
  const engPackage = require.resolve('@doyensec/electronegativity/package.json');
  const typescript4 = createRequire(engPackage).resolve('typescript');
  const loader = Module as unknown as {
    _resolveFilename(request: string, parent: { filename?: string } | undefined, ...rest: unknown[]): string;
  };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (request, parent, ...rest) {
    if (request === 'typescript' && parent?.filename?.includes(join('node_modules', '@typescript-eslint')))
      return typescript4;
    return original.call(this, request, parent, ...rest);
  };
}

/** Evaluates our CSP the way CSPGlobalCheck would: HIGH/MEDIUM/SYNTAX mean a weak policy,
 *  HIGH_MAYBE/MEDIUM_MAYBE a possibly weak one (both LOW severity in Electronegativity). */
export function evaluateCsp(policy: string): Finding[] {
  const csp = require('@doyensec/csp-evaluator') as {
    CspParser: new (p: string) => { csp: unknown };
    CspEvaluator: new (
      c: unknown,
      v: unknown,
    ) => { evaluate(): { severity: number; directive: string; description: string }[] };
    Version: { CSP3: unknown };
    severities: Record<string, number>;
  };
  const s = csp.severities;
  const findings: Finding[] = [];
  for (const f of new csp.CspEvaluator(new csp.CspParser(policy).csp, csp.Version.CSP3).evaluate()) {
    const weak = f.severity === s.HIGH || f.severity === s.MEDIUM || f.severity === s.SYNTAX;
    const maybe = f.severity === s.HIGH_MAYBE || f.severity === s.MEDIUM_MAYBE;
    if (!weak && !maybe) continue;
    const accepted = ACCEPTED_CSP_NOTES.find(
      (a) => a.directive === f.directive && f.description.startsWith(a.starts),
    );
    if (accepted && !weak) {
      console.log(`  accepted CSP note on ${f.directive}: ${f.description} (${accepted.reason})`);
      continue;
    }
    findings.push({
      id: weak ? 'CSP_WEAK' : 'CSP_MAYBE_WEAK',
      severity: 'LOW',
      confidence: weak ? 'CERTAIN' : 'FIRM',
      where: `electron/main/protocol.ts CONTENT_SECURITY_POLICY (${f.directive})`,
      description: f.description,
      manualReview: !weak,
    });
  }
  return findings;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;

  pointTypeScriptEstreeAtTypeScript4();
  const run = require('@doyensec/electronegativity') as Run;
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const input = join(root, 'electron');
  console.log(
    `electronegativity over electron/ (Electron ${electronVersion}), excluding ${EXCLUDED.join(', ')}`,
  );
  const result = await run({
    input,
    excludeFromScan: EXCLUDED.map((c) => c.toLowerCase()),
    isRelative: true,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });

  const findings: Finding[] = result.issues
    .filter((i) => i.severity.value > INFORMATIONAL)
    .map((i) => ({
      id: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      where: `electron/${i.file}:${i.location.line}:${i.location.column}`,
      description: i.description,
      manualReview: i.manualReview,
    }));
  const informational = result.issues.length - findings.length;
  findings.push(...evaluateCsp(CONTENT_SECURITY_POLICY));
  const unparsed = result.errors.filter((e) => !e.tolerable);

  console.log(
    `  ${result.atomicChecks} atomic and ${result.globalChecks} global checks; ${informational} informational note(s)`,
  );
  for (const f of findings) {
    console.log(
      `  ${f.severity.padEnd(6)} ${f.confidence.padEnd(9)} ${f.id}${f.manualReview ? ' (review)' : ''}\n      ${f.where}\n      ${f.description}`,
    );
  }
  for (const e of unparsed) console.log(`  could not parse ${e.file}: ${e.message}`);
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ findings, unparsed }, null, 2)}\n`);

  if (findings.length > 0 || unparsed.length > 0) {
    console.error(
      `electronegativity: ${findings.length} finding(s) above INFORMATIONAL, ${unparsed.length} unparsed file(s)`,
    );
    return 1;
  }
  console.log('electronegativity: no findings above INFORMATIONAL');
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await main();
}
