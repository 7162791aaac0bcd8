// The reelcut web app: pick or drop episodes, find highlights or make reels, watch progress, see
// each episode's score timeline, play highlights in place, play and download reels, and keep a job
// list that survives a reload (the engine's IndexedDB records; OPFS outputs stay downloadable).
// Built only on the package's public API.
import { createEngine, type HighlightTaskRequest, type JobRecord, type ProgressEvent, type ScreenMediaHighlightsRequest, type SourceSummary } from '../src/index';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const episodesInput = $<HTMLInputElement>('episodes');
const drop = $<HTMLDivElement>('drop');
const pickedList = $<HTMLUListElement>('picked');
const findButton = $<HTMLButtonElement>('find');
const makeButton = $<HTMLButtonElement>('make');
const cancelButton = $<HTMLButtonElement>('cancel');
const bar = $<HTMLDivElement>('progress');
const statusLine = $<HTMLParagraphElement>('status');
const errorLine = $<HTMLParagraphElement>('error');
const resultsCard = $<HTMLElement>('results-card');
const results = $<HTMLDivElement>('results');
const jobsList = $<HTMLUListElement>('jobs');
const tip = $<HTMLDivElement>('tip');
const aspect = $<HTMLSelectElement>('aspect');
const sizeSelect = $<HTMLSelectElement>('size');

type OutputLike = { Index: number; URI?: string | null; MediaURL?: string | null; Status: string; ErrorCode?: string; ErrorMessage?: string; Blob?: Blob; Duration?: number; Width?: number; Height?: number; Location?: string; Clips?: Clip[]; Notes?: string[] };
type Clip = { Source: number; In: number; Out: number; Score: number; Reasons: string[]; Transition?: string };
type Highlight = NonNullable<JobRecord['Highlights']>[number];
// A record's source entry (generated from the Rust record, src/engine/result.rs): analysed
// sources carry their Shots, Speech and ScoreCurve.
type SourceInfo = SourceSummary;

let picked: File[] = [];
/** Files of the current session by media key, to play highlights in place. */
const filesByKey = new Map<string, File>();
let currentJob: string | null = null;

const engine = await createEngine();

// ---- picking -------------------------------------------------------------------------------------
function setPicked(files: File[]): void {
  picked = files.filter((f) => /^(video|audio)\//.test(f.type) || /\.(mp4|mov|m4v|webm|mkv)$/i.test(f.name));
  pickedList.replaceChildren(...picked.map((f) => li(`${f.name} (${(f.size / 1e6).toFixed(1)} MB)`)));
  statusLine.textContent = picked.length ? `${picked.length} episode${picked.length > 1 ? 's' : ''} ready.` : 'Pick one or more episodes.';
  updateButtons();
}
episodesInput.onchange = () => setPicked(Array.from(episodesInput.files ?? []));
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  setPicked(Array.from(e.dataTransfer?.files ?? []));
});

const SIZES: Record<string, string[]> = {
  '9:16': ['1080x1920', '720x1280', '540x960'],
  '16:9': ['1920x1080', '1280x720', '960x540'],
  '1:1': ['1080x1080', '720x720', '540x540'],
  '': ['as the largest episode'],
};
function fillSizes(): void {
  sizeSelect.replaceChildren(...SIZES[aspect.value].map((s) => new Option(s, aspect.value ? s : '')));
  sizeSelect.disabled = !aspect.value;
}
aspect.onchange = fillSizes;
fillSizes();

function updateButtons(): void {
  const busy = currentJob !== null;
  findButton.disabled = busy || picked.length === 0;
  makeButton.disabled = busy || picked.length === 0;
  cancelButton.disabled = !busy;
}

// ---- requests ------------------------------------------------------------------------------------
function mediaMap(): Record<string, Blob> {
  const media: Record<string, Blob> = {};
  picked.forEach((f, i) => {
    const key = `episode${i + 1}:${f.name}`;
    media[key] = f;
    filesByKey.set(key, f);
  });
  return media;
}
const num = (id: string) => {
  const v = $<HTMLInputElement>(id).value.trim();
  return v === '' ? undefined : Number(v);
};

