// Delivery of HLS/DASH outputs (issue 8): to OPFS every file lands beside the playlist and reads
// back whole; to an upload server that fails one segment, the job reports Output.UploadFailed,
// the playlist is never uploaded (no published playlist names a missing segment) and every file
// not uploaded is kept in OPFS.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openHost, toneClip } from './lib.mjs';

// One try and one retry, quickly (www/src/net.ts).
const NETWORK = { connectTimeoutMs: 1500, idleTimeoutMs: 1500, retryDelaysMs: [100] };
let host;
let dir;
let srcUrl;
const puts = []; // { name, status, bytes } of every PUT to /segfail/, in order
before(async () => {
  host = await openHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-seg-deliver-'));
  srcUrl = host.server.fileUrl(toneClip(path.join(dir, 'src.mp4'), { size: '320x240', duration: 7 }));
  // Accepts every file but the second media segment, which always gets 500.
  host.server.addRoute((req, res, url) => {
    if (!url.pathname.startsWith('/segfail/')) return false;
    const name = url.pathname.slice('/segfail/'.length);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const status = name.endsWith('_4.m4s') ? 500 : 201;
      puts.push({ name, status, bytes: Buffer.concat(chunks).length });
      res.writeHead(status).end();
    });
    return true;
  });
});
after(async () => {
  await host?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `request` in the page with the short network policy; returns the record and, for each
 * `opfs:` location of its first output's files, the file's bytes (base64) read back from OPFS. */
function runAndRead(request) {
  return host.page.evaluate(
    async ({ request, network }) => {
      const engine = await window.reelcut.createEngine({ databaseName: 'reelcut-seg-deliver', network });
      try {
        const { TaskId } = await engine.createHighlightTask(request);
        await engine.waitFor(TaskId);
        const record = await engine.getJob(TaskId);
        const read = async (location) => {
          const parts = location.replace(/^opfs:\/*/, '').split('/').filter(Boolean);
          let d = await navigator.storage.getDirectory();
          for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
          const bytes = new Uint8Array(await (await (await d.getFileHandle(parts[parts.length - 1])).getFile()).arrayBuffer());
          let s = '';
          for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          return btoa(s);
        };
        const kept = {};
        for (const f of record.Outputs?.[0]?.Files ?? []) {
          const at = f.Location ?? f.URI;
          if (at.startsWith('opfs:')) kept[at] = await read(at);
        }
        for (const f of record.Outputs?.[0]?.Files ?? []) delete f.Blob;
        delete record.Outputs?.[0]?.Blob;
        return JSON.stringify({ record, kept });
      } finally {
        engine.terminate();
      }
    },
    { request, network: NETWORK },
  ).then(JSON.parse);
}

const hls = (uri) => ({
  Type: 'Concat',
  Sources: [{ URI: srcUrl, StartTime: 1, Duration: 5 }],
  Output: { URI: uri, Container: 'mp4', Segment: { Format: 'hls', Duration: 2, StartNumber: 3 } },
});
const NAMES = ['cut_init.mp4', 'cut_3.m4s', 'cut_4.m4s', 'cut_5.m4s', 'cut.m3u8'];

test('opfs: HLS output: every segment and the playlist land in OPFS beside each other and read back whole', async () => {
  const { record, kept } = await runAndRead(hls('opfs:/seg-deliver/hls/cut.m3u8'));
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.equal(out.URI, 'opfs:/seg-deliver/hls/cut.m3u8');
  assert.deepEqual(out.Files.map((f) => f.Name), NAMES);
  const local = path.join(dir, 'from-opfs');
  fs.mkdirSync(local, { recursive: true });
  for (const f of out.Files) {
    assert.equal(f.URI, `opfs:/seg-deliver/hls/${f.Name}`, 'beside the playlist');
    assert.equal(f.Location, undefined, 'delivered where asked');
    const bytes = Buffer.from(kept[f.URI], 'base64');
    assert.equal(bytes.length, f.Size, `${f.Name} reads back whole`);
    fs.writeFileSync(path.join(local, f.Name), bytes);
  }
  // The files read back work together: ffmpeg decodes the playlist to its exact duration.
  const playlist = path.join(local, 'cut.m3u8');
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', playlist, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(decode.status, 0, decode.stderr);
  assert.equal(decode.stderr.trim(), '');
  const probed = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', playlist], { encoding: 'utf8' });
  assert.ok(Math.abs(Number(probed.stdout.trim()) - out.Duration) < 0.002, `ffprobe ${probed.stdout.trim()} vs record ${out.Duration}`);
});

test('PUT upload where one segment always fails: Output.UploadFailed, the playlist is not uploaded, every file not uploaded is kept in OPFS', async () => {
  puts.length = 0;
  const { record, kept } = await runAndRead(hls(`${host.server.base}/segfail/cut.m3u8?sig=abc`));
  assert.equal(record.Status, 'Failed');
  assert.equal(record.Code, 'Output.UploadFailed');
  const out = record.Outputs[0];
  assert.equal(out.Status, 'Failed');
  assert.equal(out.ErrorCode, 'Output.UploadFailed');
  assert.match(out.ErrorMessage, /cut_4\.m4s.*HTTP 500/);
  assert.match(out.ErrorMessage, /not uploaded and are kept/);
  assert.deepEqual(out.Files.map((f) => f.Name), NAMES);
  // In order, the failing segment tried once and retried once, nothing after it: the playlist
  // never names a segment the server does not have.
  assert.deepEqual(puts.map((p) => `${p.name} ${p.status}`), ['cut_init.mp4 201', 'cut_3.m4s 201', 'cut_4.m4s 500', 'cut_4.m4s 500']);
  assert.equal(out.UploadAttempts, 4);
  const size = Object.fromEntries(out.Files.map((f) => [f.Name, f.Size]));
  for (const p of puts.filter((x) => x.status === 201)) assert.equal(p.bytes, size[p.name], `${p.name} uploaded whole`);
  // Nothing is lost: the uploaded files are at their URLs (the query kept), the rest are in the
  // outbox, in one folder, each whole.
  const [uploaded, rest] = [out.Files.slice(0, 2), out.Files.slice(2)];
  for (const f of uploaded) {
    assert.equal(f.URI, `${host.server.base}/segfail/${f.Name}?sig=abc`);
    assert.equal(f.Location, undefined, `${f.Name} was delivered`);
  }
  const folder = path.posix.dirname(rest[0].Location ?? '');
  assert.match(folder, /^opfs:\/reelcut-outbox\/[^/]+$/);
  for (const f of rest) {
    assert.equal(f.Location, `${folder}/${f.Name}`, `${f.Name} kept beside the others`);
    assert.equal(Buffer.from(kept[f.Location], 'base64').length, f.Size, `${f.Name} kept whole`);
  }
  assert.equal(out.Location, `${folder}/cut.m3u8`, 'the record points at the kept playlist');
});
