/** One signed POST to a receiver. */
export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

/** What came back: a status, or the reason nothing did (refused, reset, timed out). */
export type WebhookResponse = { readonly status: number } | { readonly error: string };

/** Sends a webhook; never throws. Tests may pass another transport, production uses `httpTransport`. */
export type WebhookTransport = (request: WebhookRequest) => Promise<WebhookResponse>;

/**
 * POST with Node's fetch: redirects are not followed (a 3xx is not a 2xx, so it is retried), and
 * the body of the answer is discarded unread.
 */
export const httpTransport: WebhookTransport = async (request) => {
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    await response.body?.cancel().catch(() => {});
    return { status: response.status };
  } catch (error) {
    return { error: describe(error) };
  }
};

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const cause = (error as { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? code : error.message;
  }
  return String(error);
}
