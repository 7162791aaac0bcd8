// Helpers for the browser tests: one server + one headless Chromium per test file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchEngineHost, root, runInPage, startServer } from '../../cli/harness.mjs';

export const SHARED_MEDIA = path.resolve(root, '..', 'shared', 'media');
export const FIXTURES = path.join(root, 'fixtures');

/** The shared media folder must exist: a missing folder fails loudly rather than passing silently. */
export function sharedMediaFiles() {
  assert.ok(fs.existsSync(SHARED_MEDIA), `../shared/media is missing (looked in ${SHARED_MEDIA}); the browser tests need it`);
  return fs.readdirSync(SHARED_MEDIA).filter((f) => /\.(mp4|webm|mkv|mov|m4v)$/i.test(f)).sort();
}

export function fixture(rel) {
  const p = path.join(FIXTURES, rel);
  assert.ok(fs.existsSync(p), `fixture ${rel} is missing: run bash scripts/make_fixtures.sh`);
  return p;
}

export async function openHost() {
  const server = await startServer();
  const host = await launchEngineHost(server.base, { log: (m) => process.env.REELCUT_DEBUG && console.error(m) });
  return {
    server,
    page: host.page,
    context: host.context,
    /** Runs a request (either API) and returns the final job record. */
    run: (action, request) => runInPage(host.page, action, request),
    close: async () => {
      await host.close();
      await server.close();
    },
  };
}

/** A default Retrieval task over the given engine-readable URIs. */
export function retrieval(uris, extra = {}) {
  return { Type: 'Retrieval', Mode: 'Scene', Sources: uris.map((URI) => ({ URI })), Output: { URI: 'memory:' }, ...extra };
}

/** Structural checks every successful Retrieval result must pass. */
export function assertValidHighlights(record, durations) {
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const hs = record.Highlights;
  assert.ok(Array.isArray(hs) && hs.length > 0, 'at least one highlight');
  for (let i = 1; i < hs.length; i++) assert.ok(hs[i - 1].Score >= hs[i].Score, 'ordered by score');
  for (const h of hs) {
    assert.ok(h.End - h.Start >= 1 - 1e-6 && h.End - h.Start <= 15 + 1e-6, `clip length ${h.End - h.Start}`);
    assert.ok(h.Start >= 0 && h.End <= durations[h.Source] + 0.05, `clip inside source: ${h.Start}-${h.End} of ${durations[h.Source]}`);
    assert.ok(h.Score >= 0 && h.Score <= 1, 'score in 0..1');
    assert.ok(h.Reasons.length > 0, 'every clip explained');
  }
  // No two highlights of one source overlap.
  const bySource = new Map();
  for (const h of hs) bySource.set(h.Source, [...(bySource.get(h.Source) ?? []), h]);
  for (const list of bySource.values()) {
    const sorted = [...list].sort((a, b) => a.Start - b.Start);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].Start >= sorted[i - 1].End - 1e-6, 'highlights do not overlap');
  }
}
