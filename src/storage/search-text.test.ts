import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SEARCH_SEPARATOR, userSearchText } from './search-text.js';

describe('the people search text', () => {
  it('holds each searched value folded, once, and none found inside another', () => {
    const text = userSearchText({
      userName: 'GHopper@Navy.example',
      name: { givenName: 'Grace', familyName: 'Hopper', formatted: 'Grace Brewster Hopper' },
      displayName: 'Grace Hopper',
      title: 'Ｒear Admiral',
      emails: [{ value: 'ghopper@navy.example' }, { value: 'grace@cobol.example' }, { type: 'work' }],
      externalId: 'not searched',
    });
    assert.deepEqual(text.split(SEARCH_SEPARATOR), ['ghopper@navy.example', 'grace brewster hopper', 'grace hopper', 'rear admiral', 'grace@cobol.example']);
  });

  it('keeps a value that no other contains, and never lets a value carry the separator', () => {
    assert.equal(userSearchText({ userName: `a${SEARCH_SEPARATOR}b`, name: { givenName: 'Zed' } }), `a b${SEARCH_SEPARATOR}zed`);
    assert.equal(userSearchText({}), '');
  });
});
