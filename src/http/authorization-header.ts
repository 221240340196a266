import type { PresentedCredential } from '../provisioning/credentials/authenticate-credential.js';

/** Reads `Authorization: Bearer …` or `Authorization: Basic …` (RFC 6750, RFC 7617). */
export function parseAuthorization(header: string | undefined): PresentedCredential | undefined {
  if (!header) return undefined;
  const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(header);
  if (!match?.[1] || !match[2]) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme === 'bearer') return { scheme: 'bearer', token: match[2] };
  if (scheme === 'basic') {
    const decoded = Buffer.from(match[2], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { scheme: 'basic', key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return undefined;
}
