// A crop that follows the subject, in Chromium through the public API: a generated landscape clip
// (a bright square on a dark textured background walking from the left third to the right third,
// with sound so highlights exist) made into a portrait Compose reel with `ScaleType: crop`. The
// square must be in the output frame at times where a centred crop would have lost it; the record
// says the crop followed the subject.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, openHost } from './lib.mjs';

const [SW, SH, SIDE, DUR] = [640, 360, 48, 12];
const [OW, OH] = [540, 960];
/** The square's centre at source time `t`, 0..1 of the width. */
const squareX = (t) => 0.2 + (0.55 * Math.min(Math.max(t, 0), DUR)) / DUR;

let host;
let dir;
let clip;
before(async () => {
  host = await openHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-crop-'));
  clip = path.join(dir, 'walk.mp4');
  const square = `color=c=white:s=${SIDE}x${SIDE}:r=30:d=${DUR}`;
  const bg = `nullsrc=s=${SW}x${SH}:r=30:d=${DUR},geq=lum='28+22*mod(floor(X/16)+floor(Y/16)\\,2)':cb=128:cr=128`;
  const vf = `[1:v][0:v]overlay=x='${SW}*(0.2+0.55*t/${DUR})-${SIDE / 2}':y=${(SH - SIDE) / 2}:shortest=1,format=yuv420p[v]`;
  // Sound with loud bursts every 3 s, so the scorer has moments to pick.
  const audio = `aevalsrc='(0.1+0.8*gt(mod(t\\,3)\\,2.2))*sin(2*PI*330*t)':s=48000:d=${DUR}`;
  const out = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', square, '-f', 'lavfi', '-i', bg, '-f', 'lavfi', '-i', audio,
    '-filter_complex', vf, '-map', '[v]', '-map', '2:a', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-c:a', 'aac', '-t', String(DUR), clip]);
  assert.equal(out.status, 0, `ffmpeg: ${out.stderr}`);
});
after(async () => {
  await host?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const local = (uri) => path.join(host.uploadDir, decodeURIComponent(uri.slice(host.uploadUrl('').length)));

/** Luma of the output frame at `t` seconds (full range), through ffmpeg. */
function lumaFrame(file, t) {
  const out = spawnSync('ffmpeg', ['-v', 'error', '-ss', t.toFixed(3), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 64 << 20 });
  assert.equal(out.status, 0, `ffmpeg frame at ${t}: ${out.stderr}`);
  assert.equal(out.stdout.length, OW * OH);
  return out.stdout;
}

test('Compose with ScaleType crop into portrait: the window follows the walking square', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Compose',
    Sources: [{ URI: host.server.fileUrl(clip) }],
    Output: { URI: host.uploadUrl('crop.mp4'), Container: 'mp4', MaxDuration: DUR, Video: { TranscodeVideo: { Resolution: `${OW}x${OH}`, ScaleType: 'crop' } } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.equal(out.Crop, 'FollowsSubject', JSON.stringify(out));
  assert.ok(out.Notes.some((n) => n.startsWith('crop follows the subject')), JSON.stringify(out.Notes));
  const file = local(out.URI);
  const { video } = checkMediaFile(file);
  assert.deepEqual([video.width, video.height], [OW, OH]);

  // The window keeps 9/16 of the height's worth of width: 0.316 of the picture, centred at 0.5
  // it shows 0.342..0.658. Check the square at times where it is outside that.
  const scale = OH / SH;
  const area = (SIDE * scale) ** 2;
  let outT = 0;
  let checked = 0;
  for (const c of out.Clips) {
    const len = c.Out - c.In;
    for (let k = 1; k < 8; k++) {
      const src = c.In + (len * k) / 8;
      const x = squareX(src);
      const lost = Math.abs(x - 0.5) > 0.158 + SIDE / SW / 2;
      if (!lost) continue;
      const t = outT + (len * k) / 8;
      const px = lumaFrame(file, t);
      let bright = 0;
      for (const v of px) if (v > 200) bright++;
      console.log(`output ${t.toFixed(2)} s (source ${src.toFixed(2)} s, square at ${x.toFixed(3)}): ${bright} bright pixels of ${area.toFixed(0)}`);
      assert.ok(bright > 0.8 * area, `the square is in the frame at output ${t.toFixed(2)} s (source ${src.toFixed(2)} s, x ${x.toFixed(3)}): ${bright} bright pixels, expected about ${area.toFixed(0)}`);
      checked++;
    }
    outT += len;
  }
  assert.ok(checked >= 4, `checked ${checked} frames where a centred crop loses the square (clips ${JSON.stringify(out.Clips)})`);
});

test('Concat with ScaleType crop is not analysed: the crop is centred and the record says so', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: host.server.fileUrl(clip), StartTime: 0, Duration: 2 }],
    Output: { URI: host.uploadUrl('crop_concat.mp4'), Container: 'mp4', Video: { TranscodeVideo: { Resolution: `${OW}x${OH}`, ScaleType: 'crop' } } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.equal(out.Crop, 'Centred', JSON.stringify(out));
  assert.ok(out.Notes.some((n) => n.startsWith('crop is centred')), JSON.stringify(out.Notes));
  // At 1 s the square (x 0.246) lies left of the centred window: the frame has none of it, which is
  // what the Compose test above would see without the camera path.
  let bright = 0;
  for (const v of lumaFrame(local(out.URI), 1.0)) if (v > 200) bright++;
  assert.ok(bright < 100, `a centred crop loses the square: ${bright} bright pixels`);
});
