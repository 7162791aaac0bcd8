// Completion notifications: an http(s) NotifyAddress receives a POST (retried with backoff);
// any other name is a BroadcastChannel, so another tab can listen (SPEC section 1).

import { dropBody, networkPolicy, sleep, timedFetch } from './net';

/** What the job record keeps of its completion notification (`Notification` on the record). */
export interface NotifyResult {
  Target: string;
  Status: 'Delivered' | 'Failed';
  Attempts: number;
  Error?: string;
}

export async function notify(target: string, message: unknown): Promise<NotifyResult> {
  if (/^https?:\/\//i.test(target)) return postWithRetries(target, message);
  try {
    const channel = new BroadcastChannel(target);
    try {
      channel.postMessage(message);
    } finally {
      channel.close();
    }
  } catch (e) {
    return { Target: target, Status: 'Failed', Attempts: 1, Error: e instanceof Error ? e.message : String(e) };
  }
  return { Target: target, Status: 'Delivered', Attempts: 1 };
}

/** POST with the package's network policy (net.ts): bounded waits, retried with backoff. */
async function postWithRetries(url: string, message: unknown): Promise<NotifyResult> {
  let lastError = '';
  let attempts = 0;
  const delays = networkPolicy().retryDelaysMs;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    attempts++;
    try {
      const { res, controller } = await timedFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
      dropBody(res, controller);
      if (res.ok) return { Target: url, Status: 'Delivered', Attempts: attempts };
      lastError = `HTTP ${res.status}`;
      // Client errors other than rate limiting will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) break;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (attempt < delays.length) await sleep(delays[attempt]);
  }
  return { Target: url, Status: 'Failed', Attempts: attempts, Error: lastError };
}
