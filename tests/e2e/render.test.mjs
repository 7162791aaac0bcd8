// Rendering in Chromium: screen-highlights reels, Compose with transitions, Concat, WebM, per-highlight
// export, uploads (including a flaky server) and cancel; every file is checked with ffprobe/ffmpeg.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, fixture, openHost, SHARED_MEDIA, sharedMediaFiles } from './lib.mjs';

let host;
let truth;
let drama;
before(async () => {
  host = await openHost();
  truth = JSON.parse(fs.readFileSync(fixture('drama.json'), 'utf8'));
  drama = host.server.fileUrl(fixture('drama.mp4'));
});
after(async () => host?.close());

const local = (uri) => host.localPath(uri);
const overlap = (a0, a1, b0, b1) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

function sharedTime(a, b) {
  let t = 0;
  for (const x of a.Clips) for (const y of b.Clips) if (x.Source === y.Source) t += overlap(x.In, x.Out, y.In, y.Out);
  return t;
}

test('screen-highlights job over the drama: Count 3, 1080x1920, MaxDuration 20 → three different valid MP4s from the climaxes', async () => {
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: { MediaArray: [drama] },
    OutputConfig: { MediaURL: host.uploadUrl('drama_{index}.mp4'), Count: 3, Width: 1080, Height: 1920, MaxDuration: 20 },
  });
  assert.equal(record.Status, 'Finished', `${record.Code}: ${record.Message}`);
  assert.equal(record.Code, 'Success');
  const subs = record.SubJobList;
  assert.equal(subs.length, 3);
  for (const sub of subs) {
    assert.equal(sub.Status, 'Success', `${sub.ErrorCode}: ${sub.ErrorMessage}`);
    assert.equal(sub.Width, 1080);
    assert.equal(sub.Height, 1920);
    assert.ok(sub.Duration <= 20 + 0.05 && sub.Duration >= 5, `duration ${sub.Duration}`);
    const file = local(sub.MediaURL);
    const { video, duration } = checkMediaFile(file);
    assert.equal(video.width, 1080);
    assert.equal(video.height, 1920);
    assert.ok(Math.abs(duration - sub.Duration) < 0.1, `file ${duration} vs reported ${sub.Duration}`);
    for (const c of sub.Clips) {
      assert.ok(c.Out - c.In >= 1 - 1e-6, 'clips at least 1 s');
      assert.ok(c.Reasons.length > 0);
    }
  }
  // The first reel is made of the climaxes.
  const climaxTime = subs[0].Clips.reduce((t, c) => t + truth.climaxes.reduce((u, x) => u + overlap(c.In, c.Out, x.start, x.end), 0), 0);
  const total = subs[0].Clips.reduce((t, c) => t + c.Out - c.In, 0);
  assert.ok(climaxTime >= 0.6 * total, `reel 1: ${climaxTime.toFixed(1)} of ${total.toFixed(1)} s from the climaxes`);
  // Reels differ: pairwise shared source time under half of the shorter one (or the result says why).
  for (let i = 0; i < 3; i++) {
    for (let j = i + 1; j < 3; j++) {
      const shorter = Math.min(subs[i].Duration, subs[j].Duration);
      const shared = sharedTime(subs[i], subs[j]);
      assert.ok(shared < shorter / 2 || (record.Notes ?? []).some((n) => /material/.test(n)), `reels ${i + 1} and ${j + 1} share ${shared.toFixed(1)} s`);
    }
  }
  const sizes = subs.map((s) => fs.statSync(local(s.MediaURL)).size);
  assert.equal(new Set(sizes).size, 3, 'three different files');
});

test('screen-highlights job over ../shared/media inputs: Count 3 → three valid MP4s', async () => {
  const inputs = sharedMediaFiles().map((f) => host.server.fileUrl(path.join(SHARED_MEDIA, f)));
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: JSON.stringify({ MediaArray: inputs }),
    EditingConfig: { ProcessConfig: { AllowTransition: true, TransitionList: ['fadecolor'] } },
    OutputConfig: { MediaURL: host.uploadUrl('shared_{index}.mp4'), Count: 3, Width: 1080, Height: 1920, MaxDuration: 20 },
  });
  assert.equal(record.Code, 'Success', record.Message);
  assert.equal(record.SubJobList.length, 3);
  for (const sub of record.SubJobList) {
    if (sub.Status !== 'Success') {
      assert.match(sub.ErrorMessage, /material/, 'a reel is only missing when the material ran out');
      continue;
    }
    checkMediaFile(local(sub.MediaURL));
    assert.ok(sub.Duration <= 20.05);
  }
  assert.ok(record.SubJobList.filter((s) => s.Status === 'Success').length >= 2);
});

