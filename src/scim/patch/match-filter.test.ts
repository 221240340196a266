import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import { parseFilter } from '../filter/parse-filter.js';
import { attr, type AttributeDefinition } from '../schemas/attribute.js';
import { findAttribute, groupResourceSchema, userResourceSchema } from '../schemas/registry.js';
import { checkFilter, matchesFilter } from './match-filter.js';

const emails = findAttribute(userResourceSchema().core.attributes, 'emails') as AttributeDefinition;
const members = findAttribute(groupResourceSchema.core.attributes, 'members') as AttributeDefinition;
const certificates = findAttribute(userResourceSchema().core.attributes, 'x509Certificates') as AttributeDefinition;
/** A made-up multi-valued attribute covering the types the RFC schemas do not put in sub-attributes. */
const badges = attr('badges', 'complex', 'test', {
  multiValued: true,
  subAttributes: [
    attr('level', 'integer', 'test'),
    attr('score', 'decimal', 'test'),
    attr('issued', 'dateTime', 'test'),
    attr('code', 'string', 'test', { caseExact: true }),
  ],
});
const tags = attr('tags', 'string', 'a simple multi-valued attribute', { multiValued: true });

const matches = (element: JsonValue, filter: string, definition: AttributeDefinition = emails): boolean => matchesFilter(element, parseFilter(filter).filter, definition);

const work = { value: 'Babs@Example.com', type: 'work', primary: true, display: '' };

describe('matchesFilter', () => {
  it('string operators honour caseExact false (emails.value, emails.type)', () => {
    assert.equal(matches(work, 'type eq "WORK"'), true);
    assert.equal(matches(work, 'value eq "babs@example.com"'), true);
    assert.equal(matches(work, 'value ne "babs@example.com"'), false);
    assert.equal(matches(work, 'value co "@EXAMPLE"'), true);
    assert.equal(matches(work, 'value sw "babs"'), true);
    assert.equal(matches(work, 'value ew ".COM"'), true);
    assert.equal(matches(work, 'value gt "a"'), true);
    assert.equal(matches(work, 'value ge "babs@example.com"'), true);
    assert.equal(matches(work, 'value lt "babs"'), false);
    assert.equal(matches(work, 'value le "c"'), true);
  });

  it('caseExact true compares exactly (members.value, a caseExact code)', () => {
    assert.equal(matches({ value: 'AbC' }, 'value eq "AbC"', members), true);
    assert.equal(matches({ value: 'AbC' }, 'value eq "abc"', members), false);
    assert.equal(matches({ code: 'X1' }, 'code sw "x"', badges), false);
  });

  it('booleans: eq and ne only; ordering is invalidFilter (RFC 7644 §3.4.2.2)', () => {
    assert.equal(matches(work, 'primary eq true'), true);
    assert.equal(matches(work, 'primary ne true'), false);
    assert.equal(matches({ value: 'x' }, 'primary eq false'), false);
    assert.throws(
      () => matches(work, 'primary gt false'),
      (e: unknown) => e instanceof ScimError && e.scimType === 'invalidFilter',
    );
    assert.throws(
      () => matches(work, 'primary co "t"'),
      (e: unknown) => e instanceof ScimError && e.scimType === 'invalidFilter',
    );
  });

  it('binary: no ordering', () => {
    assert.equal(matches({ value: 'TUlJ' }, 'value eq "TUlJ"', certificates), true);
    assert.equal(matches({ value: 'TUlJ' }, 'value eq "tulj"', certificates), false);
    assert.throws(() => matches({ value: 'TUlJ' }, 'value lt "Z"', certificates), ScimError);
  });

  it('numbers and dateTimes order by value, not by text', () => {
    assert.equal(matches({ level: 10 }, 'level gt 9', badges), true);
    assert.equal(matches({ score: 2.5 }, 'score le 2.5', badges), true);
    assert.equal(matches({ level: 10 }, 'level eq "10"', badges), false);
    assert.throws(() => matches({ level: 10 }, 'level co 1', badges), ScimError);
    assert.equal(matches({ issued: '2024-01-01T10:00:00+02:00' }, 'issued lt "2024-01-01T09:00:00Z"', badges), true);
    assert.equal(matches({ issued: '2024-01-01T10:00:00Z' }, 'issued gt "2023-12-31T23:59:59Z"', badges), true);
  });

  it('pr: a non-empty value; an absent value equals only null and is ne anything else', () => {
    assert.equal(matches(work, 'type pr'), true);
    assert.equal(matches(work, 'display pr'), false);
    assert.equal(matches({ value: 'x' }, 'type pr'), false);
    assert.equal(matches({ value: 'x' }, 'type ne "work"'), true);
    assert.equal(matches({ value: 'x' }, 'type eq null'), true);
    assert.equal(matches({ value: 'x' }, 'type sw "w"'), false);
  });

  it('and, or, not and parentheses, on the same element', () => {
    assert.equal(matches(work, 'type eq "work" and value ew "example.com"'), true);
    assert.equal(matches(work, 'type eq "home" or primary eq true'), true);
    assert.equal(matches(work, 'not (type eq "work")'), false);
    assert.equal(matches(work, '(type eq "home" or type eq "work") and not (primary eq false)'), true);
  });

  it('a fully written sub-attribute path (emails.type) means the same', () => {
    assert.equal(matches(work, 'emails.type eq "work"'), true);
  });

  it('a simple multi-valued attribute is compared through "value"', () => {
    assert.equal(matches('Admins', 'value eq "admins"', tags), true);
  });

  it('unknown sub-attributes and nested value filters are refused, even without an element', () => {
    assert.throws(
      () => checkFilter(parseFilter('colour eq "red"').filter, emails),
      (e: unknown) => e instanceof ScimError && e.scimType === 'invalidPath',
    );
    assert.throws(
      () => checkFilter(parseFilter('emails[type eq "work"]').filter, emails),
      (e: unknown) => e instanceof ScimError && e.scimType === 'invalidFilter',
    );
  });
});
