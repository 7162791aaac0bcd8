// The transition catalogue in Chromium: a screen-highlights job with gl-transitions and xfade names,
// and a Concat joined by transitions (each overlap shortens the output); files checked with ffprobe.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, fixture, openHost, SHARED_MEDIA } from './lib.mjs';

let host;
before(async () => {
  host = await openHost();
});
after(async () => host?.close());

const local = (uri) => path.join(host.uploadDir, decodeURIComponent(uri.slice(host.uploadUrl('').length)));

test('screen-highlights job with new transition names: a valid MP4', async () => {
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: { MediaArray: [host.server.fileUrl(fixture('drama.mp4'))] },
    EditingConfig: { ProcessConfig: { AllowTransition: true, TransitionList: ['bowTieVertical', 'radial', 'horizontalsliceleft', 'crosswarp'] } },
    OutputConfig: { MediaURL: host.uploadUrl('ice_tr_{index}.mp4'), Count: 1, Width: 640, Height: 360, MaxDuration: 12 },
  });
  assert.equal(record.Status, 'Finished', `${record.Code}: ${record.Message}`);
  const sub = record.SubJobList[0];
  assert.equal(sub.Status, 'Success', `${sub.ErrorCode}: ${sub.ErrorMessage}`);
  checkMediaFile(local(sub.MediaURL));
});

test('Concat with transitions: ranges overlap, the output is shorter by the transitions', async () => {
  const a = host.server.fileUrl(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'));
  const b = host.server.fileUrl(path.join(SHARED_MEDIA, 'speech-timecode-720p.mp4'));
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: b, StartTime: 2, Duration: 3 }, { URI: a, StartTime: 1, Duration: 2.5 }, { URI: b, StartTime: 30, Duration: 1.5 }],
    Edit: { Mode: 'Sequential', TransitionMode: 'Sequential', Transitions: [{ Transition: 'circleopen', Duration: 0.5 }, { Transition: 'crosswarp', Duration: 0.5 }] },
    Output: { URI: host.uploadUrl('concat_tr.mp4'), Container: 'mp4' },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.deepEqual(out.Clips.map((c) => c.Transition?.Transition ?? c.Transition ?? null).filter(Boolean).length, 2);
  const { duration } = checkMediaFile(local(out.URI));
  assert.ok(Math.abs(duration - 6) <= 1 / 30 + 0.05, `duration ${duration}: 7 s of ranges minus two 0.5 s overlaps`);
  assert.ok(JSON.stringify(record).includes('shorter'), 'the record says the transitions shorten the output');
});

test('Concat with more gl-transitions (cube, burn, heart, zoomInCircles): a valid, shorter MP4', async () => {
  const a = host.server.fileUrl(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'));
  const b = host.server.fileUrl(path.join(SHARED_MEDIA, 'speech-timecode-720p.mp4'));
  const names = ['cube', 'burn', 'heart', 'zoomInCircles'];
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [
      { URI: b, StartTime: 2, Duration: 2 },
      { URI: a, StartTime: 1, Duration: 2 },
      { URI: b, StartTime: 30, Duration: 1.5 },
      { URI: a, StartTime: 4, Duration: 2 },
      { URI: b, StartTime: 10, Duration: 1.5 },
    ],
    Edit: { Mode: 'Sequential', TransitionMode: 'Sequential', Transitions: names.map((Transition) => ({ Transition, Duration: 0.5 })) },
    Output: { URI: host.uploadUrl('concat_gl.mp4'), Container: 'mp4' },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  const used = out.Clips.map((c) => c.Transition?.Transition ?? c.Transition ?? null).filter(Boolean);
  assert.equal(used.length, 4, JSON.stringify(out.Clips));
  const { duration } = checkMediaFile(local(out.URI));
  assert.ok(Math.abs(duration - 7) <= 1 / 30 + 0.05, `duration ${duration}: 9 s of ranges minus four 0.5 s overlaps`);
});

test('Concat joined by filmBurn (the 50-tap blur with light leaks): a valid, shorter MP4', async () => {
  const a = host.server.fileUrl(path.join(SHARED_MEDIA, 'bikes-noaudio.mp4'));
  const b = host.server.fileUrl(path.join(SHARED_MEDIA, 'speech-timecode-720p.mp4'));
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: b, StartTime: 2, Duration: 2 }, { URI: a, StartTime: 1, Duration: 2 }],
    Edit: { Mode: 'Sequential', TransitionMode: 'Sequential', Transitions: [{ Transition: 'filmBurn', Duration: 0.5 }] },
    Output: { URI: host.uploadUrl('concat_filmburn.mp4'), Container: 'mp4' },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  const used = out.Clips.map((c) => c.Transition?.Transition ?? c.Transition ?? null).filter(Boolean);
  assert.deepEqual(used.map((t) => String(t).toLowerCase()), ['filmburn'], JSON.stringify(out.Clips));
  const { duration } = checkMediaFile(local(out.URI));
  assert.ok(Math.abs(duration - 3.5) <= 1 / 30 + 0.05, `duration ${duration}: 4 s of ranges minus one 0.5 s overlap`);
});
