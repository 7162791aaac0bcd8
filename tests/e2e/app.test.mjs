// The web app in headless Chromium, as a person uses it: drop and pick episodes from ../shared/media,
// find highlights (score timeline with tooltip, highlights played in place), a refused setting shown
// in words, one short reel with a music file (played, clips listed, downloaded), the job list after a reload (OPFS
// output downloadable again), cancel, offline start from the service worker, and a phone-width
// layout. No request may leave 127.0.0.1. Screenshots go to $REELCUT_SHOTS (default: a temp dir).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CHROMIUM_ARGS, startServer } from '../../cli/harness.mjs';
import { SHARED_MEDIA } from './lib.mjs';

const SHOTS = process.env.REELCUT_SHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-app-shots-'));
const BIKES = path.join(SHARED_MEDIA, 'bikes-noaudio.mp4');
const BBB = path.join(SHARED_MEDIA, 'bbb-720p-surround51.mp4');
const GREEN = path.join(SHARED_MEDIA, 'green-screen-720p.mp4');
const SPEECH = path.join(SHARED_MEDIA, 'speech-timecode-720p.mp4');

let server;
let context;
let page;
let userDataDir;
const outside = [];
const pageErrors = [];

before(async () => {
  for (const f of [BIKES, BBB, GREEN, SPEECH]) assert.ok(fs.existsSync(f), `${f} is missing: the app test needs ../shared/media`);
  server = await startServer();
  const { chromium } = await import('playwright-core');
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-app-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (!['blob:', 'data:'].includes(u.protocol) && u.host !== new URL(server.base).host) outside.push(r.url());
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.base}/`);
  await page.waitForFunction(() => window.reelcutApp?.ready === true, null, { timeout: 60_000 });
});
after(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

const shot = async (name, opts = {}) => {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, ...opts });
  return file;
};

/** Drops a file from the local server onto the drop zone, as a drag from the desktop would. */
async function dropFiles(files) {
  const list = files.map((f) => ({ url: server.fileUrl(f), name: path.basename(f) }));
  const dt = await page.evaluateHandle(async (list) => {
    const dt = new DataTransfer();
    for (const { url, name } of list) dt.items.add(new File([await (await fetch(url)).blob()], name, { type: 'video/mp4' }));
    return dt;
  }, list);
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
}

const progressNow = () => page.getByRole('progressbar').getAttribute('aria-valuenow');

test('drop three episodes, find highlights: progress, score timeline with reasons, highlight played in place', async () => {
  await dropFiles([GREEN, BBB, SPEECH]);
  await page.getByText('bbb-720p-surround51.mp4 (').waitFor();
  await page.getByText('green-screen-720p.mp4 (').waitFor();
  await page.getByText('speech-timecode-720p.mp4 (').waitFor();
  await page.getByRole('button', { name: 'Find highlights' }).click();
  const timelineOf = (name) => page.getByRole('img', { name: `Score timeline of ${name}` });
  await timelineOf('green-screen-720p.mp4').waitFor({ timeout: 120_000 });
  await timelineOf('bbb-720p-surround51.mp4').waitFor();
  assert.equal(await progressNow(), '100');
  assert.match(await page.getByRole('progressbar').getAttribute('aria-valuetext'), /done: 100%/);
  // Tooltip with the reasons on the first highlight, on whichever episode's timeline holds it
  // (a Retrieval returns one highlight by default; the scorer decides which episode has it).
  const names = ['green-screen-720p.mp4', 'bbb-720p-surround51.mp4', 'speech-timecode-720p.mp4'];
  const counts = await Promise.all(names.map((n) => timelineOf(n).locator('rect[data-tip^="#1 "]').count()));
  // Where the record says people talk is drawn (speech-timecode is a voice reading throughout).
  assert.ok((await timelineOf('speech-timecode-720p.mp4').locator('rect[data-tip^="speech "]').count()) >= 5, 'speech drawn');
  assert.ok(counts.some((c) => c > 0), 'a highlight is drawn on a timeline');
  const name = names[counts.findIndex((c) => c > 0)];
  const target = timelineOf(name).locator('rect[data-tip^="#1 "]');
  await target.hover();
  const tip = page.getByRole('tooltip');
  await tip.waitFor();
  assert.match(await tip.textContent(), /score \d\.\d\d\n.+/);
  await shot('1-highlights-1280');
  // Played in place: the preview seeks to the highlight's start and plays.
  const start = Number((await target.getAttribute('data-tip')).match(/^#1 (\d+):(\d+\.\d)/).slice(1).reduce((m, s) => m * 60 + Number(s), 0));
  const escaped = name.replace(/[.]/g, '\\.');
  await page.getByRole('button', { name: new RegExp(`^Play highlight 1 of ${escaped}`) }).click();
  const video = page.getByLabel(`Preview of ${name}`);
  await page.waitForFunction((v) => v.currentTime > 0 || !v.paused, await video.elementHandle(), { timeout: 10_000 });
  const t = await video.evaluate((v) => ({ t: v.currentTime, err: v.error?.code ?? null }));
  assert.equal(t.err, null, 'the episode plays in the page');
  assert.ok(t.t >= start - 0.3, `playing from the highlight's start (${t.t} vs ${start})`);
});

