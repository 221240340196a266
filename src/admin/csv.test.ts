import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvRow } from './csv.js';

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks, and doubles quotes', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('Lovelace, Ada'), '"Lovelace, Ada"');
    assert.equal(csvCell('the "Countess"'), '"the ""Countess"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(' padded '), '" padded "');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(true), 'true');
  });

  it('turns what a spreadsheet would run as a formula into text', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.example","click")'), `"'=HYPERLINK(""http://evil.example"",""click"")"`);
    assert.equal(csvCell('+1 555 0100'), "'+1 555 0100");
    assert.equal(csvCell('-2'), "'-2");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tcmd'), "'\tcmd");
    assert.equal(csvCell('a=b'), 'a=b', 'only a leading sign');
  });

  it('ends a row with CRLF', () => {
    assert.equal(csvRow(['a', 'b,c', null]), 'a,"b,c",\r\n');
  });
});
