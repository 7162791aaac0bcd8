// The generated drama-like episode: calm dialogue plus two loud, fast-cut climaxes at known times.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { assertValidHighlights, fixture, openHost, retrieval } from './lib.mjs';

let host;
let truth;
let uri;
before(async () => {
  host = await openHost();
  truth = JSON.parse(fs.readFileSync(fixture('drama.json'), 'utf8'));
  uri = host.server.fileUrl(fixture('drama.mp4'));
});
after(async () => host?.close());

const overlap = (h, c) => Math.max(0, Math.min(h.End, c.end) - Math.max(h.Start, c.start));

test('Scene mode: the top highlights are the climaxes', async (t) => {
  const record = await host.run('CreateHighlightTask', retrieval([uri]));
  assertValidHighlights(record, [truth.duration]);
  const top = record.Highlights.slice(0, truth.climaxes.length);
  for (const h of top) {
    assert.ok(truth.climaxes.some((c) => overlap(h, c) >= 0.5 * (h.End - h.Start)), `top highlight ${h.Start}-${h.End} lies in a climax ${JSON.stringify(truth.climaxes)}`);
  }
  for (const c of truth.climaxes) {
    assert.ok(top.some((h) => overlap(h, c) > 0), `climax ${c.start}-${c.end} is among the top highlights`);
  }
  assert.equal(record.Profile.toLowerCase(), 'drama');

  // The record lists the episode's shots and its score curve (the app's timeline draws both).
  const { Shots, ScoreCurve } = record.Sources[0];
  assert.ok(Shots.length >= truth.shots.length * 0.8, `${Shots.length} shots for ${truth.shots.length} true ones`);
  for (let i = 1; i < Shots.length; i++) assert.ok(Shots[i].Start >= Shots[i - 1].End - 1e-6, 'shots in order, not overlapping');
  assert.ok(Shots.every((s) => ['cut', 'fade', 'dissolve'].includes(s.Kind) && s.End > s.Start));
  // Every cut on a decoded frame: a shot starts within one frame of each true cut (on it where
  // the decoder decoded the frames around it). A white flash between two shots belongs to
  // neither (a flash is no cut): the cut into it is where the shot before it ends.
  const frame = 1 / truth.fps;
  const starts = Shots.slice(1).map((s) => s.Start);
  const ends = Shots.slice(0, -1).map((s) => s.End);
  const intoFlash = new Set(truth.flashes.map((f) => f.start));
  const error = (t) => Math.min(...(intoFlash.has(t) ? ends : starts).map((s) => Math.abs(s - t))) / frame;
  const errors = truth.cuts.map(error);
  const exact = errors.filter((e) => e < 0.01).length;
  const late = truth.cuts.filter((t, i) => errors[i] > 1 + 1e-3);
  t.diagnostic(`${exact} of ${truth.cuts.length} cuts on their exact frame, ${truth.cuts.length - late.length} within one frame`);
  const near = (x) => JSON.stringify(Shots.filter((s) => s.End > x - 1 && s.Start < x + 1));
  assert.deepEqual(late, [], `cuts not within one frame of a shot edge: ${late.map((x) => `${x} (${error(x).toFixed(1)} frames; shots ${near(x)})`)}`);
  assert.equal(ScoreCurve.Step, 0.5);
  assert.ok(ScoreCurve.Values.length >= truth.duration / 0.5 - 2 && ScoreCurve.Values.every((v) => v >= 0 && v <= 1));
  const peak = ScoreCurve.Values.indexOf(Math.max(...ScoreCurve.Values)) * ScoreCurve.Step + ScoreCurve.Start;
  assert.ok(truth.climaxes.some((c) => peak >= c.start - 1 && peak <= c.end + 1), `the curve peaks in a climax (${peak} s)`);
});

test('Average mode spreads highlights over the episode', async () => {
  const record = await host.run('CreateHighlightTask', retrieval([uri], { Mode: 'Average' }));
  assertValidHighlights(record, [truth.duration]);
  const starts = record.Highlights.map((h) => h.Start).sort((a, b) => a - b);
  assert.ok(starts.length >= 3, `several highlights: ${starts}`);
  assert.ok(starts[0] < truth.duration / 3 && starts[starts.length - 1] > (2 * truth.duration) / 3, `spread: ${starts}`);
});

test('Highlight.Content selects a profile; free text falls back and says so', async () => {
  const sports = await host.run('CreateHighlightTask', retrieval([uri], { Highlight: { Content: 'Sports' } }));
  assert.equal(sports.Status, 'Succeeded');
  assert.equal(sports.Profile.toLowerCase(), 'sports');
  const free = await host.run('CreateHighlightTask', retrieval([uri], { Highlight: { Content: 'the moment she finds out' } }));
  assert.equal(free.Status, 'Succeeded');
  assert.equal(free.Profile.toLowerCase(), 'drama');
  assert.ok(free.Notes.some((n) => /not a known profile|default/i.test(n)), `note about the fallback: ${free.Notes}`);
});

test('StartTime/Duration restrict the analysed range', async () => {
  const c = truth.climaxes[0];
  const record = await host.run('CreateHighlightTask', {
    ...retrieval([]),
    Sources: [{ URI: uri, StartTime: Math.max(0, c.start - 10), Duration: 20 }],
  });
  assert.equal(record.Status, 'Succeeded', record.Message);
  for (const h of record.Highlights) assert.ok(h.Start >= c.start - 10 - 1e-6 && h.End <= c.start + 10 + 1e-6, `inside range: ${h.Start}-${h.End}`);
});