test('PlotPacingType: Fast cuts quicker between more moments, Slow keeps longer takes than Normal', async (t) => {
  const reel = async (pacing) => {
    const record = await host.run('SubmitScreenMediaHighlightsJob', {
      InputConfig: { MediaArray: [drama], HighlightStrategy: { PlotPacingType: pacing } },
      OutputConfig: { MediaURL: host.uploadUrl(`pacing_${pacing}.mp4`), Width: 360, Height: 640, MaxDuration: 20 },
    });
    assert.equal(record.Code, 'Success', record.Message);
    const sub = record.SubJobList[0];
    const { duration } = checkMediaFile(local(sub.MediaURL));
    assert.ok(Math.abs(duration - sub.Duration) < 0.1, `${pacing}: file ${duration} vs reported ${sub.Duration}`);
    const lengths = sub.Clips.map((c) => c.Out - c.In);
    return { n: lengths.length, mean: lengths.reduce((a, b) => a + b, 0) / lengths.length, lengths };
  };
  const fast = await reel('Fast');
  const normal = await reel('Normal');
  const slow = await reel('Slow');
  const show = (r) => r.lengths.map((x) => x.toFixed(1)).join(' ');
  t.diagnostic(`clip lengths: Fast [${show(fast)}], Normal [${show(normal)}], Slow [${show(slow)}]`);
  assert.ok(fast.n > normal.n && fast.mean < normal.mean, `Fast [${show(fast)}] vs Normal [${show(normal)}]`);
  assert.ok(slow.mean >= normal.mean, `Slow [${show(slow)}] vs Normal [${show(normal)}]`);
});

test('Compose with Sequential transitions: valid file, transitions recorded, duration accounts for overlaps', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Compose',
    Mode: 'Scene',
    Sources: [{ URI: drama }],
    Edit: { Mode: 'Sequential', TransitionMode: 'Sequential', Transitions: [{ Transition: 'fade', Duration: 0.5 }, { Transition: 'wipeleft', Duration: 0.4 }, { Transition: 'dissolve', Duration: 0.5 }, { Transition: 'slideleft', Duration: 0.4 }] },
    Output: { URI: host.uploadUrl('composed.mp4'), Container: 'mp4', MaxDuration: 25, TargetDuration: 20 },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  const { duration } = checkMediaFile(local(out.URI));
  const clipSum = out.Clips.reduce((t, c) => t + c.Out - c.In, 0);
  const overlaps = out.Clips.filter((c) => c.Transition).length;
  assert.ok(overlaps >= 1, 'at least one transition was used');
  assert.ok(duration < clipSum - 0.2, `transitions overlap clips: ${duration} < ${clipSum}`);
  assert.ok(Math.abs(duration - out.Duration) < 0.1);
});

/** One frame at `t` seconds as gray (luma) bytes, `w x h`, through ffmpeg; `vf` is applied first. */
function grayFrame(file, t, w, h, vf = null) {
  const args = ['-v', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', ...(vf ? ['-vf', vf] : []), '-f', 'rawvideo', '-pix_fmt', 'gray', '-'];
  const out = spawnSync('ffmpeg', args, { maxBuffer: 64 << 20 });
  assert.equal(out.status, 0, `ffmpeg frame at ${t} s of ${file}: ${out.stderr}`);
  assert.equal(out.stdout.length, w * h, 'frame size');
  return out.stdout;
}

/** Mean luma and mean absolute horizontal luma step over rows [y0, y1) of a gray frame. */
function bandStats(px, w, y0, y1) {
  let sum = 0, steps = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < w; x++) {
      const v = px[y * w + x];
      sum += v;
      if (x > 0) steps += Math.abs(v - px[y * w + x - 1]);
    }
  }
  const n = (y1 - y0) * w;
  return { mean: sum / n, detail: steps / n };
}

test('landscape into portrait: blurred bands above and below, the sharp picture in the middle', async () => {
  const src = path.join(SHARED_MEDIA, 'bbb-720p-surround51.mp4');
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: host.server.fileUrl(src), StartTime: 1, Duration: 2 }],
    Output: { URI: host.uploadUrl('portrait.mp4'), Container: 'mp4', Video: { TranscodeVideo: { Resolution: '1080x1920' } } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const file = local(record.Outputs[0].URI);
  const { video } = checkMediaFile(file);
  assert.deepEqual([video.width, video.height], [1080, 1920]);
  // 1280x720 fitted into 1080 wide is 1080x608 at rows 656..1264; the rest is the blurred fill.
  const px = grayFrame(file, 1.0, 1080, 1920);
  const top = bandStats(px, 1080, 40, 600);
  const bottom = bandStats(px, 1080, 1320, 1880);
  const middle = bandStats(px, 1080, 700, 1220);
  for (const [name, band] of [['top', top], ['bottom', bottom]]) {
    assert.ok(band.mean > 30, `${name} band is a picture, not black bars (mean luma ${band.mean.toFixed(1)})`);
    assert.ok(band.detail < middle.detail / 3, `${name} band is blurred (detail ${band.detail.toFixed(2)} vs ${middle.detail.toFixed(2)} in the middle)`);
  }
  // The middle is the source frame, scaled: compare with ffmpeg's own scaling of it.
  const want = grayFrame(src, 2.0, 1080, 608, 'scale=1080:608:flags=area');
  let se = 0;
  for (let y = 0; y < 608; y++) for (let x = 0; x < 1080; x++) se += (px[(656 + y) * 1080 + x] - want[y * 1080 + x]) ** 2;
  const psnr = 10 * Math.log10((255 * 255) / (se / (608 * 1080)));
  assert.ok(psnr > 24, `the middle is the source picture (PSNR ${psnr.toFixed(1)} dB vs ffmpeg's scaled frame)`);
});

