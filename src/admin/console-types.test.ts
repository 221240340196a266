import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { consoleTypesSource } from './console-types.js';

describe('the console types', () => {
  it('are the ones generated from the admin API schemas (npm run console-types when this fails)', () => {
    const file = readFileSync(join(import.meta.dirname, '..', '..', 'admin-ui', 'src', 'types.ts'), 'utf8');
    assert.equal(file, consoleTypesSource(), 'admin-ui/src/types.ts is stale: run npm run console-types');
  });

  it('name every answer the console reads, with the fields the schemas declare', () => {
    const source = consoleTypesSource();
    for (const name of [
      'Session',
      'Tenant',
      'TenantDetail',
      'Settings',
      'Credential',
      'IssuedCredential',
      'Person',
      'PeoplePage',
      'PersonDetail',
      'Group',
      'Folder',
      'Pending',
      'LogEntry',
      'DuplicatesPage',
      'SetupLink',
      'SetupSession',
      'SetupOverview',
      'Guide',
      'GuideBlock',
      'ConnectionAttempt',
      'Json',
    ]) {
      assert.match(source, new RegExp(`^export type ${name} = `, 'm'), name);
    }
    // Optional only where the schema says so; nullable written out.
    assert.match(source, /^ {2}key\?: string;$/m);
    assert.match(source, /^ {2}subjectName\?: string \| null;$/m);
    assert.match(source, /^export type Json = string \| number \| boolean \| null \| Json\[\] \| \{ \[key: string\]: Json \};$/m);
  });
});
