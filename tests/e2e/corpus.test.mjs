// Issue 11 through the real job in Chromium: no input of the corpus (the bad and edge fixture sets,
// crafted files) ends a job with `Internal`; headers that lie about the length never make a job
// render or rank time without samples; a job over the memory ceiling is refused before rendering.
// The crafted files are made here with ffmpeg and patched in place (nothing binary is committed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, FIXTURES, fixture, openHost } from './lib.mjs';

const REAL_S = 8;
let host;
let dir;
let lying;
let allKeys;

/** Offsets of the payloads of every `fourcc` box (a scan: good enough for small ffmpeg files). */
function boxPayloads(buf, fourcc) {
  const out = [];
  for (let i = buf.indexOf(fourcc, 4); i >= 0; i = buf.indexOf(fourcc, i + 1)) out.push(i + 4);
  return out;
}

function ffmpeg(args) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-corpus-'));
  const honest = path.join(dir, 'honest.mp4');
  // 8 s of moving picture and a tone, one key frame a second.
  ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=25:duration=${REAL_S}`, '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${REAL_S}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-bf', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', honest]);
  const data = fs.readFileSync(honest);
  // mvhd (version 0): timescale at +12, duration at +16 of the payload. Claim 10 hours.
  const mvhd = boxPayloads(data, 'mvhd')[0];
  const lie = Buffer.from(data);
  lie.writeUInt32BE(36_000 * lie.readUInt32BE(mvhd + 12), mvhd + 16);
  lying = path.join(dir, 'claims-10-hours.mp4');
  fs.writeFileSync(lying, lie);
  // The sync table renumbered 1..n: P frames marked as key frames.
  const keys = Buffer.from(data);
  const stss = boxPayloads(keys, 'stss')[0];
  const count = keys.readUInt32BE(stss + 4);
  for (let i = 0; i < count; i++) keys.writeUInt32BE(i + 1, stss + 8 + 4 * i);
  allKeys = path.join(dir, 'p-frames-marked-key.mp4');
  fs.writeFileSync(allKeys, keys);
  host = await openHost();
});
after(async () => {
  await host?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const concat = (sources, extra = {}) => ({ Type: 'Concat', Sources: sources, Output: { URI: host.uploadUrl(`c${Math.random().toString(36).slice(2)}.mp4`), Container: 'mp4', ...extra } });
const notInternal = (record, what) => assert.ok(record.Code !== 'Internal' && !/^Internal/.test(record.Message ?? ''), `${what}: ${record.Code}: ${record.Message}`);

test('no bad or edge fixture, nor a crafted file, ends a job with Internal', async () => {
  const bad = fs.readdirSync(path.join(FIXTURES, 'bad')).sort();
  const edge = fs.readdirSync(path.join(FIXTURES, 'edge')).filter((f) => /\.(mp4|mov|mkv|webm)$/.test(f)).sort();
  assert.ok(bad.length >= 5 && edge.length >= 10, `the fixture sets exist (bad: ${bad.length}, edge: ${edge.length}); run bash scripts/make_fixtures.sh bad edge`);
  for (const name of bad) {
    const record = await host.run('CreateHighlightTask', concat([{ URI: host.server.fileUrl(fixture(`bad/${name}`)), StartTime: 0, Duration: 1 }]));
    notInternal(record, `bad/${name}`);
    assert.equal(record.Status, 'Failed', `bad/${name}`);
    assert.match(record.Code, /^InvalidMedia\.(Corrupt|Unsupported)$/, `bad/${name}: ${record.Message}`);
  }
  // Every edge file rendered (decoded, composed and mixed), up to 10 per Concat (the API's limit);
  // a failure names its input.
  for (let i = 0; i < edge.length; i += 8) {
    const group = edge.slice(i, i + 8);
    const record = await host.run('CreateHighlightTask', concat(group.map((name) => ({ URI: host.server.fileUrl(fixture(`edge/${name}`)), StartTime: 0, Duration: 1 }))));
    notInternal(record, `edge ${group.join(', ')}`);
    assert.equal(record.Status, 'Succeeded', `edge ${group.join(', ')}: ${record.Code}: ${record.Message}`);
  }
  // A decoder that rejects the data fails the job as the input's fault: starting at 2.5 s, the
  // "key frame" the sync table offers there is a P frame.
  const keys = await host.run('CreateHighlightTask', concat([{ URI: host.server.fileUrl(allKeys), StartTime: 2.5, Duration: 3 }]));
  notInternal(keys, 'P frames marked key');
  assert.equal(keys.Code, 'InvalidMedia.Corrupt', keys.Message);
  assert.match(keys.Message, /h264|avc1/i, 'names the codec');
  assert.match(keys.Message, /\d+\.\d{3} s of the input/, 'and the time');
});

test('an MP4 whose mvhd claims 10 hours: a Concat renders only its 8 s of samples, and the record says so', async () => {
  const record = await host.run('CreateHighlightTask', concat([{ URI: host.server.fileUrl(lying) }]));
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const src = record.Sources[0];
  assert.ok(Math.abs(src.Duration - REAL_S) < 0.1, `source duration ${src.Duration} s from the samples`);
  assert.ok(src.Notes.some((n) => /mvhd/.test(n) && /36000/.test(n)), `noted: ${JSON.stringify(src.Notes)}`);
  const out = record.Outputs[0];
  assert.ok(Math.abs(out.Duration - REAL_S) < 0.1, `output ${out.Duration} s`);
  const { duration } = checkMediaFile(host.localPath(out.URI));
  assert.ok(Math.abs(duration - REAL_S) < 0.15, `the file lasts ${duration} s, not 10 hours`);
});

test('a Concat starting past the real content is refused, not filled with a frozen frame', async () => {
  const record = await host.run('CreateHighlightTask', concat([{ URI: host.server.fileUrl(lying), StartTime: 100, Duration: 3 }]));
  assert.equal(record.Status, 'Failed');
  assert.equal(record.Code, 'InvalidParameter.Sources.StartTime', record.Message);
  assert.match(record.Message, /100/);
  assert.match(record.Message, /\(8(\.\d+)? s\)/, `says how long the source really is: ${record.Message}`);
});

test('Average mode over a file that claims 10 hours ranks no time past its samples', async () => {
  const record = await host.run('CreateHighlightTask', { Type: 'Retrieval', Mode: 'Average', Sources: [{ URI: host.server.fileUrl(lying) }], Output: { URI: 'memory:' } });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  assert.ok(Math.abs(record.Sources[0].Duration - REAL_S) < 0.1);
  for (const h of record.Highlights) assert.ok(h.End <= REAL_S + 0.05, `highlight ${h.Start}-${h.End} inside the ${REAL_S} s of samples`);
  const curve = record.Sources[0].ScoreCurve;
  if (curve) assert.ok(curve.Start + curve.Step * (curve.Values.length - 1) <= REAL_S + curve.Step, 'the score curve ends with the samples');
});

test('a render that would hold more than the job memory ceiling is refused before anything is decoded', async () => {
  // Ten times thirty minutes (a small grey picture at 1 fps, silent stereo) at Speed 0.5, 10 hours
  // of output, with loudness normalisation: the sound is made in passes that hold only a few
  // blocks, but its encoded audio (320 kbit/s) waits whole for the video, which with the MP4
  // writer's sample table is about 2.3 GB (the video streams, so its size does not matter).
  const long = path.join(dir, 'thirty-minutes.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:size=64x64:rate=1:duration=1800', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '1800',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', long]);
  const started = Date.now();
  const sources = Array.from({ length: 10 }, () => ({ URI: host.server.fileUrl(long) }));
  const record = await host.run('CreateHighlightTask', concat(sources, { Speed: 0.5, Audio: { TranscodeAudio: { Bitrate: 320000 } } }));
  assert.equal(record.Status, 'Failed');
  assert.equal(record.Code, 'InvalidParameter.Sources', record.Message);
  assert.match(record.Message, /job memory ceiling of 1024 MiB; at most \d+ s fit/);
  assert.ok(Date.now() - started < 20_000, 'refused before rendering');
});
