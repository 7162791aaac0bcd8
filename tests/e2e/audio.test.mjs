// Sound through the public API (issue 8): Output.Speed 0.5 doubles the duration and keeps a 440 Hz
// tone at 440 Hz; outputs are loudness-normalised to -14 LUFS (true peak <= -1 dBTP) as ffmpeg's
// ebur128 filter measures them, the record says before/after, and LoudnessNormalization: false
// leaves the level alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, ebur128, openHost } from './lib.mjs';

let host;
let dir;
let toneUrl;
let toneLoudness;
before(async () => {
  host = await openHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-audio-'));
  // 6 s of moving picture with a quiet 440 Hz tone (about -49 LUFS: ffmpeg's sine is at 1/8, then
  // x0.045), AAC stereo.
  const tone = path.join(dir, 'tone.mp4');
  const made = spawnSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=6',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=6',
    '-filter_complex', '[1:a]volume=0.045,aformat=channel_layouts=stereo[a]',
    '-map', '0:v', '-map', '[a]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', '-b:a', '128k', tone,
  ], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  toneUrl = host.server.fileUrl(tone);
  toneLoudness = ebur128(tone);
});
after(async () => {
  await host?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Mono f32 samples of `seconds` from `start` of the file's audio, at 48 kHz. */
function samples(file, start, seconds) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-ss', String(start), '-t', String(seconds), '-i', file, '-map', '0:a', '-ac', '1', '-ar', '48000', '-f', 'f32le', '-'], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return new Float32Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length / 4);
}

/** Frequency of a clean tone from its rising zero crossings (interpolated). */
function toneHz(x) {
  const crossings = [];
  for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 && x[i] >= 0) crossings.push(i - 1 + x[i - 1] / (x[i - 1] - x[i]));
  return ((crossings.length - 1) * 48000) / (crossings[crossings.length - 1] - crossings[0]);
}

test('Speed 0.5: twice as long, the 440 Hz tone stays at 440 Hz, loudness normalised to -14 LUFS', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: toneUrl }],
    Output: { URI: host.uploadUrl('slow.mp4'), Container: 'mp4', Speed: 0.5 },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  const file = host.localPath(out.URI);
  const { duration } = checkMediaFile(file);
  assert.ok(Math.abs(duration - 12) <= 0.1, `duration ${duration} = 6 s / 0.5`);
  assert.ok(Math.abs(out.Duration - 12) <= 0.05, `record Duration ${out.Duration}`);
  const hz = toneHz(samples(file, 2, 8));
  assert.ok(Math.abs(hz - 440) < 2, `tone at ${hz.toFixed(2)} Hz`);
  // Loudness as ffmpeg measures the delivered file (after the audio encoder).
  const m = ebur128(file);
  assert.ok(Math.abs(m.integrated - -14) <= 0.7, `output ${m.integrated} LUFS`);
  assert.ok(m.truePeak <= -0.5, `output true peak ${m.truePeak} dBTP`);
  const l = out.Loudness;
  console.log(`Speed 0.5: ${duration.toFixed(3)} s, tone ${hz.toFixed(2)} Hz; ffmpeg ${m.integrated} LUFS / ${m.truePeak} dBTP; record ${JSON.stringify(l)}; source ${JSON.stringify(toneLoudness)}`);
  assert.ok(l, 'the record reports loudness');
  assert.equal(l.Target, -14);
  assert.ok(Math.abs(l.IntegratedAfter - -14) <= 0.1, `record after ${l.IntegratedAfter}`);
  assert.ok(Math.abs(l.IntegratedAfter - m.integrated) <= 0.7, `record ${l.IntegratedAfter} vs ffmpeg ${m.integrated}`);
  assert.ok(Math.abs(l.IntegratedBefore - toneLoudness.integrated) <= 0.7, `record before ${l.IntegratedBefore} vs the source's ${toneLoudness.integrated}`);
  assert.ok(l.TruePeakAfter <= -1, `record true peak ${l.TruePeakAfter}`);
});

test('LoudnessNormalization: false keeps the mix at its own level and reports nothing', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: toneUrl, StartTime: 1, Duration: 4 }],
    Output: { URI: host.uploadUrl('asis.mp4'), Container: 'mp4', Audio: { LoudnessNormalization: false } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.equal(out.Loudness, undefined);
  const m = ebur128(host.localPath(out.URI));
  assert.ok(Math.abs(m.integrated - toneLoudness.integrated) <= 0.7, `${m.integrated} LUFS vs the source's ${toneLoudness.integrated}`);
});

test('an invalid LoudnessNormalization is refused at submit', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: toneUrl }],
    Output: { URI: 'memory:', Container: 'mp4', Audio: { LoudnessNormalization: 'loud' } },
  });
  assert.equal(record.Code, 'InvalidParameter.Output.Audio.LoudnessNormalization', JSON.stringify(record));
});
