import { perSecond, type RateCounters, type RateLimitRequest } from '../storage/rate-counters.js';

/** The rates of RATE_LIMIT_PER_CREDENTIAL, RATE_LIMIT_PER_IP and AUTH_FAILURES_PER_IP (0: off). */
export interface ClientLimitSettings {
  readonly perCredential: number;
  readonly perIp: number;
  readonly authFailuresPerIp: number;
}

/** Why a request was refused and for how long, for the 429's detail and Retry-After. */
export interface Refusal {
  readonly waitSeconds: number;
  readonly what: 'from this address' | 'with this credential' | 'with failed authentication from this address';
}

/**
 * The per-client rate limits of the SCIM and host APIs, counted once the request's credential is
 * known (authentication is cached, so it costs no statement): every request is counted against
 * its limits in one call of the counters, one upsert on PostgreSQL. The address is the client's
 * as TRUSTED_PROXIES allow it to be known (request.ip), never a proxy's.
 */
export class ClientLimits {
  constructor(
    private readonly counters: RateCounters,
    private readonly settings: ClientLimitSettings,
    private readonly now: () => number,
  ) {}

  /** A request that presented a valid credential. */
  async authenticated(address: string, credentialId: string): Promise<Refusal | undefined> {
    return this.count([
      ['from this address', perSecond(`ip:${address}`, this.settings.perIp, this.settings.perIp * 5)],
      ['with this credential', perSecond(`credential:${credentialId}`, this.settings.perCredential, this.settings.perCredential * 5)],
    ]);
  }

  /**
   * A request whose authentication failed: guessing credentials is slowed down per address
   * (bursts of 20). `counted` false leaves the general per-address limit out (the host API has none).
   */
  async failed(address: string, counted = true): Promise<Refusal | undefined> {
    return this.count([
      ['from this address', counted ? perSecond(`ip:${address}`, this.settings.perIp, this.settings.perIp * 5) : undefined],
      ['with failed authentication from this address', perSecond(`auth-failure:${address}`, this.settings.authFailuresPerIp, 20)],
    ]);
  }

  private async count(entries: readonly (readonly [Refusal['what'], RateLimitRequest | undefined])[]): Promise<Refusal | undefined> {
    const active = entries.filter((entry): entry is readonly [Refusal['what'], RateLimitRequest] => entry[1] !== undefined);
    if (active.length === 0) return undefined;
    const waits = await this.counters.take(
      active.map(([, request]) => request),
      this.now(),
    );
    const index = waits.findIndex((wait) => wait > 0);
    return index < 0 ? undefined : { waitSeconds: waits[index]!, what: active[index]![0] };
  }
}
