import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etag, etagMatches, parseEtag } from './etag.js';

describe('ETags', () => {
  it('etag() is weak', () => assert.equal(etag(12), 'W/"12"'));

  it('parses weak, strong, bare and listed tags', () => {
    assert.deepEqual(parseEtag('W/"3"'), [3]);
    assert.deepEqual(parseEtag('"3"'), [3]);
    assert.deepEqual(parseEtag('3'), [3]);
    assert.deepEqual(parseEtag('W/"1", "2" ,W/"3"'), [1, 2, 3]);
  });

  it('recognises * alone or in a list', () => {
    assert.equal(parseEtag('*'), '*');
    assert.equal(parseEtag(' W/"1", * '), '*');
  });

  it('skips tags that are not Roster versions, and malformed pieces', () => {
    assert.deepEqual(parseEtag('"e180ee84f0671b1"'), []);
    assert.deepEqual(parseEtag('W/"a,b", W/"4"'), [4]);
    assert.deepEqual(parseEtag('W/"x, W/"5"'), [5]);
    assert.deepEqual(parseEtag(''), []);
  });

  it('etagMatches compares weak and strong alike', () => {
    assert.equal(etagMatches(parseEtag('"3"'), 3), true);
    assert.equal(etagMatches(parseEtag('W/"2", W/"4"'), 3), false);
    assert.equal(etagMatches('*', 3), true);
  });
});
