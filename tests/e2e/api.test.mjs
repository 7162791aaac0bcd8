// The job API in the page: references (media map, blob:, opfs:, resolveUri), records, filters,
// progress, cancel, notifications (HTTP POST with retries, BroadcastChannel), reload survival.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fixture, openHost, SHARED_MEDIA } from './lib.mjs';

let host;
let small;
before(async () => {
  host = await openHost();
  small = host.server.fileUrl(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'));
});
after(async () => host?.close());

/** Runs `fn(engine, args)` in the page with a fresh engine on its own database. */
function inPage(fn, args = {}, db = 'reelcut-api-test') {
  return host.page.evaluate(
    async ({ src, args, db }) => {
      const fn = new Function(`return (${src})`)();
      const engine = await window.reelcut.createEngine({ databaseName: db, resolveUri: (u) => (u.startsWith('oss://') ? args.resolveTo : Promise.reject(new Error('unknown bucket'))) });
      try {
        return await fn(engine, args);
      } finally {
        engine.terminate();
      }
    },
    { src: fn.toString(), args, db },
  );
}

const task = (URI, extra = {}) => ({ Type: 'Retrieval', Mode: 'Scene', Sources: [{ URI }], Output: { URI: 'memory:' }, ...extra });

test('media map Blob, blob: URL, opfs: path and the resolveUri hook all read the input', async () => {
  const statuses = await inPage(
    async (engine, { small, task }) => {
      const blob = await (await fetch(small)).blob();
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('inputs', { create: true });
      const fh = await dir.getFileHandle('bikes.mp4', { create: true });
      const w = await fh.createWritable();
      await w.write(blob);
      await w.close();
      const out = {};
      const mk = (uri) => ({ Type: 'Retrieval', Mode: 'Scene', Sources: [{ URI: uri }], Output: { URI: 'memory:' } });
      for (const [name, uri, media] of [
        ['media', 'episode-1', { 'episode-1': blob }],
        ['blob', URL.createObjectURL(blob), {}],
        ['opfs', 'opfs:/inputs/bikes.mp4', {}],
        ['oss', 'oss://bucket/bikes.mp4', {}],
      ]) {
        const { TaskId } = await engine.createHighlightTask(mk(uri), { media });
        const r = await engine.waitFor(TaskId);
        out[name] = `${r.Status} ${r.Code}`;
      }
      return out;
    },
    { small, resolveTo: small, task: null },
  );
  assert.deepEqual(statuses, { media: 'Succeeded Success', blob: 'Succeeded Success', opfs: 'Succeeded Success', oss: 'Succeeded Success' });
});

test('getJob, listJobs by status and tags, progress events with stage/fraction/ETA', async () => {
  const res = await inPage(
    async (engine, { small }) => {
      const progress = [];
      engine.on('progress', (p) => progress.push(p));
      const a = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' }, Tags: { show: 'A' }, UserData: 'u-a' });
      const b = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: 'https://127.0.0.1:1/none.mp4' }], Output: { URI: 'memory:' }, Tags: { show: 'B' } });
      await engine.waitFor(a.TaskId);
      await engine.waitFor(b.TaskId);
      return {
        a: await engine.getJob(a.TaskId),
        taggedA: (await engine.listJobs({ Tags: { show: 'A' } })).map((r) => r.TaskId),
        failed: (await engine.listJobs({ Status: 'Failed' })).map((r) => r.TaskId),
        bId: b.TaskId,
        progress,
      };
    },
    { small },
    'reelcut-api-list',
  );
  assert.equal(res.a.Status, 'Succeeded');
  assert.equal(res.a.UserData, 'u-a');
  assert.deepEqual(res.taggedA, [res.a.TaskId]);
  assert.ok(res.failed.includes(res.bId) && !res.failed.includes(res.a.TaskId));
  assert.ok(res.progress.length > 2);
  assert.ok(res.progress.every((p) => typeof p.Stage === 'string' && p.Fraction >= 0 && p.Fraction <= 1));
  assert.ok(res.progress.some((p) => p.EtaSeconds !== null), 'an ETA is given');
});

