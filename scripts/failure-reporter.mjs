// A node:test reporter that writes one JSON line per failed test (its file, the names of the suites
// around it, the error's message and first stack lines) and one with the run's totals. The test
// runner script reads it back to print a short summary after the spec reporter's output.
// Used as: node --test --test-reporter=./scripts/failure-reporter.mjs --test-reporter-destination=<file>

/** Lines of an error worth reading: the message, then the first frames outside node's own code. */
function describeError(error) {
  // The runner wraps what a test threw (failureType testCodeFailure) in an error whose cause it is.
  const cause = error?.cause ?? error;
  const message = String(cause?.message ?? cause ?? 'unknown error').trim();
  const frames = String(cause?.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && line.includes('/') && !line.includes('node:') && !line.includes('node_modules'))
    .slice(0, 3)
    .map((line) => line.trim());
  return { message, frames, failureType: error?.failureType, code: cause?.code };
}

export default async function* failureReporter(source) {
  // The names of the suites open at each nesting level, per file (files run concurrently).
  const open = new Map();
  const totals = {};
  for await (const event of source) {
    const data = event.data ?? {};
    const file = data.file ?? '(no file)';
    if (event.type === 'test:start') {
      const names = open.get(file) ?? [];
      names.length = data.nesting;
      names[data.nesting] = data.name;
      open.set(file, names);
    } else if (event.type === 'test:fail') {
      // A suite fails because a test in it did; the test itself is reported, so the suite is not.
      if (data.details?.error?.failureType === 'subtestsFailed') continue;
      const path = [...(open.get(file) ?? []).slice(0, data.nesting), data.name];
      yield `${JSON.stringify({ kind: 'failure', file, path, ...describeError(data.details?.error) })}\n`;
    } else if (event.type === 'test:diagnostic' && data.nesting === 0) {
      // The run's own summary lines: "tests 12", "pass 11", "fail 1", …
      const match = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/.exec(String(data.message));
      if (match) totals[match[1]] = Number(match[2]);
    }
  }
  yield `${JSON.stringify({ kind: 'totals', ...totals })}\n`;
}
