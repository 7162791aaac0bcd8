// The command line contract: npm run reel -- --request REQ.json --out DIR (and the shortcut).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { root } from '../../cli/harness.mjs';
import { SHARED_MEDIA, sharedMediaFiles } from './lib.mjs';

const reel = (args, cwd = root) => spawnSync('node', [path.join(root, 'cli/reel.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 300_000 });

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-cli-'));
}

test('--request with a relative path writes result.json and exits 0', () => {
  sharedMediaFiles();
  const dir = tempDir();
  fs.copyFileSync(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'), path.join(dir, 'bikes.mp4'));
  // Written as text: a "__proto__" tag is an own key in JSON, and must stay one in result.json.
  fs.writeFileSync(
    path.join(dir, 'req.json'),
    '{"Action": "CreateHighlightTask", "Type": "Retrieval", "Mode": "Scene", "Sources": [{"URI": "bikes.mp4"}], "Output": {"URI": "out.json"}, ' +
      '"Tags": {"show": "bikes", "__proto__": "polluted?"}, "UserData": "{\\"id\\":7}"}',
  );
  const r = reel(['--request', path.join(dir, 'req.json'), '--out', path.join(dir, 'out')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /analyse/, 'progress on stderr');
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8'));
  assert.equal(result.Status, 'Succeeded');
  assert.ok(result.TaskId && result.RequestId && result.EventId);
  assert.equal(result.UserData, '{"id":7}');
  assert.deepEqual(Object.keys(result.Tags).sort(), ['__proto__', 'show'], 'the __proto__ tag is kept as a key, as in the engine record');
  assert.equal(result.Tags.show, 'bikes');
  assert.equal(Object.getOwnPropertyDescriptor(result.Tags, '__proto__')?.value, 'polluted?');
  assert.ok(result.Highlights.length > 0);
  for (const h of result.Highlights) {
    assert.equal(h.URI, 'bikes.mp4', 'URIs as the user wrote them');
    assert.deepEqual(Object.keys(h).sort(), ['End', 'Reasons', 'Score', 'Source', 'Start', 'URI']);
  }
});

test('a failing job exits non-zero with its Code in result.json and on stderr', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'req.json'), JSON.stringify({ Action: 'CreateHighlightTask', Type: 'Retrieval', Sources: [{ URI: 'missing.mp4' }], Output: { URI: 'x.json' } }));
  const r = reel(['--request', path.join(dir, 'req.json'), '--out', path.join(dir, 'out')]);
  assert.notEqual(r.status, 0);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8'));
  assert.equal(result.Code, 'InvalidMedia.NotFound');
  assert.match(r.stderr, /InvalidMedia\.NotFound/);
});

test('an invalid request exits non-zero with InvalidParameter', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'req.json'), JSON.stringify({ Action: 'CreateHighlightTask', Type: 'Retrieval', Mode: 'Sometimes', Sources: [{ URI: 'a.mp4' }], Output: { URI: 'x' } }));
  const r = reel(['--request', path.join(dir, 'req.json'), '--out', path.join(dir, 'out')]);
  assert.notEqual(r.status, 0);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8'));
  assert.equal(result.Code, 'InvalidParameter.Mode');
  assert.match(r.stderr, /InvalidParameter\.Mode/);
  // The code is said once: not repeated inside the message, nor twice on stderr.
  assert.doesNotMatch(result.Message, /InvalidParameter/, result.Message);
  assert.equal(r.stderr.match(/InvalidParameter\.Mode/g).length, 1, r.stderr);
});

test('shortcut: npm run reel -- a.mp4 b.mp4 runs a default job over both', () => {
  const dir = tempDir();
  const a = path.join(SHARED_MEDIA, 'bikes-noaudio.mp4');
  const b = path.join(SHARED_MEDIA, 'bbb-180p-vp9.webm');
  const r = reel([a, b, '--out', path.join(dir, 'out')]);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8'));
  assert.deepEqual(result.Sources.map((s) => s.URI), [a, b], 'both inputs analysed, in order');
  assert.ok(result.Highlights.length >= 1);
  for (const h of result.Highlights) assert.equal(h.URI, [a, b][h.Source]);
});

