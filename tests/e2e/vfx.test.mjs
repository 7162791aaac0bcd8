// Visual effects in Chromium, through the public API: a Compose whose clips alternate invert and
// letterboxed, checked with ffprobe/ffmpeg (streams, clean decode) and pixel by pixel against
// ffmpeg's `negate` of the source frame and the letterbox bands; a Concat with the layout and
// animated effects decodes cleanly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, fixture, openHost, SHARED_MEDIA } from './lib.mjs';

let host;
before(async () => {
  host = await openHost();
});
after(async () => host?.close());

const local = (uri) => path.join(host.uploadDir, decodeURIComponent(uri.slice(host.uploadUrl('').length)));

/** Luma of the frame at `t` seconds (`w x h`), full range, through ffmpeg; `vf` is applied first. */
function lumaFrame(file, t, w, h, vf = null) {
  const args = ['-v', 'error', '-ss', t.toFixed(4), '-i', file, '-frames:v', '1', ...(vf ? ['-vf', vf] : []), '-f', 'rawvideo', '-pix_fmt', 'gray', '-'];
  const out = spawnSync('ffmpeg', args, { maxBuffer: 64 << 20 });
  assert.equal(out.status, 0, `ffmpeg frame at ${t} s of ${file}: ${out.stderr}`);
  assert.equal(out.stdout.length, w * h, 'frame size');
  return out.stdout;
}

/** PSNR of rows [y0, y1) of two `w`-wide luma frames. */
function psnrRows(a, b, w, y0, y1) {
  let se = 0;
  for (let i = y0 * w; i < y1 * w; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / ((y1 - y0) * w)));
}

function meanRows(px, w, y0, y1) {
  let sum = 0;
  for (let i = y0 * w; i < y1 * w; i++) sum += px[i];
  return sum / ((y1 - y0) * w);
}

test('Compose with invert and letterboxed: the effects are on the clips the record names', async () => {
  const src = fixture('drama.mp4'); // 720x1280, 30 fps
  // The source's own size, so the frames would pass straight through without the effects.
  const [W, H] = [720, 1280];
  const record = await host.run('CreateHighlightTask', {
    Type: 'Compose',
    Sources: [{ URI: host.server.fileUrl(src) }],
    Edit: { Mode: 'Sequential', VfxEffectMode: 'Sequential', VfxEffects: [{ VfxEffect: 'invert' }, { VfxEffect: 'Letterboxed' }] },
    Output: { URI: host.uploadUrl('vfx_compose.mp4'), Container: 'mp4', MaxDuration: 12 },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  const clips = out.Clips;
  assert.ok(clips.length >= 2, `at least two clips (${clips.length})`);
  clips.forEach((c, i) => assert.equal(c.VfxEffect, i % 2 === 0 ? 'invert' : 'letterboxed', `clip ${i}`));
  const file = local(out.URI);
  const { video } = checkMediaFile(file);
  assert.deepEqual([video.width, video.height], [W, H]);

  // Clip 0, half way: the output frame is ffmpeg's negate of the source frame.
  const t0 = Math.round(((clips[0].Out - clips[0].In) / 2) * 30) / 30;
  // The clips may lie in fast-cut climaxes (shots of a few frames) and an edge on a cut is trimmed
  // to the exact frame, so the source frame is matched within two frames either side.
  const got = lumaFrame(file, t0, W, H);
  const near = [-2, -1, 0, 1, 2].map((k) => clips[0].In + t0 + k / 30);
  const vsNegate = Math.max(...near.map((t) => psnrRows(got, lumaFrame(src, t, W, H, 'negate'), W, 0, H)));
  const vsPlain = Math.max(...near.map((t) => psnrRows(got, lumaFrame(src, t, W, H), W, 0, H)));
  console.log(`invert: ${vsNegate.toFixed(1)} dB against ffmpeg negate, ${vsPlain.toFixed(1)} dB against the plain frame`);
  assert.ok(vsNegate > 24, `invert: PSNR ${vsNegate.toFixed(1)} dB against ffmpeg negate of the source frame`);
  assert.ok(vsPlain < vsNegate - 10, `invert: the picture is not the plain source (${vsPlain.toFixed(1)} dB)`);

  // Clip 1, half way: black bands of 160 rows (a 2.35:1 picture, at least 3/4 of the height kept),
  // the source picture between them.
  const len0 = clips[0].Out - clips[0].In;
  const half1 = Math.round(((clips[1].Out - clips[1].In) / 2) * 30) / 30;
  const t1 = len0 + half1;
  const boxed = lumaFrame(file, t1, W, H);
  const band = 160;
  for (const [name, y0, y1] of [['top', 0, band - 4], ['bottom', H - band + 4, H]]) {
    const m = meanRows(boxed, W, y0, y1);
    // ffmpeg's gray output is full range: video black (Y 16) reads 0.
    assert.ok(m < 3, `letterboxed: the ${name} band is black (mean luma ${m.toFixed(1)})`);
  }
  const inside = Math.max(...[-2, -1, 0, 1, 2].map((k) => psnrRows(boxed, lumaFrame(src, clips[1].In + half1 + k / 30, W, H), W, band + 4, H - band - 4)));
  console.log(`letterboxed: the picture between the bands ${inside.toFixed(1)} dB against the source frame`);
  assert.ok(inside > 24, `letterboxed: the picture between the bands is the source (PSNR ${inside.toFixed(1)} dB)`);
});

test('Concat with twolayer, threelayer, vertigo and colorshift: a valid file with the effects recorded', async () => {
  const a = host.server.fileUrl(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'));
  const b = host.server.fileUrl(path.join(SHARED_MEDIA, 'speech-timecode-720p.mp4'));
  const names = ['twolayer', 'threelayer', 'vertigo', 'colorshift'];
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: b, StartTime: 2, Duration: 2 }, { URI: a, StartTime: 1, Duration: 2 }, { URI: b, StartTime: 30, Duration: 2 }, { URI: a, StartTime: 4, Duration: 2 }],
    Edit: { Mode: 'Sequential', VfxEffectMode: 'Sequential', VfxEffects: names.map((VfxEffect) => ({ VfxEffect })) },
    Output: { URI: host.uploadUrl('vfx_concat.mp4'), Container: 'mp4', Video: { TranscodeVideo: { Resolution: '360x640' } } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.deepEqual(out.Clips.map((c) => c.VfxEffect), names);
  const { video, duration } = checkMediaFile(local(out.URI), { expectAudio: true });
  assert.deepEqual([video.width, video.height], [360, 640]);
  assert.ok(Math.abs(duration - 8) <= 0.1, `duration ${duration}: effects do not change the timing`);
});
