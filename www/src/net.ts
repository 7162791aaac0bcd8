// Every network wait has a bound (issue 11). One policy for the whole package:
// - connect timeout: from sending a request until the response headers arrive (for an upload,
//   until the first byte of the body has gone out, and again from the last body byte until the
//   response headers);
// - idle timeout: while a body moves (either direction), no progress for this long aborts it;
// - retries: uploads (PUT) and notifications (POST) are tried 1 + retryDelaysMs.length times, waiting
//   the listed delays between attempts; a 4xx answer other than 408/429 is not retried. Input reads
//   (GET with Range) are not retried: a timeout fails the job with InvalidMedia.NotFound naming it.
// The README's "Limits and guarantees" section lists the same figures.

export interface NetworkPolicy {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  retryDelaysMs: number[];
}

export const DEFAULT_NETWORK_POLICY: NetworkPolicy = Object.freeze({
  connectTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  retryDelaysMs: [500, 1500, 4000],
}) as NetworkPolicy;

let policy: NetworkPolicy = { ...DEFAULT_NETWORK_POLICY };

/** Sets the policy for this realm (page or worker); missing or invalid fields keep the default. */
export function setNetworkPolicy(p: Partial<NetworkPolicy> | undefined): void {
  const ms = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);
  policy = {
    connectTimeoutMs: ms(p?.connectTimeoutMs, DEFAULT_NETWORK_POLICY.connectTimeoutMs),
    idleTimeoutMs: ms(p?.idleTimeoutMs, DEFAULT_NETWORK_POLICY.idleTimeoutMs),
    retryDelaysMs: Array.isArray(p?.retryDelaysMs) ? p!.retryDelaysMs.filter((d) => typeof d === 'number' && d >= 0).slice(0, 10) : [...DEFAULT_NETWORK_POLICY.retryDelaysMs],
  };
}

export function networkPolicy(): NetworkPolicy {
  return policy;
}

export class NetworkTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkTimeout';
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * fetch with the connect timeout until the headers arrive. The returned `abort` ends the request
 * (use it, or `readBody`, for the body). A timeout rejects with NetworkTimeout; `signal` aborting
 * rejects with its reason.
 */
export async function timedFetch(url: string, init: RequestInit, signal?: AbortSignal): Promise<{ res: Response; controller: AbortController }> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) throw signal.reason ?? new DOMException('aborted', 'AbortError');
  signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, policy.connectTimeoutMs);
  try {
    const res = await fetch(url, { ...init, signal: controller.signal });
    return { res, controller };
  } catch (e) {
    if (timedOut) throw new NetworkTimeout(`no response within ${policy.connectTimeoutMs} ms (connect timeout)`);
    throw e;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Reads a response body as a Blob, aborting when no bytes arrive for the idle timeout. */
export async function readBody(res: Response, controller: AbortController, type = ''): Promise<Blob> {
  if (!res.body) return new Blob([], { type });
  const reader = res.body.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new NetworkTimeout(`the body stalled: no bytes for ${policy.idleTimeoutMs} ms (idle timeout)`));
      }, policy.idleTimeoutMs);
    });
    try {
      const { done, value } = await Promise.race([reader.read(), idle]);
      if (done) break;
      parts.push(value as Uint8Array<ArrayBuffer>);
    } finally {
      clearTimeout(timer);
    }
  }
  return new Blob(parts, { type });
}

/** Discards a body without waiting for it. */
export function dropBody(res: Response, controller: AbortController): void {
  res.body?.cancel().catch(() => undefined);
  controller.abort();
}

/**
 * HTTP PUT of a Blob with XMLHttpRequest, which reports upload progress: the connect timeout runs
 * until the body starts to move and again after its last byte until the response; the idle timeout
 * runs while it moves. Resolves with the HTTP status; rejects on a network error or a timeout.
 */
export function timedPut(url: string, body: Blob, headers: Record<string, string>, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    const xhr = new XMLHttpRequest();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const arm = (ms: number, what: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // Settle first: abort() fires onabort synchronously.
        finish(() => reject(new NetworkTimeout(`${what} (${ms} ms)`)));
        xhr.abort();
      }, ms);
    };
    const onAbort = () => {
      finish(() => reject(signal?.reason ?? new DOMException('aborted', 'AbortError')));
      xhr.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.open('PUT', url, true);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = () => arm(policy.idleTimeoutMs, 'the upload stalled (idle timeout)');
    xhr.upload.onload = () => arm(policy.connectTimeoutMs, 'the server took the whole body and did not answer (connect timeout)');
    xhr.onprogress = () => arm(policy.idleTimeoutMs, 'the response stalled (idle timeout)');
    xhr.onload = () => finish(() => resolve(xhr.status));
    xhr.onerror = () => finish(() => reject(new Error('network error')));
    xhr.onabort = () => finish(() => reject(new Error('aborted')));
    arm(policy.connectTimeoutMs, 'no connection or no answer (connect timeout)');
    xhr.send(body);
  });
}
