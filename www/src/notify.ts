// Completion notifications: an http(s) NotifyAddress receives a POST (retried with backoff);
// any other name is a BroadcastChannel, so another tab can listen (SPEC section 1).

export interface NotifyResult {
  target: string;
  delivered: boolean;
  attempts: number;
  error?: string;
}

const RETRY_DELAYS_MS = [500, 1500, 4000];

export async function notify(target: string, message: unknown): Promise<NotifyResult> {
  if (/^https?:\/\//i.test(target)) return postWithRetries(target, message);
  const channel = new BroadcastChannel(target);
  try {
    channel.postMessage(message);
  } finally {
    channel.close();
  }
  return { target, delivered: true, attempts: 1 };
}

async function postWithRetries(url: string, message: unknown): Promise<NotifyResult> {
  let lastError = '';
  let attempts = 0;
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    attempts++;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
      if (res.ok) return { target: url, delivered: true, attempts };
      lastError = `HTTP ${res.status}`;
      // Client errors other than rate limiting will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) break;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (attempt < RETRY_DELAYS_MS.length) await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
  }
  return { target: url, delivered: false, attempts, error: lastError };
}
