#!/usr/bin/env node
// Entry point of the `roster` command; the compiled CLI lives in dist/ (built by `npm ci`).
import('../dist/cli/main.js')
  .then((cli) => cli.main(process.argv.slice(2)))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  })
  .catch((error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli')) {
      console.error('roster: not built yet — run `npm ci` (or `npm run build`) first');
    } else {
      console.error(error instanceof Error ? error.message : error);
    }
    process.exitCode = 1;
  });
