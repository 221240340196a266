import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * No container engine (nor hadolint, which Debian does not package) runs in the test suite, so the
 * Dockerfile is checked by reading it: the rules below are the ones a linter would apply and the
 * ones Roster's operations guide promises.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly stage: string;
}

/** Instructions in order, continuation lines joined, comments dropped, each with the stage it belongs to. */
function parseDockerfile(text: string): { instructions: Instruction[]; args: Map<string, string> } {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const args = new Map<string, string>();
  const instructions: Instruction[] = [];
  let stage = '(global)';
  for (const line of logical) {
    const space = line.indexOf(' ');
    const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const rest = space < 0 ? '' : line.slice(space + 1).trim();
    if (keyword === 'ARG' && stage === '(global)') {
      const [name, value] = rest.split('=');
      if (name && value !== undefined) args.set(name, value);
    }
    if (keyword === 'FROM') stage = /\bAS\s+(\S+)/i.exec(rest)?.[1] ?? `stage${instructions.filter((i) => i.keyword === 'FROM').length}`;
    instructions.push({ keyword, args: rest, stage });
  }
  return { instructions, args };
}

const { instructions, args } = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const stages = [...new Set(instructions.filter((i) => i.keyword === 'FROM').map((i) => i.stage))];
const finalStage = stages.at(-1)!;
const inStage = (stage: string, keyword: string) => instructions.filter((i) => i.stage === stage && i.keyword === keyword);
const image = (from: string) => from.split(/\s+/)[0]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args.get((a ?? b)!) ?? '');

describe('the Dockerfile', () => {
  it('builds every stage on one base image pinned to an exact release', () => {
    const bases = instructions.filter((i) => i.keyword === 'FROM').map((i) => image(i.args));
    assert.ok(bases.length >= 2, 'multi-stage');
    for (const base of bases) {
      assert.match(base, /^node:\d+\.\d+\.\d+-[a-z]+(-slim)?$/, `${base}: a full version and a distribution, never latest`);
    }
    assert.equal(new Set(bases).size, 1, 'the same base everywhere, so the compiled driver fits the runtime');
  });

  it('runs as a non-root user, with a health check, a data volume and a port', () => {
    const users = inStage(finalStage, 'USER');
    assert.equal(users.length, 1);
    assert.ok(!['root', '0', '0:0'].includes(users[0]!.args), `USER ${users[0]!.args} is not root`);
    const order = instructions.filter((i) => i.stage === finalStage).map((i) => i.keyword);
    assert.ok(order.indexOf('USER') < order.indexOf('ENTRYPOINT') && order.indexOf('USER') < order.indexOf('CMD'), 'the user is set before the process starts');

    const [health] = inStage(finalStage, 'HEALTHCHECK');
    assert.ok(health, 'a HEALTHCHECK');
    assert.match(health.args, /--interval=\d+s/);
    assert.match(health.args, /--timeout=\d+s/);
    assert.match(health.args, /CMD .*\/healthz/, 'it asks the liveness endpoint');

    const [volume] = inStage(finalStage, 'VOLUME');
    assert.ok(volume && /"\/data"|\s\/data\b|^\/data\b/.test(volume.args), 'a VOLUME at /data');
    assert.ok(
      inStage(finalStage, 'ENV').some((e) => /DATABASE_URL=\/data\//.test(e.args)),
      'the default SQLite file is in the volume',
    );
    assert.ok(
      inStage(finalStage, 'RUN').some((r) => /chown\s+node:node\s+\/data/.test(r.args)),
      'the volume belongs to the runtime user',
    );
    assert.ok(inStage(finalStage, 'EXPOSE').some((e) => e.args === '8080'));
    assert.equal(inStage(finalStage, 'STOPSIGNAL')[0]?.args, 'SIGTERM');
    assert.match(inStage(finalStage, 'ENTRYPOINT')[0]?.args ?? '', /^\[/, 'exec form, so signals reach node');
  });

  it('ships production dependencies only, installed from the lockfile', () => {
    const copies = inStage(finalStage, 'COPY');
    const modules = copies.find((c) => /\s\.\/node_modules$/.test(c.args));
    assert.ok(modules, 'node_modules is copied into the runtime');
    const from = /--from=(\S+)/.exec(modules.args)?.[1];
    assert.ok(from, 'from another stage');
    const installs = inStage(from, 'RUN').filter((r) => /\bnpm (ci|install)\b/.test(r.args));
    assert.ok(installs.length > 0, `stage ${from} installs them`);
    for (const install of installs) {
      assert.match(install.args, /\bnpm ci\b/, 'npm ci: exactly the lockfile');
      assert.match(install.args, /--omit=dev/, 'no devDependencies in the image');
    }
    assert.equal(
      inStage(finalStage, 'RUN').some((r) => /apt-get|npm (ci|install)/.test(r.args)),
      false,
      'no compilers or installs in the runtime stage',
    );
  });

  it('follows the usual linter rules', () => {
    assert.equal(
      instructions.some((i) => i.keyword === 'ADD'),
      false,
      'COPY, never ADD',
    );
    assert.equal(
      instructions.some((i) => i.keyword === 'MAINTAINER'),
      false,
    );
    for (const run of instructions.filter((i) => i.keyword === 'RUN' && /apt-get install/.test(i.args))) {
      assert.match(run.args, /apt-get update/, 'update and install in one layer');
      assert.match(run.args, /--no-install-recommends/);
      assert.match(run.args, /-y\b/);
      assert.match(run.args, /rm -rf \/var\/lib\/apt\/lists/, 'the package lists are removed in the same layer');
    }
    for (const i of instructions.filter((x) => x.keyword === 'WORKDIR')) assert.match(i.args, /^\//, 'absolute WORKDIR');
    assert.equal(
      instructions.some((i) => i.keyword === 'RUN' && /^cd\s/.test(i.args)),
      false,
      'WORKDIR, not cd',
    );
  });

  it('copies only what exists and what .dockerignore lets through', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const isIgnored = (path: string) =>
      ignored.some((pattern) => {
        const regex = new RegExp(
          `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*\*\//g, '(.*/)?')
            .replace(/\*/g, '[^/]*')}(/.*)?$`,
        );
        return regex.test(path);
      });
    for (const copy of instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        assert.ok(existsSync(join(root, source)), `${source} exists`);
        assert.equal(isIgnored(source), false, `${source} is not excluded by .dockerignore`);
      }
    }
  });
});