test('cancel stops a running job within a second and the next job runs', async () => {
  const drama = host.server.fileUrl(fixture('drama.mp4'));
  const res = await inPage(
    async (engine, { drama, small }) => {
      const { TaskId } = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: drama }], Output: { URI: 'memory:' } });
      await new Promise((resolve) => engine.on('progress', (p) => p.JobId === TaskId && p.Fraction > 0.1 && resolve()));
      const t0 = performance.now();
      await engine.cancelJob(TaskId);
      const rec = await engine.waitFor(TaskId);
      const stopMs = performance.now() - t0;
      const next = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' } });
      return { rec, stopMs, next: (await engine.waitFor(next.TaskId)).Status };
    },
    { drama, small },
    'reelcut-api-cancel',
  );
  assert.equal(res.rec.Status, 'Canceled');
  assert.equal(res.rec.Code, 'Job.Canceled');
  assert.ok(res.stopMs < 1000, `stopped in ${res.stopMs} ms`);
  assert.equal(res.next, 'Succeeded');
});

test('Notification: HTTP POST retried until it succeeds; BroadcastChannel delivery', async () => {
  let calls = 0;
  const received = [];
  host.server.addRoute((req, res, url) => {
    if (url.pathname !== '/notify') return false;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls++;
      if (calls <= 2) return void res.writeHead(503).end('busy');
      received.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
    return true;
  });
  const res = await inPage(
    async (engine, { small, notifyUrl }) => {
      const a = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' }, Notification: notifyUrl, UserData: 'ud' });
      await engine.waitFor(a.TaskId);
      await engine.flushNotifications();
      const channelMsg = new Promise((resolve) => {
        const ch = new BroadcastChannel('reelcut-test-channel');
        ch.onmessage = (e) => {
          ch.close();
          resolve(e.data);
        };
      });
      const b = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' }, Notification: 'reelcut-test-channel' });
      const msg = await channelMsg;
      return { a: await engine.getJob(a.TaskId), msg, bId: b.TaskId };
    },
    { small, notifyUrl: `${host.server.base}/notify` },
    'reelcut-api-notify',
  );
  assert.equal(calls, 3, 'two failures then success');
  assert.equal(res.a.Notification.Status, 'Delivered');
  assert.equal(res.a.Notification.Attempts, 3);
  const msg = received[0];
  assert.equal(msg.subject, res.a.TaskId);
  const content = JSON.parse(msg.content);
  assert.equal(content.TaskId, res.a.TaskId);
  assert.equal(content.Status, 'Succeeded');
  assert.equal(content.UserData, 'ud');
  assert.ok(Array.isArray(content.Highlights));
  assert.equal(JSON.parse(res.msg.content).TaskId, res.bId);
});

test('records survive a reload; a job cut off by the reload is interrupted or resumed', async () => {
  const drama = host.server.fileUrl(fixture('drama.mp4'));
  const ids = await host.page.evaluate(
    async ({ drama, small }) => {
      const engine = await window.reelcut.createEngine({ databaseName: 'reelcut-api-reload' });
      const done = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' } });
      await engine.waitFor(done.TaskId);
      const blob = await (await fetch(small)).blob();
      // A picked file (Blob) cannot be read again after a reload; an http input can.
      const picked = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: 'picked' }], Output: { URI: 'memory:' } }, { media: { picked: await (await fetch(drama)).blob() } });
      const remote = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: small }], Output: { URI: 'memory:' } });
      void blob;
      await new Promise((resolve) => engine.on('progress', (p) => p.JobId === picked.TaskId && p.Fraction > 0.05 && resolve()));
      return { done: done.TaskId, picked: picked.TaskId, remote: remote.TaskId };
    },
    { drama, small },
  );
  await host.page.reload();
  await host.page.waitForFunction(() => window.reelcutReady === true);
  const after = await host.page.evaluate(async (ids) => {
    const engine = await window.reelcut.createEngine({ databaseName: 'reelcut-api-reload' });
    const remote = await engine.waitFor(ids.remote);
    return { done: await engine.getJob(ids.done), picked: await engine.getJob(ids.picked), remote };
  }, ids);
  assert.equal(after.done.Status, 'Succeeded');
  assert.equal(after.picked.Status, 'Failed');
  assert.equal(after.picked.Code, 'Job.Interrupted');
  assert.equal(after.remote.Status, 'Succeeded');
  assert.ok(after.remote.Notes.some((n) => /resumed/.test(n)));
});

test('SubmitScreenMediaHighlightsJob validates both APIs’ shapes (JSON-string parameters too)', async () => {
  const r = await host.run('SubmitScreenMediaHighlightsJob', { InputConfig: JSON.stringify({ MediaArray: [] }) });
  assert.equal(r.Code, 'InvalidParameter.InputConfig.MediaArray');
});
