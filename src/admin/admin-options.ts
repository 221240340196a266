import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { ActivityRecorder } from '../provisioning/tenants/activity-recorder.js';
import type { RequestLogWriter } from '../provisioning/tenants/request-log-writer.js';

/** What the admin API needs from the composition root. */
export interface AdminApiOptions {
  readonly rt: ProvisioningRuntime;
  /** Last SCIM request / change and credential use not yet written to the database. */
  readonly activity: ActivityRecorder;
  /** Flushed before the log is read, so the console shows the request that just happened. */
  readonly requestLog: RequestLogWriter;
  /** PUBLIC_URL (may be empty: then URLs come from the request). */
  readonly publicUrl: string;
  /** SYNC_STALE_AFTER_MINUTES in ms: the silence the tenants' health badge reports, as `roster doctor` does. */
  readonly syncStaleAfterMs?: number;
  /** SIGN_IN_ATTEMPTS_PER_ADDRESS: console sign-ins one client address may try per minute, any emails (0 or absent: no limit). */
  readonly signInAttemptsPerAddress?: number;
  /** Tests and development: every answer is checked against its route's declared schema (a mismatch is a 500). */
  readonly checkResponses?: boolean;
}
