// Network faults (issue 11, items 2 and 3): every upload, notification and input read has a bound;
// an output not delivered is never Success; a cancel is always Canceled. The faulty endpoints are
// routes of the test's own 127.0.0.1 server; a hung request is dropped by itself after 20 s at most.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openHost, SHARED_MEDIA } from './lib.mjs';

const NETWORK = { connectTimeoutMs: 1500, idleTimeoutMs: 1500, retryDelaysMs: [100] };
let host;
let small;
const hung = new Set();
before(async () => {
  host = await openHost();
  small = host.server.fileUrl(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'));
  host.server.addRoute((req, res, url) => {
    const hits = (counts[url.pathname] = (counts[url.pathname] ?? 0) + 1);
    void hits;
    if (url.pathname.startsWith('/hang/')) {
      // Accepts, reads the body, never answers; gone by itself after 20 s.
      req.resume();
      hung.add(res);
      setTimeout(() => res.destroy(), 20_000).unref();
      return true;
    }
    if (url.pathname.startsWith('/fail500/')) {
      req.resume();
      res.writeHead(500).end('boom');
      return true;
    }
    if (url.pathname.startsWith('/ok/')) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: url.pathname, body });
        res.writeHead(200).end('ok');
      });
      return true;
    }
    if (url.pathname === '/stall/input.mp4') {
      // Says it has Range support and a size, then never sends a slice's bytes.
      if (req.headers.range === 'bytes=0-0') {
        res.writeHead(206, { 'content-range': 'bytes 0-0/5000000', 'content-length': 1 }).end('x');
      } else {
        res.writeHead(206, { 'content-range': `bytes 0-4999999/5000000`, 'content-length': 5000000 });
        res.write(Buffer.alloc(10));
        hung.add(res);
        setTimeout(() => res.destroy(), 20_000).unref();
      }
      return true;
    }
    return false;
  });
});
after(async () => {
  for (const r of hung) r.destroy();
  await host?.close();
});
const counts = {};
const received = [];

/** Runs `fn(engine, args)` in the page with an engine using the short test timeouts. */
function inPage(fn, args = {}, db = 'reelcut-net-test') {
  return host.page.evaluate(
    async ({ src, args, db, network }) => {
      const fn = new Function(`return (${src})`)();
      const engine = await window.reelcut.createEngine({ databaseName: db, network });
      try {
        return await fn(engine, args);
      } finally {
        engine.terminate();
      }
    },
    { src: fn.toString(), args, db, network: NETWORK },
  );
}

const concat = (src, uri) => ({ Type: 'Concat', Sources: [{ URI: src, StartTime: 0, Duration: 1.5 }], Output: { URI: uri, Container: 'mp4' } });

