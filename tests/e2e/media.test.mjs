// Every file in ../shared/media runs through the real engine in Chromium.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertValidHighlights, openHost, retrieval, SHARED_MEDIA, sharedMediaFiles } from './lib.mjs';

let host;
before(async () => (host = await openHost()));
after(async () => host?.close());

const EXPECT = {
  'speech-timecode-720p.mp4': { w: 1280, h: 720, audio: 'aac', dur: 42.5 },
  'green-screen-720p.mp4': { w: 1280, h: 720, audio: 'aac', dur: 24.4 },
  'bbb-720p-surround51.mp4': { w: 1280, h: 720, audio: 'aac', dur: 5.3 },
  'bbb-rotated-1080p.mp4': { w: 1080, h: 1920, audio: 'aac', dur: 2.0 },
  'bbb-180p-vp9.webm': { w: 320, h: 180, audio: null, dur: 10 },
  'bikes-noaudio.mp4': { w: 640, h: 272, audio: null, dur: 10 },
};

for (const name of sharedMediaFiles()) {
  test(`retrieval over ${name}`, async () => {
    const record = await host.run('CreateHighlightTask', retrieval([host.server.fileUrl(path.join(SHARED_MEDIA, name))]));
    const src = record.Sources?.[0];
    assert.ok(src, `${record.Code}: ${record.Message}`);
    // A source where no clip between legal edges (pauses, cuts, moments without speech) fits may
    // have no highlight (never one cut mid-word), and the record must then say so.
    assertValidHighlights(record, [src.Duration], { allowNone: true });
    const want = EXPECT[name];
    if (want) {
      assert.equal(src.Width, want.w, 'display width (rotation/pixel aspect honoured)');
      assert.equal(src.Height, want.h, 'display height');
      assert.equal(src.Audio, want.audio);
      assert.ok(Math.abs(src.Duration - want.dur) < 0.2, `duration ${src.Duration}`);
      assert.ok(src.Frames > want.dur * 5, `frames analysed: ${src.Frames}`);
    }
    if (!want?.audio) assert.ok(record.Notes.some((n) => /no audio/.test(n)), 'says it had no audio');
  });
}

test('speech file: highlight edges fall in speech pauses, never mid-word', async () => {
  const file = path.join(SHARED_MEDIA, 'speech-timecode-720p.mp4');
  const record = await host.run('CreateHighlightTask', retrieval([host.server.fileUrl(file)]));
  assertValidHighlights(record, [record.Sources[0].Duration]);
  // Reference: ffmpeg's silencedetect finds the pauses; every edge must be inside one (or at the file's ends).
  const { spawnSync } = await import('node:child_process');
  const text = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'silencedetect=noise=-35dB:d=0.15', '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
  const starts = [...text.matchAll(/silence_start: ([\d.]+)/g)].map((m) => Number(m[1]));
  const ends = [...text.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]));
  const pauses = starts.map((s, i) => [s - 0.08, (ends[i] ?? 1e9) + 0.08]);
  const dur = record.Sources[0].Duration;
  for (const h of record.Highlights) {
    for (const edge of [h.Start, h.End]) {
      const ok = edge < 0.1 || edge > dur - 0.1 || pauses.some(([a, b]) => edge >= a && edge <= b);
      assert.ok(ok, `edge ${edge} is not in a pause; pauses: ${JSON.stringify(pauses)}`);
    }
  }
});