test('--help lists every option with examples and exits 0; a bad option exits 2 before anything runs', () => {
  const r = reel(['--help']);
  assert.equal(r.status, 0, r.stderr);
  for (const opt of ['--request', '--out', '--mode', '--reels', '--max-duration', '--target-duration', '--size', '--transitions', '--hook', '--music', 'examples:']) {
    assert.ok(r.stdout.includes(opt), `--help mentions ${opt}`);
  }
  for (const [args, said] of [[['--size', '12', 'a.mp4'], /--size is WIDTHxHEIGHT/], [['--reels', 'two', 'a.mp4'], /--reels needs a positive number/], [['--frobnicate'], /unknown option --frobnicate/]]) {
    const bad = reel(args);
    assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, said);
  }
  const dir = tempDir();
  const missing = reel(['no-such-episode.mp4', '--reels', '2', '--out', path.join(dir, 'out')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /InvalidMedia\.NotFound: no-such-episode\.mp4: no such file/);
});

test('reels from the command line without JSON: --reels, --max-duration, --size, --transitions', () => {
  const dir = tempDir();
  const input = path.join(SHARED_MEDIA, 'speech-timecode-720p.mp4');
  const out = path.join(dir, 'out');
  const r = reel([input, '--reels', '2', '--max-duration', '4', '--size', '360x640', '--transitions', 'fade', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
  assert.equal(result.Status, 'Finished');
  assert.equal(result.SubJobList.length, 2);
  for (const o of result.SubJobList) {
    assert.equal(o.MediaURL, path.join(out, `reel_${o.Index}.mp4`));
    assert.equal(o.Status, 'Success', JSON.stringify(o));
    assert.deepEqual([o.Width, o.Height], [360, 640]);
    assert.ok(o.Duration <= 4 + 0.05, `MaxDuration 4: ${o.Duration}`);
    assert.ok(fs.statSync(o.MediaURL).size > 1000);
  }
});

test('a render request writes its output files into --out and their paths into result.json', () => {
  const dir = tempDir();
  fs.copyFileSync(path.join(SHARED_MEDIA, 'bbb-720p-surround51.mp4'), path.join(dir, 'bbb.mp4'));
  fs.writeFileSync(
    path.join(dir, 'req.json'),
    JSON.stringify({ Action: 'SubmitScreenMediaHighlightsJob', InputConfig: { MediaArray: ['bbb.mp4'] }, OutputConfig: { MediaURL: 'reel_{index}.mp4', Count: 1, MaxDuration: 5 } }),
  );
  const out = path.join(dir, 'out');
  const r = reel(['--request', path.join(dir, 'req.json'), '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
  assert.equal(result.Status, 'Finished');
  assert.equal(result.SubJobList[0].MediaURL, path.join(out, 'reel_1.mp4'));
  assert.ok(fs.statSync(path.join(out, 'reel_1.mp4')).size > 10_000);
});

/** Runs the CLI without blocking this process (a test server must answer meanwhile). */
function reelAsync(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn('node', [path.join(root, 'cli/reel.mjs'), ...args], { cwd: root, env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.resume();
    const kill = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('exit', (status) => {
      clearTimeout(kill);
      resolve({ status, stderr });
    });
  });
}

/** A 127.0.0.1 server that answers every PUT with 500 and never answers a POST; closes itself after 120 s. */
async function faultServer() {
  const held = new Set();
  const server = http.createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-methods', 'PUT, POST');
    res.setHeader('access-control-allow-headers', 'content-type');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    req.resume();
    if (req.method === 'PUT') return void res.writeHead(500).end('boom');
    held.add(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const close = () => {
    for (const r of held) r.destroy();
    server.closeAllConnections?.();
    server.close();
  };
  setTimeout(close, 120_000).unref();
  return { base: `http://127.0.0.1:${server.address().port}`, close };
}

/** Runs a 1.5 s Concat of bikes through the CLI with `Output` (and `extra` request fields), against
 * a server that fails every upload; returns the CLI's exit, its `--out` folder and `result.json`. */
async function concatAgainstFault(Output, extra = {}) {
  const dir = tempDir();
  fs.copyFileSync(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'), path.join(dir, 'bikes.mp4'));
  fs.writeFileSync(
    path.join(dir, 'req.json'),
    JSON.stringify({ Action: 'CreateHighlightTask', Type: 'Concat', Sources: [{ URI: 'bikes.mp4', StartTime: 0, Duration: 1.5 }], Output, ...extra }),
  );
  const out = path.join(dir, 'out');
  const r = await reelAsync(['--request', path.join(dir, 'req.json'), '--out', out], { REELCUT_NETWORK: JSON.stringify({ connectTimeoutMs: 1500, idleTimeoutMs: 1500, retryDelaysMs: [100] }) });
  assert.equal(r.status, 1, r.stderr);
  return { r, out, result: JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8')) };
}

test('an output that cannot be uploaded: exit 1, Output.UploadFailed, the file kept in --out/undelivered/; a hung notification does not keep the CLI from exiting', async () => {
  const fault = await faultServer();
  try {
    const { r, out, result } = await concatAgainstFault({ URI: `${fault.base}/up/reel.mp4`, Container: 'mp4' }, { Notification: `${fault.base}/notify` });
    assert.equal(result.Status, 'Failed');
    assert.equal(result.Code, 'Output.UploadFailed');
    const o = result.Outputs[0];
    assert.equal(o.Status, 'Failed');
    assert.ok(o.Location.startsWith(path.join(out, 'undelivered') + path.sep), o.Location);
    assert.ok(fs.statSync(o.Location).size > 1000, 'the undelivered file is there');
    assert.ok(o.ErrorMessage.includes(o.Location), 'the message names where the file is');
    assert.doesNotMatch(JSON.stringify(result), /opfs:|\/files\//);
    assert.equal(result.Notification.Status, 'Failed');
    assert.match(r.stderr, /Output\.UploadFailed/);
    assert.match(r.stderr, /undelivered/);
    assert.doesNotMatch(r.stderr, /\/files\/|%2F/);
  } finally {
    fault.close();
  }
});

test('an HLS output that cannot be uploaded: every file it kept (segments and playlist) is copied to --out/undelivered/, beside each other', async () => {
  const fault = await faultServer();
  try {
    const { out, result } = await concatAgainstFault({ URI: `${fault.base}/up/cut.m3u8`, Container: 'mp4', Segment: { Format: 'hls', Duration: 0.5 } });
    assert.equal(result.Code, 'Output.UploadFailed');
    const o = result.Outputs[0];
    const names = o.Files.map((f) => f.Name);
    assert.equal(names[0], 'cut_init.mp4');
    assert.equal(names[names.length - 1], 'cut.m3u8');
    assert.ok(names.length >= 5, names.join(' '));
    // The first PUT failed, so nothing was uploaded: every file is kept, and copied out whole.
    const folder = path.dirname(o.Location);
    assert.ok(folder.startsWith(path.join(out, 'undelivered') + path.sep), o.Location);
    assert.equal(o.Location, path.join(folder, 'cut.m3u8'));
    for (const f of o.Files) {
      assert.equal(f.Location, path.join(folder, f.Name), `${f.Name} kept beside the playlist`);
      assert.equal(fs.statSync(f.Location).size, f.Size, `${f.Name} copied whole`);
    }
    assert.ok(o.ErrorMessage.includes(o.Files[0].Location), 'the message names where the failed file is');
    assert.doesNotMatch(JSON.stringify(result), /opfs:|\/files\//);
    // The copies work together: ffmpeg reads the playlist with its segments, every frame.
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', o.Location], { encoding: 'utf8' });
    assert.equal(probe.status, 0, probe.stderr);
    const frames = o.Frames / o.FrameRate;
    assert.ok(Math.abs(Number(probe.stdout.trim()) - frames) < 0.002, `ffprobe ${probe.stdout.trim()} vs ${o.Frames} frames at ${o.FrameRate}`);
  } finally {
    fault.close();
  }
});

test('output names that leave --out are refused with InvalidParameter before anything runs', () => {
  for (const name of ['../escape_{index}.mp4', 'a\\b.mp4']) {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'req.json'), JSON.stringify({ Action: 'SubmitScreenMediaHighlightsJob', InputConfig: { MediaArray: ['x.mp4'] }, OutputConfig: { MediaURL: name } }));
    const r = reel(['--request', path.join(dir, 'req.json'), '--out', path.join(dir, 'out')]);
    assert.equal(r.status, 1, r.stderr);
    const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8'));
    assert.equal(result.Code, 'InvalidParameter.OutputConfig.MediaURL', name);
    assert.ok(!fs.existsSync(path.join(dir, 'escape_1.mp4')));
  }
});

test('a missing input is reported with the path the user wrote, not an internal URL', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'req.json'), JSON.stringify({ Action: 'CreateHighlightTask', Type: 'Retrieval', Sources: [{ URI: 'nope/missing.mp4' }], Output: { URI: 'x.json' } }));
  const r = reel(['--request', path.join(dir, 'req.json'), '--out', path.join(dir, 'out')]);
  assert.notEqual(r.status, 0);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8'));
  assert.match(result.Message, /nope\/missing\.mp4/);
  assert.doesNotMatch(result.Message + r.stderr, /\/files\/|%2F|127\.0\.0\.1/);
});