async function findHighlights(): Promise<void> {
  const media = mediaMap();
  const content = $<HTMLInputElement>('content').value.trim();
  await start(() =>
    engine.createHighlightTask(
      {
        Type: 'Retrieval',
        Mode: $<HTMLSelectElement>('mode').value as HighlightTaskRequest['Mode'],
        Sources: Object.keys(media).map((URI) => ({ URI })),
        ...(content ? { Highlight: { Content: content } } : {}),
        Output: { URI: 'memory:' },
      },
      { media, onProgress, onComplete: showRecord },
    ).then((r) => r.TaskId),
  );
}

async function makeReels(): Promise<void> {
  const media = mediaMap();
  const music = $<HTMLInputElement>('music').files?.[0];
  if (music) media['music:' + music.name] = music;
  const title = $<HTMLInputElement>('title').value.trim();
  const transitions = Array.from($<HTMLSelectElement>('transitions').selectedOptions).map((o) => o.value);
  const [w, h] = sizeSelect.value ? sizeSelect.value.split('x').map(Number) : [undefined, undefined];
  const target = num('target');
  const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const InputConfig: ScreenMediaHighlightsRequest['InputConfig'] = {
    MediaArray: picked.map((f, i) => `episode${i + 1}:${f.name}`),
    ...($<HTMLInputElement>('hook').checked || target ? { HighlightStrategy: { ...($<HTMLInputElement>('hook').checked ? { IntroConfig: { Mode: 'Auto' as const } } : {}), ...(target ? { TargetDuration: target } : {}) } } : {}),
    ...(title ? { TitleArray: [title] } : {}),
    ...(music ? { BackgroundMusicArray: ['music:' + music.name] } : {}),
  };
  const EditingConfig = transitions.length ? { ProcessConfig: { AllowTransition: true, TransitionList: transitions } } : undefined;
  const OutputConfig = {
    MediaURL: `opfs:/reelcut/reel_${stamp}_{index}.mp4`,
    Count: num('count') ?? 1,
    ...(w && h ? { Width: w, Height: h } : {}),
    ...(num('maxdur') ? { MaxDuration: num('maxdur') } : {}),
  };
  await start(() =>
    engine
      .submitScreenMediaHighlightsJob({ InputConfig, ...(EditingConfig ? { EditingConfig } : {}), OutputConfig }, { media, onProgress, onComplete: showRecord })
      .then((r) => r.JobId),
  );
}

async function start(submit: () => Promise<string>): Promise<void> {
  showError(null);
  lastFraction = 0;
  setProgress(0, 'validating', null);
  try {
    currentJob = await submit();
    updateButtons();
    void refreshJobs();
  } catch (e) {
    // The engine refuses what it cannot do (a setting not built yet): show it.
    const err = e as { code?: string; message?: string };
    showError(err.code ? `${humanCode(err.code)} (${err.code}): ${words(err.message?.replace(`${err.code}: `, ''))}` : String(e));
    setProgress(0, 'not started', null);
  }
}

findButton.onclick = () => void findHighlights();
makeButton.onclick = () => void makeReels();
cancelButton.onclick = () => currentJob && void engine.cancelJob(currentJob);

// ---- progress and errors -------------------------------------------------------------------------
function setProgress(fraction: number, stage: string, eta: number | null): void {
  const pct = Math.round(fraction * 100);
  bar.setAttribute('aria-valuenow', String(pct));
  const text = `${stage}: ${pct}%` + (eta != null ? `, about ${fmtDuration(eta)} left` : '');
  bar.setAttribute('aria-valuetext', text);
  (bar.firstElementChild as HTMLElement).style.width = `${pct}%`;
  statusLine.textContent = text;
}
let lastFraction = 0;
function onProgress(p: ProgressEvent): void {
  lastFraction = p.Fraction;
  setProgress(p.Fraction, p.Stage, p.EtaSeconds);
}
/** Messages name inputs by their media key (`episode2:name.mp4`); people know them by file name. */
function words(message: string | undefined): string {
  return (message ?? '').replace(/\b(?:episode\d+|music):/g, '');
}
const CODE_WORDS: Record<string, string> = {
  InvalidParameter: 'A setting is not accepted',
  'InvalidMedia.NotFound': 'An input could not be opened',
  'InvalidMedia.Unsupported': 'This browser cannot read that input',
  'InvalidMedia.Corrupt': 'An input file is damaged',
  'Output.UploadFailed': 'The reel could not be uploaded',
  'Job.Canceled': 'The job was canceled',
  'Job.Interrupted': 'The job was interrupted by a reload',
  Internal: 'Something went wrong inside the engine',
};
function humanCode(code: string): string {
  return CODE_WORDS[code] ?? CODE_WORDS[code.split('.')[0]] ?? 'The job failed';
}
function showError(text: string | null): void {
  errorLine.hidden = !text;
  errorLine.textContent = text ?? '';
}