test('Concat joins the ranges exactly', async () => {
  const a = host.server.fileUrl(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'));
  const b = host.server.fileUrl(path.join(SHARED_MEDIA, 'speech-timecode-720p.mp4'));
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: b, StartTime: 2, Duration: 3 }, { URI: a, StartTime: 1, Duration: 2.5 }, { URI: b, StartTime: 30, Duration: 1.5 }],
    Output: { URI: host.uploadUrl('concat.mp4'), Container: 'mp4' },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.deepEqual(out.Clips.map((c) => [c.Source, c.In, c.Out]), [[0, 2, 5], [1, 1, 3.5], [2, 30, 31.5]]);
  const { duration } = checkMediaFile(local(out.URI));
  assert.ok(Math.abs(duration - 7) <= 1 / 30 + 0.02, `duration ${duration} is the sum of the ranges (7 s)`);
});

test('WebM output: VP9 (or VP8/AV1) + Opus in a valid WebM', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Compose',
    Sources: [{ URI: host.server.fileUrl(path.join(SHARED_MEDIA, 'green-screen-720p.mp4')) }],
    Output: { URI: host.uploadUrl('reel.webm'), Container: 'webm', MaxDuration: 8, Video: { TranscodeVideo: { Resolution: '640x360' } } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const { video, audio, probe } = checkMediaFile(local(record.Outputs[0].URI));
  assert.match(probe.format.format_name, /webm|matroska/);
  assert.match(video.codec_name, /vp9|vp8|av1/);
  assert.equal(audio.codec_name, 'opus');
  assert.equal(video.width, 640);
});

test('Retrieval with a Container exports each highlight as its own file', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Retrieval',
    Mode: 'Scene',
    Sources: [{ URI: drama, StartTime: 25, Duration: 20 }],
    Output: { URI: host.uploadUrl('hl_{index}.mp4'), Container: 'mp4' },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  assert.equal(record.Outputs.length, record.Highlights.length);
  for (const [i, h] of record.Highlights.entries()) {
    const { duration } = checkMediaFile(local(record.Outputs[i].URI));
    assert.ok(Math.abs(duration - (h.End - h.Start)) < 0.1, `file ${i + 1} lasts its highlight`);
  }
});

test('upload to a server that fails twice then succeeds', async () => {
  let calls = 0;
  const received = path.join(host.uploadDir, 'flaky.mp4');
  host.server.addRoute((req, res, url) => {
    if (url.pathname !== '/flaky/reel.mp4') return false;
    calls++;
    if (calls <= 2) {
      req.resume();
      res.writeHead(500).end('boom');
      return true;
    }
    const out = fs.createWriteStream(received);
    req.pipe(out);
    out.on('finish', () => res.writeHead(200).end());
    return true;
  });
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: host.server.fileUrl(path.join(SHARED_MEDIA, 'bbb-720p-surround51.mp4')) }],
    Output: { URI: `${host.server.base}/flaky/reel.mp4`, Container: 'mp4' },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  assert.equal(calls, 3);
  assert.equal(record.Outputs[0].UploadAttempts, 3);
  checkMediaFile(received);
});

test('cancel during rendering stops within a second and leaves no partial output', async () => {
  const res = await host.page.evaluate(async ({ drama }) => {
    const engine = await window.reelcut.createEngine({ databaseName: 'reelcut-render-cancel' });
    try {
      const { TaskId } = await engine.createHighlightTask({
        Type: 'Compose',
        Sources: [{ URI: drama }],
        Output: { URI: 'opfs:/reels/canceled.mp4', Container: 'mp4', MaxDuration: 30 },
      });
      await new Promise((resolve) => engine.on('progress', (p) => p.JobId === TaskId && p.Stage === 'render' && p.Fraction > 0.5 && resolve()));
      const t0 = performance.now();
      await engine.cancelJob(TaskId);
      const rec = await engine.waitFor(TaskId);
      const stopMs = performance.now() - t0;
      let exists = true;
      try {
        await (await (await navigator.storage.getDirectory()).getDirectoryHandle('reels')).getFileHandle('canceled.mp4');
      } catch {
        exists = false;
      }
      return { status: rec.Status, code: rec.Code, stopMs, exists };
    } finally {
      engine.terminate();
    }
  }, { drama });
  assert.equal(res.status, 'Canceled');
  assert.equal(res.code, 'Job.Canceled');
  assert.ok(res.stopMs < 1000, `stopped in ${res.stopMs} ms`);
  assert.equal(res.exists, false, 'no partial output in OPFS');
});