test('make one short 9:16 reel: played in a <video>, clips listed, Download, result JSON', async () => {
  await page.getByLabel('Episodes', { exact: true }).setInputFiles(BIKES);
  await page.getByLabel('Count').fill('1');
  await page.getByLabel('Max duration (s)').fill('6');
  await page.getByLabel('Aspect').selectOption('9:16');
  await page.getByLabel('Size').selectOption('540x960');
  await page.getByLabel('Transitions').selectOption(['fade']);
  // A title (drawn over the reel's first seconds): the record says the reel used it.
  await page.getByLabel('Title').fill('Episode 1 in 6 seconds');
  // The episode has no sound of its own: the music file gives the reel its audio.
  await page.getByLabel('Music').setInputFiles(BBB);
  await page.getByRole('button', { name: 'Make reels' }).click();
  const reel = page.getByLabel('Reel 1', { exact: true });
  await reel.waitFor({ timeout: 180_000 });
  assert.equal(await page.getByRole('alert').isVisible(), false);
  await page.waitForFunction((v) => v.readyState >= 1, await reel.elementHandle(), { timeout: 20_000 });
  const meta = await reel.evaluate((v) => ({ w: v.videoWidth, h: v.videoHeight, d: v.duration, err: v.error?.code ?? null }));
  assert.deepEqual([meta.w, meta.h, meta.err], [540, 960, null]);
  assert.ok(meta.d > 1 && meta.d <= 6.1, `reel duration ${meta.d}`);
  assert.ok((await page.locator('.reel tbody tr').count()) >= 1, 'clips listed');
  assert.match(await page.locator('.reel tbody tr').first().textContent(), /bikes-noaudio\.mp4/);
  await page.getByRole('img', { name: 'Score timeline of bikes-noaudio.mp4' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download', exact: true }).click()]);
  const saved = path.join(SHOTS, 'reel.mp4');
  await download.saveAs(saved);
  assert.equal(fs.readFileSync(saved).subarray(4, 8).toString(), 'ftyp');
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Result JSON' }).click()]);
  const record = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
  assert.equal(record.SubJobList[0].Status, 'Success');
  assert.match(record.SubJobList[0].BackgroundMusic?.URI ?? '', /bbb-720p-surround51\.mp4$/, JSON.stringify(record.SubJobList[0]));
  assert.ok(record.SubJobList[0].AudioCodec, 'the reel has the music as its sound');
  assert.deepEqual(record.SubJobList[0].Overlays, ['TitleArray[0]']);
  await page.getByLabel('Music').setInputFiles([]);
  await page.getByLabel('Title').fill('');
  await shot('3-reel-1280');
});

test('the job list survives a reload; the OPFS reel is downloadable again; cancel stops a job', async () => {
  await page.reload();
  await page.waitForFunction(() => window.reelcutApp?.ready === true);
  const jobs = page.locator('#jobs li[data-job]');
  assert.ok((await jobs.count()) >= 2, 'both earlier jobs listed');
  await page.locator('#jobs li', { hasText: 'Reels' }).first().getByRole('button', { name: /^Show results/ }).click();
  const link = page.getByRole('link', { name: 'Download', exact: true });
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.ok(fs.statSync(await download.path()).size > 1000);
  // Cancel a longer job.
  await page.getByLabel('Episodes', { exact: true }).setInputFiles(SPEECH);
  await page.getByRole('button', { name: 'Find highlights' }).click();
  await page.waitForFunction(() => Number(document.querySelector('[role=progressbar]').getAttribute('aria-valuenow')) > 0, null, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10_000 });
  assert.match(await alert.textContent(), /canceled \(Job\.Canceled\)/i);
  await page.locator('#jobs li', { hasText: 'Canceled' }).first().waitFor();
  await shot('4-jobs-after-reload');
});

test('phone width layout, offline start from the service worker, nothing left 127.0.0.1', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#jobs li', { hasText: 'Reels' }).first().getByRole('button', { name: /^Show results/ }).click();
  await page.getByLabel('Reel 1', { exact: true }).waitFor();
  const overflow = await page.evaluate(() => ({
    by: document.documentElement.scrollWidth - window.innerWidth,
    wide: Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map((e) => `${e.tagName}.${e.className}#${e.id}`),
  }));
  assert.ok(overflow.by <= 1, `no sideways scrolling at 390 px (${overflow.by} px too wide: ${overflow.wide.join(', ')})`);
  await shot('5-phone');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  try {
    await page.reload();
    await page.waitForFunction(() => window.reelcutApp?.ready === true, null, { timeout: 30_000 });
    await page.getByLabel('Episodes', { exact: true }).waitFor();
  } finally {
    await context.setOffline(false);
  }
  assert.deepEqual(outside, [], 'no request left 127.0.0.1');
  assert.deepEqual(pageErrors, []);
});
