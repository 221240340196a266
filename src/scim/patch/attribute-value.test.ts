import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScimError } from '../errors.js';
import { attr } from '../schemas/attribute.js';
import { checkSimpleValue } from './attribute-value.js';

describe('PATCH value type checks', () => {
  it('apply the same rules as resource bodies: a dateTime must be a real date', () => {
    const when = attr('validUntil', 'dateTime', 'test attribute');
    assert.equal(checkSimpleValue(when, '2024-02-29T10:00:00Z', 'validUntil'), '2024-02-29T10:00:00Z');
    assert.throws(
      () => checkSimpleValue(when, '2024-02-30T10:00:00Z', 'validUntil'),
      (e) => e instanceof ScimError && e.scimType === 'invalidValue',
    );
    assert.throws(() => checkSimpleValue(when, ['2024-02-29T10:00:00Z'], 'validUntil'), ScimError);
  });

  it('refuse a value of another type, naming the attribute', () => {
    const count = attr('count', 'integer', 'test attribute');
    assert.throws(() => checkSimpleValue(count, 1.5, 'x.count'), /Attribute "x\.count" must be an integer/);
  });
});
