// AAC in every MP4/MOV (issue 8 item 4): where the browser's AudioEncoder has no AAC (this
// Chromium encodes Opus only), the engine loads the wasm AAC encoder (`reelcut.aac.js`,
// libavcodec through @mediabunny/aac-encoder) instead of putting Opus in MP4. Checked with
// ffprobe/ffmpeg: the stream is AAC-LC, the file decodes without an error line, and the sound is
// in sync to the sample block (the encoder's 1024 priming samples are hidden by the edit list, so
// a beep 1 s into the reel is heard at 1 s, not 21 ms late). WebM keeps Opus; the record says
// which encoder made the audio.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, openHost } from './lib.mjs';

const RATE = 48000;
let host;
let dir;
let beepUrl; // 6 s picture; sound: silence, a 1 kHz beep from 2.000 s to 2.500 s, silence
let caps;
before(async () => {
  host = await openHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-aac-'));
  // Lossless sound in the source (FLAC in Matroska), so the only lossy step is the output's.
  const beep = path.join(dir, 'beep.mkv');
  const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=6', '-f', 'lavfi', '-i',
    `aevalsrc='if(between(t,2,2.5),0.5*sin(2*PI*1000*t),0)':s=${RATE}:d=6`, '-ac', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'flac', beep], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  beepUrl = host.server.fileUrl(beep);
  caps = await host.page.evaluate(async () => {
    window.__engine ??= await window.reelcut.createEngine({ databaseName: 'reelcut-cli' });
    return window.__engine.capabilities();
  });
});
after(async () => {
  await host?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The file's sound as mono f32 at RATE (ffmpeg applies the edit list, as players do). */
function pcm(file) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-vn', '-ac', '1', '-ar', String(RATE), '-f', 'f32le', '-'], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return new Float32Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength / 4);
}

/** Seconds of the first sample louder than 0.1 (the beep's onset). */
const onset = (s) => s.findIndex((x) => Math.abs(x) > 0.1) / RATE;

for (const container of ['mp4', 'mov']) {
  test(`${container}: AAC-LC, from the wasm encoder where the browser has none, in sync`, async () => {
    // The beep's 2.000 s source time is 1.000 s into the output.
    const record = await host.run('CreateHighlightTask', {
      Type: 'Concat',
      Sources: [{ URI: beepUrl, StartTime: 1, Duration: 4 }],
      Output: { URI: host.uploadUrl(`beep.${container}`), Container: container },
    });
    assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
    const out = record.Outputs[0];
    assert.equal(out.AudioCodec, 'mp4a.40.2');
    assert.equal(out.AudioEncoder, caps.aac ? 'WebCodecs' : 'WasmAac', `browser AAC: ${caps.aac}`);
    if (out.AudioEncoder === 'WasmAac') {
      assert.ok(record.Notes.some((n) => /has no AAC; AAC is encoded by the wasm AAC/.test(n)), JSON.stringify(record.Notes));
    }
    const file = host.localPath(out.URI);
    const { audio, duration } = checkMediaFile(file);
    assert.equal(audio.codec_name, 'aac');
    assert.equal(audio.profile, 'LC');
    assert.ok(Math.abs(duration - 4) <= 0.05, `duration ${duration} of 4 s`);
    const sound = pcm(file);
    const at = onset(sound);
    assert.ok(Math.abs(at - 1) <= 0.003, `the beep starts at ${at.toFixed(4)} s of the output, not 1.000 s`);
    // The beep (0.5 peak at the source's level after normalisation) is there and clean, and
    // silence around it stays silent (no codec garbage at the priming edge).
    const rms = (a, b) => Math.sqrt(sound.subarray(a * RATE, b * RATE).reduce((s, x) => s + x * x, 0) / ((b - a) * RATE));
    assert.ok(rms(1.1, 1.4) > 0.05, `beep level ${rms(1.1, 1.4)}`);
    assert.ok(rms(0, 0.9) < 0.003 && rms(1.7, 3.9) < 0.003, `silence ${rms(0, 0.9)} / ${rms(1.7, 3.9)}`);
    assert.ok(Math.abs(sound.length / RATE - 4) <= 0.03, `sound lasts ${sound.length / RATE} s`);
    console.log(`${container}: ${out.AudioEncoder}, onset ${at.toFixed(4)} s, ${duration.toFixed(3)} s`);
  });
}

test('WebM keeps Opus from the browser\'s own encoder', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: beepUrl, StartTime: 1, Duration: 4 }],
    Output: { URI: host.uploadUrl('beep.webm'), Container: 'webm' },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  assert.equal(record.Outputs[0].AudioCodec, 'opus');
  assert.equal(record.Outputs[0].AudioEncoder, 'WebCodecs');
  const at = onset(pcm(host.localPath(record.Outputs[0].URI)));
  assert.ok(Math.abs(at - 1) <= 0.003, `the beep starts at ${at.toFixed(4)} s`);
});

test('ICE (SubmitScreenMediaHighlightsJob) MP4 reels get the same AAC', async () => {
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: { MediaArray: [beepUrl] },
    OutputConfig: { MediaURL: host.uploadUrl('ice_{index}.mp4'), Count: 1, MaxDuration: 4 },
  });
  const sub = record.SubJobList?.[0];
  assert.equal(sub?.Status, 'Success', JSON.stringify(record).slice(0, 2000));
  assert.equal(sub.AudioCodec, 'mp4a.40.2');
  assert.equal(sub.AudioEncoder, caps.aac ? 'WebCodecs' : 'WasmAac');
  const { audio } = checkMediaFile(host.localPath(sub.MediaURL));
  assert.equal(audio.codec_name, 'aac');
});