// ---- results -------------------------------------------------------------------------------------
function showRecord(record: JobRecord): void {
  if ((record.JobId ?? record.TaskId) === currentJob) {
    currentJob = null;
    updateButtons();
  }
  void refreshJobs();
  const failed = record.Code && record.Code !== 'Success';
  if (failed) {
    setProgress(lastFraction, 'stopped at', null);
    showError(`${humanCode(record.Code!)} (${record.Code}): ${words(record.Message)}`);
    return;
  }
  setProgress(1, 'done', 0);
  statusLine.textContent = `Done in ${fmtDuration(elapsed(record))}.` + (record.Notes?.length ? ` Notes: ${record.Notes.join('; ')}` : '');
  void renderResults(record);
}

function outputsOf(record: JobRecord): OutputLike[] {
  return ((record.SubJobList ?? record.Outputs ?? []) as OutputLike[]).map((o) => ({ ...o, URI: o.URI ?? o.MediaURL ?? null }));
}

async function renderResults(record: JobRecord): Promise<void> {
  resultsCard.hidden = false;
  const sources = (record.Sources ?? []) as SourceInfo[];
  const outputs = outputsOf(record);
  const highlights = record.Highlights ?? [];
  const chosen: Clip[] = outputs.flatMap((o) => o.Clips ?? []);
  const nodes: Node[] = [];
  const head = el('div', { class: 'links' });
  head.append(jsonLink(record));
  if (outputs.length > 1) {
    const all = button('Download all', 'secondary');
    all.onclick = () => results.querySelectorAll<HTMLAnchorElement>('a[data-reel]').forEach((a) => a.click());
    head.append(all);
  }
  nodes.push(head);
  for (const [i, o] of outputs.entries()) nodes.push(await reelBlock(record, o, i, sources));
  sources.forEach((src, i) => nodes.push(episodeBlock(src, i, highlights.filter((h) => h.Source === i), chosen.filter((c) => c.Source === i))));
  results.replaceChildren(...nodes);
}