test('rendered files play in Chromium (MP4 and WebM)', async () => {
  const mp4 = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: host.server.fileUrl(path.join(SHARED_MEDIA, 'green-screen-720p.mp4')), StartTime: 3, Duration: 3 }],
    Output: { URI: host.uploadUrl('play.mp4'), Container: 'mp4' },
  });
  const webm = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: host.server.fileUrl(path.join(SHARED_MEDIA, 'green-screen-720p.mp4')), StartTime: 3, Duration: 3 }],
    Output: { URI: host.uploadUrl('play.webm'), Container: 'webm' },
  });
  for (const record of [mp4, webm]) {
    assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
    const file = local(record.Outputs[0].URI);
    const played = await host.page.evaluate(async (src) => {
      const video = document.createElement('video');
      video.muted = true;
      video.src = src;
      document.body.append(video);
      try {
        await new Promise((resolve, reject) => {
          video.onloadedmetadata = resolve;
          video.onerror = () => reject(new Error(`media error ${video.error?.code}: ${video.error?.message}`));
        });
        await video.play();
        await new Promise((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`stuck at ${video.currentTime}`)), 10000);
          video.ontimeupdate = () => video.currentTime > 1 && (clearTimeout(t), resolve());
        });
        return { duration: video.duration, width: video.videoWidth, height: video.videoHeight, error: null };
      } catch (e) {
        return { error: String(e.message ?? e) };
      } finally {
        video.remove();
      }
    }, host.server.fileUrl(file));
    assert.equal(played.error, null, `${file} plays`);
    assert.ok(Math.abs(played.duration - 3) < 0.1, `played duration ${played.duration}`);
    assert.equal(played.width, 1280);
  }
});

/** A 32x18 grey thumbnail of frame `k` of a constant-rate `file` at `fps` (ffmpeg's -ss gives the first frame at or after it). */
function thumbAt(file, k, fps) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-ss', ((k - 0.25) / fps).toFixed(4), '-i', file, '-frames:v', '1', '-vf', 'scale=32:18,format=gray', '-f', 'rawvideo', '-'], { maxBuffer: 1 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}
const thumbDistance = (a, b) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

test('clips that start or end on a shot cut show no frame of the neighbouring shot', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Compose',
    Mode: 'Scene',
    Sources: [{ URI: drama }],
    Output: { URI: host.uploadUrl('cuts.mp4'), Container: 'mp4', MaxDuration: 20 },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = local(record.Outputs[0].URI);
  const fps = truth.fps;
  const src = fixture('drama.mp4');
  // Output frame n shows t = n / fps; a clip covers output times [start, end).
  const firstFrame = (t) => Math.ceil(t * fps - 1e-6);
  let checked = 0;
  let outStart = 0;
  for (const clip of record.Outputs[0].Clips) {
    const outEnd = outStart + (clip.Out - clip.In);
    const startCut = truth.cuts.find((c) => Math.abs(c - clip.In) < 0.12);
    if (startCut !== undefined) {
      const cutFrame = Math.round(startCut * fps);
      const shown = thumbAt(out, firstFrame(outStart), fps);
      const newShot = thumbAt(src, cutFrame, fps);
      const oldShot = thumbAt(src, cutFrame - 1, fps);
      assert.ok(thumbDistance(shown, newShot) < thumbDistance(shown, oldShot), `clip at ${clip.In} s starts on the shot after the cut at ${startCut} s`);
      checked++;
    }
    const endCut = truth.cuts.find((c) => Math.abs(c - clip.Out) < 0.12);
    if (endCut !== undefined) {
      const cutFrame = Math.round(endCut * fps);
      const shown = thumbAt(out, firstFrame(outEnd) - 1, fps);
      const oldShot = thumbAt(src, cutFrame - 1, fps);
      const newShot = thumbAt(src, cutFrame, fps);
      assert.ok(thumbDistance(shown, oldShot) < thumbDistance(shown, newShot), `clip ending at ${clip.Out} s ends on the shot before the cut at ${endCut} s`);
      checked++;
    }
    outStart = outEnd;
  }
  assert.ok(checked > 0, 'some clip edge lies on a cut');
});
