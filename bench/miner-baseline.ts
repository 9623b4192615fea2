/**
 * The miner of another commit (default `main`), built into a temporary directory so that a
 * bench can run it side by side with the current one: `git archive` of `src/detect/miner`
 * and `src/errors.ts`, compiled with the repo's TypeScript.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MinerModule } from './miner-eval.js';

/** The baseline's git ref: $LOGSCOPE_BASELINE_REF, default `main`. */
export const BASELINE_REF = process.env.LOGSCOPE_BASELINE_REF ?? 'main';

/** Builds (once per commit) and imports the miner of `ref`; returns it with the commit it came from. */
export async function loadBaselineMiner(root: string, ref = BASELINE_REF): Promise<{ miner: MinerModule; commit: string }> {
  const commit = execFileSync('git', ['-C', root, 'rev-parse', '--verify', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = path.join(os.tmpdir(), `logscope-miner-${commit.slice(0, 12)}`);
  const entry = path.join(dir, 'out', 'detect', 'miner', 'index.js');
  if (!fs.existsSync(entry)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['-C', root, 'archive', commit, 'src/detect/miner', 'src/errors.ts']);
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    // NodeNext reads the module kind from the nearest package.json, for the sources and the output.
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const files = [path.join(dir, 'src', 'errors.ts'), ...fs.readdirSync(path.join(dir, 'src', 'detect', 'miner')).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, 'src', 'detect', 'miner', f))];
    execFileSync(process.execPath, [tsc, '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--strict', '--skipLibCheck', '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types'), '--rootDir', path.join(dir, 'src'), '--outDir', path.join(dir, 'out'), ...files], { stdio: 'inherit' });
  }
  return { miner: (await import(pathToFileURL(entry).href)) as MinerModule, commit };
}
