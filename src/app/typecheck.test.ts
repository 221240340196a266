import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

// Tests run through tsx, which strips types without checking them, and `npm ci` compiles only the
// shipped sources. This keeps the tests, the robustness harness, the examples (in test/tsconfig.json)
// and the bench strictly typed too.
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

async function typecheck(project: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('strict TypeScript', () => {
  for (const project of ['test/tsconfig.json', 'bench/tsconfig.json', 'packages/webhook-verifier/tsconfig.json']) {
    it(`${project} type-checks (the first two with src/; the verifier package with its tests)`, async () => {
      const { code, output } = await typecheck(project);
      assert.equal(code, 0, `tsc -p ${project} found errors:\n${output}`);
    });
  }
});