function sourceName(uri: string): string {
  return uri.replace(/^episode\d+:/, '').replace(/^.*\//, '');
}

function episodeBlock(src: SourceInfo, index: number, highlights: Highlight[], chosen: Clip[]): HTMLElement {
  const name = sourceName(src.URI);
  const block = el('div', { class: 'episode' });
  block.append(el('h3', {}, `Episode ${index + 1}: ${name}`));
  block.append(timeline(src, name, highlights, chosen));
  if (!highlights.length && !chosen.length) block.append(el('p', { class: 'muted' }, 'No highlight was chosen from this episode (the others scored higher).'));
  const body = el('div', { class: 'ep-body' });
  const file = filesByKey.get(src.URI);
  const video = el('video', { controls: '', preload: 'metadata', 'aria-label': `Preview of ${name}` }) as HTMLVideoElement;
  if (file) video.src = URL.createObjectURL(file);
  body.append(file ? video : el('p', { class: 'muted' }, 'Pick the file again to play it (picked files are not kept after a reload).'));
  const rows: [number, number, number, string[], string][] = highlights.length
    ? highlights.map((h) => [h.Start, h.End, h.Score, h.Reasons, 'highlight'])
    : chosen.map((c) => [c.In, c.Out, c.Score, c.Reasons, 'in a reel']);
  const table = el('table');
  table.append(el('thead', {}, el('tr', {}, ...['', 'In', 'Out', 'Score', 'Why'].map((t) => el('th', {}, t)))));
  const tbody = el('tbody');
  rows.forEach(([a, b, score, reasons], k) => {
    const play = button(`Play ${k + 1}`, 'secondary');
    play.setAttribute('aria-label', `Play highlight ${k + 1} of ${name} (${fmt(a)}–${fmt(b)})`);
    play.disabled = !file;
    play.onclick = () => playRange(video, a, b);
    tbody.append(el('tr', {}, el('td', {}, play), el('td', {}, fmt(a)), el('td', {}, fmt(b)), el('td', {}, score.toFixed(2)), el('td', {}, reasons.join('; '))));
  });
  table.append(tbody);
  body.append(table);
  block.append(body);
  return block;
}

function playRange(video: HTMLVideoElement, a: number, b: number): void {
  video.currentTime = a;
  const stop = () => {
    if (video.currentTime >= b) {
      video.pause();
      video.removeEventListener('timeupdate', stop);
    }
  };
  video.addEventListener('timeupdate', stop);
  void video.play().catch(() => {});
}

/** The score timeline: highlight scores over time, chosen clips, shot cuts and speech where the record has them. */
function timeline(src: SourceInfo, name: string, highlights: Highlight[], chosen: Clip[]): HTMLElement {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 1000;
  const H = 100;
  const dur = Math.max(src.Duration || 0, ...highlights.map((h) => h.End), ...chosen.map((c) => c.Out), 0.001);
  const x = (t: number) => (t / dur) * W;
  const y = (s: number) => H - 14 - s * (H - 24);
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  const add = (tag: string, attrs: Record<string, string | number>, tipText?: string) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (tipText) {
      n.addEventListener('pointerenter', (e) => showTip(tipText, e as PointerEvent));
      n.addEventListener('pointermove', (e) => moveTip(e as PointerEvent));
      n.addEventListener('pointerleave', hideTip);
      n.setAttribute('data-tip', tipText);
    }
    svg.append(n);
    return n;
  };
  // Speech (bottom band), where the record has it.
  for (const { Start: a, End: b } of src.Speech ?? []) {
    add('rect', { x: x(a), y: H - 8, width: Math.max(1, x(b) - x(a)), height: 6, fill: '#26a69a' }, `speech ${fmt(a)}–${fmt(b)}`);
  }
  // Chosen clips (reels): shaded spans behind the curve.
  for (const c of chosen) {
    add('rect', { x: x(c.In), y: 4, width: Math.max(2, x(c.Out) - x(c.In)), height: H - 18, fill: 'rgba(255,152,0,.28)', stroke: '#ff9800', 'stroke-width': 1 }, `in a reel ${fmt(c.In)}–${fmt(c.Out)} · score ${c.Score.toFixed(2)}\n${c.Reasons.join('\n')}`);
  }
  // The score over time: the engine's curve if the record carries one, else the scored clips as a step line.
  const curve = src.ScoreCurve;
  const pts: [number, number][] = [];
  if (curve) {
    curve.Values.forEach((v, k) => pts.push([x(curve.Start + k * curve.Step), y(v)]));
  } else {
    const spans = [...highlights.map((h) => [h.Start, h.End, h.Score]), ...chosen.map((c) => [c.In, c.Out, c.Score])].sort((p, q) => p[0] - q[0]);
    let t = 0;
    pts.push([0, y(0)]);
    for (const [a, b, s] of spans) {
      if (a < t) continue;
      pts.push([x(a), y(0)], [x(a), y(s)], [x(b), y(s)], [x(b), y(0)]);
      t = b;
    }
    pts.push([W, y(0)]);
  }
  add('polyline', { points: pts.map((p) => p.join(',')).join(' '), fill: 'none', stroke: '#3d5afe', 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke' });
  // Highlights: hover targets with their reasons.
  highlights.forEach((h, k) => {
    add('rect', { x: x(h.Start), y: y(h.Score), width: Math.max(3, x(h.End) - x(h.Start)), height: H - 14 - y(h.Score), fill: 'rgba(61,90,254,.18)' }, `#${k + 1} ${fmt(h.Start)}–${fmt(h.End)} · score ${h.Score.toFixed(2)}\n${h.Reasons.join('\n')}`);
  });
  // Shot cuts, where the record has them.
  const cuts = (src.Shots ?? []).slice(1).map((s) => s.Start);
  for (const t of cuts) add('line', { x1: x(t), x2: x(t), y1: 2, y2: H - 10, stroke: '#888', 'stroke-width': 1, 'stroke-dasharray': '3 3', 'vector-effect': 'non-scaling-stroke' }, `shot cut at ${fmt(t)}`);
  add('line', { x1: 0, x2: W, y1: H - 14, y2: H - 14, stroke: '#c5c8d6', 'vector-effect': 'non-scaling-stroke' });

  const wrap = el('div', { class: 'timeline' });
  const figure = el('div', { role: 'img', 'aria-label': `Score timeline of ${name}` });
  figure.append(svg);
  wrap.append(figure);
  const legend = el('div', { class: 'legend' });
  legend.innerHTML = `<span><i style="background:#3d5afe"></i>score</span><span><i style="background:rgba(255,152,0,.5)"></i>chosen for a reel</span>` +
    (cuts.length ? '<span><i style="background:#888"></i>shot cut</span>' : '') +
    (src.Speech?.length ? '<span><i style="background:#26a69a"></i>speech</span>' : '') +
    `<span>0 – ${fmt(dur)}</span>`;
  wrap.append(legend);
  return wrap;
}

function showTip(text: string, e: PointerEvent): void {
  tip.textContent = text;
  tip.hidden = false;
  moveTip(e);
}
function moveTip(e: PointerEvent): void {
  const left = Math.min(e.clientX + 12, window.innerWidth - tip.offsetWidth - 8);
  tip.style.left = `${Math.max(4, left)}px`;
  tip.style.top = `${e.clientY + 14}px`;
}
function hideTip(): void {
  tip.hidden = true;
}

async function outputBlob(o: OutputLike): Promise<Blob | null> {
  if (o.Blob) return o.Blob;
  const where = o.Location ?? o.URI;
  if (where?.startsWith('opfs:')) return readOpfs(where);
  return null;
}

async function readOpfs(uri: string): Promise<Blob | null> {
  try {
    const parts = uri.replace(/^opfs:\/*/, '').split('/');
    let dir = await navigator.storage.getDirectory();
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
    return await (await dir.getFileHandle(parts[parts.length - 1])).getFile();
  } catch {
    return null;
  }
}

async function reelBlock(record: JobRecord, o: OutputLike, i: number, sources: SourceInfo[]): Promise<HTMLElement> {
  const block = el('div', { class: 'reel' });
  const left = el('div');
  const right = el('div');
  right.append(el('h3', {}, `Reel ${o.Index ?? i + 1}` + (o.Duration ? ` · ${fmt(o.Duration)}` : '') + (o.Width ? ` · ${o.Width}×${o.Height}` : '')));
  if (o.Status !== 'Success') {
    right.append(el('p', { class: 'error' }, `${humanCode(o.ErrorCode ?? 'Internal')} (${o.ErrorCode}): ${words(o.ErrorMessage)}`));
  }
  const blob = await outputBlob(o);
  if (blob) {
    const url = URL.createObjectURL(blob);
    left.append(el('video', { controls: '', src: url, preload: 'metadata', playsinline: '', 'aria-label': `Reel ${o.Index ?? i + 1}` }));
    const name = (o.URI ?? `reel_${i + 1}.mp4`).replace(/^.*\//, '').replace(/^memory:$/, `reel_${i + 1}.mp4`);
    const links = el('div', { class: 'links' });
    links.append(el('a', { href: url, download: name, class: 'secondary', 'data-reel': '' }, 'Download'));
    right.append(links);
  } else if (o.Status === 'Success') {
    right.append(el('p', { class: 'muted' }, 'The file is no longer stored in this browser.'));
  }
  const table = el('table');
  table.append(el('thead', {}, el('tr', {}, ...['Source', 'In', 'Out', 'Score', 'Reasons'].map((t) => el('th', {}, t)))));
  const tbody = el('tbody');
  for (const c of o.Clips ?? []) {
    tbody.append(el('tr', {}, el('td', {}, sourceName(sources[c.Source]?.URI ?? String(c.Source))), el('td', {}, fmt(c.In)), el('td', {}, fmt(c.Out)), el('td', {}, c.Score.toFixed(2)), el('td', {}, c.Reasons.join('; '))));
  }
  table.append(tbody);
  right.append(table);
  if (o.Notes?.length) right.append(el('p', { class: 'muted' }, o.Notes.join('; ')));
  block.append(left, right);
  void record;
  return block;
}

function jsonLink(record: JobRecord): HTMLAnchorElement {
  const clean = JSON.stringify(record, (k, v) => (k === 'Blob' ? undefined : v), 2);
  const id = record.JobId ?? record.TaskId;
  return el('a', { href: URL.createObjectURL(new Blob([clean], { type: 'application/json' })), download: `reelcut-${id}.json`, class: 'secondary' }, 'Result JSON') as HTMLAnchorElement;
}

// ---- job list ------------------------------------------------------------------------------------
async function refreshJobs(): Promise<void> {
  const records = (await engine.listJobs()).reverse();
  jobsList.replaceChildren(
    ...(records.length
      ? records.map((r) => {
          const id = (r.JobId ?? r.TaskId)!;
          const item = el('li', { 'data-job': id });
          const kind = r.Action === 'SubmitScreenMediaHighlightsJob' ? 'Reels' : `Highlights (${r.Type ?? 'task'})`;
          const running = !['Finished', 'Succeeded', 'Failed', 'Canceled'].includes(r.Status);
          const status = r.Status === 'Finished' ? (r.Code === 'Success' ? 'Finished' : 'Failed') : r.Status;
          item.append(el('span', { class: `st ${status}` }, status), el('span', {}, kind), el('time', { datetime: r.CreateTime }, new Date(r.CreateTime).toLocaleString()));
          if (r.Code && r.Code !== 'Success') item.append(el('span', { class: 'error' }, `${humanCode(r.Code)} (${r.Code}): ${words(r.Message)}`));
          if (running) {
            const c = button('Cancel', 'secondary');
            c.setAttribute('aria-label', `Cancel job ${id}`);
            c.onclick = () => void engine.cancelJob(id);
            item.append(el('span', { class: 'muted' }, r.Progress ? `${r.Progress.Stage} ${Math.round(r.Progress.Fraction * 100)}%` : ''), c);
          } else if (r.Code === 'Success') {
            const show = button('Show', 'secondary');
            show.setAttribute('aria-label', `Show results of job ${id}`);
            show.onclick = () => void renderResults(r);
            item.append(show);
          }
          return item;
        })
      : [el('li', { class: 'muted' }, 'No jobs yet.')]),
  );
}
engine.on('progress', () => undefined);
engine.on('complete', () => void refreshJobs());
engine.on('failed', () => void refreshJobs());
void refreshJobs();

// ---- helpers -------------------------------------------------------------------------------------
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  n.append(...children);
  return n;
}
function li(text: string): HTMLLIElement {
  return el('li', {}, text) as HTMLLIElement;
}
function button(text: string, cls = ''): HTMLButtonElement {
  const b = el('button', cls ? { class: cls, type: 'button' } : { type: 'button' }, text) as HTMLButtonElement;
  return b;
}
function fmt(t: number): string {
  const m = Math.floor(t / 60);
  return `${m}:${(t - m * 60).toFixed(1).padStart(4, '0')}`;
}
function fmtDuration(s: number): string {
  return s < 60 ? `${Math.max(0, Math.round(s))} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
function elapsed(r: JobRecord): number {
  return r.StartTime && r.EndTime ? (Date.parse(r.EndTime) - Date.parse(r.StartTime)) / 1000 : 0;
}

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('./sw.js').catch((e) => console.warn('service worker not registered', e));
}
(window as unknown as { reelcutApp: unknown }).reelcutApp = { engine, ready: true };