test('an upload server that accepts and never answers: Output.UploadFailed, bounded, the queue goes on', async () => {
  const t0 = Date.now();
  const res = await inPage(
    async (engine, { a, b }) => {
      const first = await engine.createHighlightTask(a);
      const second = await engine.createHighlightTask(b);
      return { first: await engine.waitFor(first.TaskId), second: await engine.waitFor(second.TaskId) };
    },
    { a: concat(small, `${host.server.base}/hang/reel.mp4`), b: { Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' } } },
  );
  assert.ok(Date.now() - t0 < 60_000, `took ${Date.now() - t0} ms`);
  assert.equal(res.first.Status, 'Failed');
  assert.equal(res.first.Code, 'Output.UploadFailed');
  assert.equal(res.first.Outputs[0].Status, 'Failed');
  assert.equal(res.first.Outputs[0].ErrorCode, 'Output.UploadFailed');
  assert.match(res.first.Outputs[0].ErrorMessage, /timeout/);
  assert.equal(res.first.Outputs[0].UploadAttempts, 2, 'one try and one retry');
  assert.match(res.first.Outputs[0].Location, /^opfs:\/reelcut-outbox\//, 'the file is kept');
  assert.equal(res.second.Status, 'Succeeded', 'the next job was not blocked');
});

test('an upload server that always answers 500: never Success (task and screen job)', async () => {
  const res = await inPage(
    async (engine, { a, b }) => {
      const t = await engine.createHighlightTask(a);
      const j = await engine.submitScreenMediaHighlightsJob(b);
      return { task: await engine.waitFor(t.TaskId), job: await engine.waitFor(j.JobId) };
    },
    {
      a: concat(small, `${host.server.base}/fail500/reel.mp4`),
      b: { InputConfig: { MediaArray: [small] }, OutputConfig: { MediaURL: `${host.server.base}/fail500/ice_{index}.mp4`, Count: 1, MaxDuration: 3, Width: 320, Height: 180 } },
    },
  );
  assert.equal(res.task.Status, 'Failed');
  assert.equal(res.task.Code, 'Output.UploadFailed');
  assert.match(res.task.Message, /HTTP 500/);
  assert.equal(res.job.Status, 'Finished');
  assert.equal(res.job.Code, 'Output.UploadFailed');
  assert.equal(res.job.Result, 'Failed');
  assert.equal(res.job.SubJobList[0].Status, 'Failed');
  assert.equal(res.job.SubJobList[0].ErrorCode, 'Output.UploadFailed');
});

test('cancel during a hung upload records Canceled, not done/Success', async () => {
  const res = await inPage(
    async (engine, { a }) => {
      const t = await engine.createHighlightTask(a);
      await new Promise((resolve) => {
        const off = engine.on('progress', (p) => p.JobId === t.TaskId && p.Stage === 'deliver' && (off(), resolve()));
      });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      await engine.cancelJob(t.TaskId);
      const rec = await engine.waitFor(t.TaskId);
      return { rec, ms: performance.now() - t0 };
    },
    { a: concat(small, `${host.server.base}/hang/cancel.mp4`) },
  );
  assert.equal(res.rec.Status, 'Canceled');
  assert.equal(res.rec.Code, 'Job.Canceled');
  assert.notEqual(res.rec.Progress.Stage, 'done');
  assert.ok(res.rec.Progress.Fraction < 1);
  assert.ok(res.ms < 1500, `cancel took ${res.ms} ms`);
});

test('a notification server that never answers: recorded as Failed, flush returns, later notifications go out', async () => {
  received.length = 0;
  const t0 = Date.now();
  const res = await inPage(
    async (engine, { small, hang, ok }) => {
      const a = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' }, Notification: hang });
      const b = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' }, Notification: ok });
      await engine.waitFor(a.TaskId);
      await engine.waitFor(b.TaskId);
      // b's notification is delivered while a's still waits.
      const deadline = performance.now() + 1000;
      while (performance.now() < deadline && (await engine.getJob(b.TaskId)).Notification?.Status !== 'Delivered') await new Promise((r) => setTimeout(r, 50));
      const bEarly = (await engine.getJob(b.TaskId)).Notification;
      await engine.flushNotifications();
      return { a: await engine.getJob(a.TaskId), bEarly };
    },
    { small, hang: `${host.server.base}/hang/notify`, ok: `${host.server.base}/ok/notify` },
  );
  assert.ok(Date.now() - t0 < 60_000);
  assert.equal(res.a.Status, 'Succeeded', 'the job itself is not failed by its notification');
  assert.equal(res.a.Notification.Status, 'Failed');
  assert.equal(res.a.Notification.Attempts, 2);
  assert.match(res.a.Notification.Error, /timeout/);
  assert.equal(res.bEarly?.Status, 'Delivered', 'the hung notification did not hold up the next one');
  assert.equal(received.length, 1);
});

test('an input whose body stalls fails the job (timed out) instead of running until canceled', async () => {
  const t0 = Date.now();
  const rec = await inPage(
    async (engine, { uri }) => {
      const t = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: uri }], Output: { URI: 'memory:' } });
      return engine.waitFor(t.TaskId);
    },
    { uri: `${host.server.base}/stall/input.mp4` },
  );
  assert.ok(Date.now() - t0 < 30_000, `took ${Date.now() - t0} ms`);
  assert.equal(rec.Status, 'Failed');
  assert.equal(rec.Code, 'InvalidMedia.NotFound');
  assert.match(rec.Message, /timed out/);
  assert.doesNotMatch(rec.Message, /^InvalidMedia/);
});

void fs;
