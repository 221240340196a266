/** The console's session cookie: HttpOnly, SameSite=Strict, Secure behind https, scoped to the console's path (/admin, under a host's mount path if any). */
export const SESSION_COOKIE = 'roster_admin';
/** The cookie of a session opened with a setup link: same flags, its own name, never an admin's. */
export const SETUP_COOKIE = 'roster_setup';

/** The value of one cookie in a Cookie header (RFC 6265 §5.4), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function sessionCookie(value: string, options: { maxAgeSeconds: number; secure: boolean; mountPath?: string; name?: string }): string {
  const parts = [
    `${options.name ?? SESSION_COOKIE}=${value}`,
    `Path=${options.mountPath ?? ''}/admin`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${options.maxAgeSeconds}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(secure: boolean, mountPath = '', name: string = SESSION_COOKIE): string {
  return sessionCookie('', { maxAgeSeconds: 0, secure, mountPath, name });
}
