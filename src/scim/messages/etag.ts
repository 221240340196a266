// ETags are protocol messages (RFC 7644 §3.14), read by the HTTP routes and by /Bulk operations'
// `version`, and written by the resource renderer; they live here so that the routes need nothing
// from the renderer.

/** The weak ETag of a version (RFC 7644 §3.14 uses weak tags: `W/"3"`). */
export function etag(version: number): string {
  return `W/"${version}"`;
}

const ENTITY_TAG = /\s*(?:(\*)|(?:[Ww]\/)?"([^"]*)"|([^\s,"]+))\s*(?:,|$)/y;

/**
 * The versions named by an If-Match / If-None-Match header (RFC 9110 §13.1.1–2): `'*'`, or the
 * versions of every `W/"n"`, `"n"` (or bare `n`) in a comma-separated list. Tags that are not one
 * of Roster's versions are skipped: they match nothing, which is what a foreign tag should do.
 */
export function parseEtag(header: string): number[] | '*' {
  const versions: number[] = [];
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < header.length) {
    const start = ENTITY_TAG.lastIndex;
    const match = ENTITY_TAG.exec(header);
    if (!match) {
      // Malformed tail: skip to the next comma rather than reject the request on a header typo.
      const comma = header.indexOf(',', start);
      if (comma < 0) break;
      ENTITY_TAG.lastIndex = comma + 1;
      continue;
    }
    if (match[1] === '*') return '*';
    const text = match[2] ?? match[3] ?? '';
    if (/^\d+$/.test(text)) versions.push(Number(text));
  }
  return versions;
}

/**
 * Whether a parsed If-Match / If-None-Match list names `version`. Weak and strong tags compare
 * alike: RFC 7644 §3.14 pairs weak ETags with If-Match, so strict RFC 9110 strong comparison
 * would make every SCIM If-Match fail.
 */
export function etagMatches(tags: number[] | '*', version: number): boolean {
  return tags === '*' || tags.includes(version);
}
