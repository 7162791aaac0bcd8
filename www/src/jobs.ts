// The job kinds: Retrieval (highlights, optionally one file per highlight), Compose and
// screen-highlights (plan + render reels), Concat (ranges joined in order).

import type * as Core from '../pkg/reelcut.js';
import { analyseSource, openDemuxer } from './analyse';
import type { MediaInfo } from './decode';
import { deliver, removeOpfs } from './deliver';
import { chooseAudioEncoder, chooseVideoEncoder, type AudioChoice, type OutputContainer, type VideoChoice } from './encode';
import type { SyncReader } from './io';
import type { JobResult, JobSpec } from './protocol';
import { renderReel, type RenderClipPlan, type RenderPlanJson } from './render';
import { parseErrorBody, ReelcutError } from './types';

type CoreModule = typeof Core;

export interface JobContext {
  core: CoreModule;
  memory: WebAssembly.Memory;
  spec: JobSpec;
  jobId: string;
  signal: AbortSignal;
  open(uri: string): Promise<SyncReader>;
  progress(stage: string, fraction: number): void;
}

interface Analysed {
  session: Core.WasmHighlightSession;
  infos: MediaInfo[];
  ranges: [number, number][];
  notes: string[];
  sources: NonNullable<JobResult['Sources']>;
}

interface HighlightJson {
  source: number;
  start: number;
  end: number;
  score: number;
  reasons: string[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Analyses every source in order; progress covers [from, to]. */
async function analyseAll(ctx: JobContext, from: number, to: number): Promise<Analysed> {
  const { core, spec } = ctx;
  const session = new core.WasmHighlightSession();
  const out: Analysed = { session, infos: [], ranges: [], notes: [], sources: [] };
  try {
    const n = spec.sources.length;
    for (let i = 0; i < n; i++) {
      const src = spec.sources[i];
      const reader = await ctx.open(src.uri);
      try {
        const analysed = await analyseSource(core, reader, src, {
          signal: ctx.signal,
          memory: ctx.memory,
          onProgress: (f) => ctx.progress('analyse', from + ((i + f) / n) * (to - from)),
        }).catch((e) => {
          const body = parseErrorBody(e);
          throw new ReelcutError(body.Code, `${src.uri}: ${body.Message}`);
        });
        out.infos.push(analysed.info);
        out.sources.push(sourceSummary(src.uri, analysed.info, analysed.frames));
        out.notes.push(...analysed.notes.map((m) => (n > 1 ? `source ${i}: ${m}` : m)));
        out.ranges.push([analysed.range.start, analysed.range.end]);
        session.addSource(analysed.analyzer);
      } finally {
        reader.close();
      }
    }
    return out;
  } catch (e) {
    session.free();
    throw e;
  }
}

function sourceSummary(uri: string, info: MediaInfo, frames: number) {
  const v = info.tracks.find((t) => t.kind === 'Video');
  const a = info.tracks.find((t) => t.kind === 'Audio');
  return {
    URI: uri,
    Container: info.container,
    Duration: info.duration_s,
    Video: v ? v.codec_name : null,
    Audio: a ? a.codec_name : null,
    Width: v?.video?.display_width ?? 0,
    Height: v?.video?.display_height ?? 0,
    Frames: frames,
  };
}

function findHighlights(a: Analysed, spec: JobSpec, extra: { maxCount?: number | null; forPlanning?: boolean } = {}) {
  const options = {
    mode: spec.mode,
    content: spec.content ?? null,
    minClipS: 1,
    // Retrieval: MaxDuration bounds each highlight. Planning gets every candidate up to 15 s and
    // trims them to the reel's length itself.
    maxClipS: extra.forPlanning ? 15 : Math.max(1, Math.min(15, spec.maxDurationS ?? 15)),
    maxCount: extra.maxCount ?? null,
    targetTotalS: extra.forPlanning ? null : (spec.targetDurationS ?? null),
    ranges: a.ranges,
  };
  return JSON.parse(a.session.findHighlights(JSON.stringify(options))) as { highlights: HighlightJson[]; profile: string; notes: string[] };
}

/** Runs a validated job to its result. */
export async function runJobKind(ctx: JobContext): Promise<JobResult> {
  switch (ctx.spec.kind) {
    case 'Retrieval':
      return retrieval(ctx);
    case 'Concat':
      return concat(ctx);
    default:
      return compose(ctx);
  }
}

async function retrieval(ctx: JobContext): Promise<JobResult> {
  const exporting = !!ctx.spec.outputs?.container;
  const a = await analyseAll(ctx, 0, exporting ? 0.5 : 0.98);
  try {
    ctx.progress('score', exporting ? 0.5 : 0.99);
    const report = findHighlights(a, ctx.spec);
    const result: JobResult = {
      Highlights: report.highlights.map((h) => ({
        Source: h.source,
        URI: ctx.spec.sources[h.source].uri,
        Start: round3(h.start),
        End: round3(h.end),
        Score: round3(h.score),
        Reasons: h.reasons,
      })),
      Profile: report.profile,
      Notes: [...a.notes, ...report.notes],
      Sources: a.sources,
    };
    if (exporting) {
      // Each highlight as its own file: a one-clip reel per highlight.
      const reels = report.highlights.map((h) => ({ clips: [{ source: h.source, inS: h.start, outS: h.end, score: h.score, reasons: h.reasons, transitionIn: null }] }));
      const outputs = await renderAndDeliver(ctx, a.infos, reels, 0.5, result.Notes!);
      result.Outputs = outputs;
      outputs.forEach((o, i) => (result.Highlights![i].Output = o.URI));
    }
    return result;
  } finally {
    a.session.free();
  }
}

interface PlannedReel {
  clips: { source: number; inS: number; outS: number; score: number; reasons: string[]; transitionIn: { name: string; durationS: number } | null }[];
  notes?: string[];
}

async function compose(ctx: JobContext): Promise<JobResult> {
  const { core, spec } = ctx;
  const a = await analyseAll(ctx, 0, 0.4);
  try {
    ctx.progress('plan', 0.4);
    const report = findHighlights(a, spec, { maxCount: 50, forPlanning: true });
    const planInput = {
      sources: a.infos.map((info, i) => ({ durationS: info.duration_s, hasAudio: !!a.sources[i].Audio })),
      candidates: report.highlights.map((h) => ({ source: h.source, start: h.start, end: h.end, score: h.score, reasons: h.reasons })),
      cuts: a.infos.map((_, i) => ({ source: i, times: Array.from(a.session.cutPoints(i)) })),
      config: {
        count: spec.outputs.count ?? 1,
        maxDurationS: spec.maxDurationS ?? null,
        targetDurationS: spec.targetDurationS ?? null,
        introAuto: !!spec.introAuto,
        minClipS: 1,
        transitionMode: spec.transitions.mode,
        transitions: spec.transitions.list.map((t) => ({ name: t.name, durationS: t.durationS, weight: t.weight })),
        seed: seedOf(JSON.stringify(spec)),
      },
    };
    const plan = JSON.parse(core.planReels(JSON.stringify(planInput))) as { reels: PlannedReel[]; notes: string[] };
    const notes = [...a.notes, ...report.notes, ...plan.notes];
    if (plan.reels.every((r) => r.clips.length === 0)) {
      throw new ReelcutError('InvalidMedia.Unsupported', 'no highlight could be found to make a reel from (the inputs may be silent, black or too short)');
    }
    const outputs = await renderAndDeliver(ctx, a.infos, plan.reels, 0.42, notes);
    if (spec.api === 'ScreenMediaHighlights') {
      // The screen-highlights API names its outputs SubJobList, each with a MediaURL.
      const SubJobList = outputs.map(({ URI, ...o }) => ({ ...o, MediaURL: URI }));
      return { Profile: report.profile, Notes: notes, Sources: a.sources, SubJobList };
    }
    return { Profile: report.profile, Notes: notes, Sources: a.sources, Outputs: outputs };
  } finally {
    a.session.free();
  }
}

async function concat(ctx: JobContext): Promise<JobResult> {
  const { core, spec } = ctx;
  const infos: MediaInfo[] = [];
  for (const src of spec.sources) {
    const reader = await ctx.open(src.uri);
    try {
      const { demuxer, info } = openDemuxer(core, reader);
      demuxer.free();
      if (!info.tracks.some((t) => t.kind === 'Video')) throw new ReelcutError('InvalidMedia.Unsupported', `${src.uri}: the input has no video track`);
      infos.push(info);
    } catch (e) {
      const body = parseErrorBody(e);
      throw new ReelcutError(body.Code, body.Message.startsWith(src.uri) ? body.Message : `${src.uri}: ${body.Message}`);
    } finally {
      reader.close();
    }
  }
  const plan = JSON.parse(
    core.planConcat(
      JSON.stringify(infos.map((info) => ({ durationS: info.duration_s, hasAudio: info.tracks.some((t) => t.kind === 'Audio') }))),
      JSON.stringify(spec.sources.map((s, i) => [i, s.startS, s.durationS])),
    ),
  ) as { reels: PlannedReel[]; notes: string[] };
  const notes = [...plan.notes];
  const outputs = await renderAndDeliver(ctx, infos, plan.reels, 0.02, notes);
  return { Notes: notes, Outputs: outputs, Sources: infos.map((info, i) => sourceSummary(spec.sources[i].uri, info, 0)) };
}

/** FNV-1a of the request: the same request always plans the same reels. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const SCALE_NAMES: Record<string, string> = { stretch: 'Stretch', crop: 'Cover', fill: 'Letterbox', fit: 'Letterbox' };

/** Renders each planned reel, delivers it, and describes the outputs; progress covers [from, 1]. */
async function renderAndDeliver(ctx: JobContext, infos: MediaInfo[], reels: PlannedReel[], from: number, notes: string[]): Promise<NonNullable<JobResult['Outputs']>> {
  const { core, spec } = ctx;
  const container = (spec.outputs.container ?? 'mp4') as OutputContainer;
  const geoms = infos.map((info) => {
    const v = info.tracks.find((t) => t.kind === 'Video')!.video!;
    return { codedW: v.coded_width, codedH: v.coded_height, rotation: v.rotation, pixelAspect: v.pixel_aspect, displayW: v.display_width, displayH: v.display_height };
  });
  const [width, height] = outputSize(core, geoms, spec);
  const mainFps = infos[0].tracks.find((t) => t.kind === 'Video')!.video!.frame_rate || 30;
  const fps = Math.min(60, spec.outputs.video.frameRate ?? Math.round(mainFps * 1000) / 1000);
  const hasAudio = infos.map((info) => info.tracks.some((t) => t.kind === 'Audio'));
  const encodeNotes: string[] = [];
  const video: VideoChoice = await chooseVideoEncoder(
    { width, height, fps, container, codec: spec.outputs.video.codec ?? null, bitrateBps: spec.outputs.video.bitrateBps ?? null, crf: spec.outputs.video.crf ?? null },
    encodeNotes,
  );
  const wantAudio = !spec.outputs.audio.disabled && hasAudio.some(Boolean);
  const audio: AudioChoice | null = wantAudio
    ? await chooseAudioEncoder(
        { container, codec: spec.outputs.audio.codec ?? null, sampleRate: spec.outputs.audio.sampleRate ?? null, channels: spec.outputs.audio.channels ?? null, bitrateBps: spec.outputs.audio.bitrateBps ?? null },
        encodeNotes,
      )
    : null;
  notes.push(...encodeNotes);
  const scale = spec.outputs.video.scaleType ? SCALE_NAMES[spec.outputs.video.scaleType] : null;
  const volume = spec.outputs.sourceVolume ?? 1;
  const outputs: NonNullable<JobResult['Outputs']> = [];
  const written: string[] = [];
  try {
    for (let k = 0; k < reels.length; k++) {
      const reel = reels[k];
      const span = (1 - from) / reels.length;
      const uri = outputUri(spec, k + 1);
      if (reel.clips.length === 0) {
        outputs.push({ Index: k + 1, URI: uri, Status: 'Failed', ErrorCode: 'InvalidMedia.Unsupported', ErrorMessage: 'no material left for this reel', Clips: [] });
        continue;
      }
      let t = 0;
      const clips: RenderClipPlan[] = reel.clips.map((c, i) => {
        const d = i > 0 && c.transitionIn ? c.transitionIn.durationS : 0;
        const outStartS = Math.max(0, t - d);
        t = outStartS + (c.outS - c.inS);
        return { source: c.source, inS: c.inS, outS: c.outS, outStartS, transitionIn: d > 0 ? { name: c.transitionIn!.name, durationS: d } : null, volume };
      });
      const plan: RenderPlanJson = { width, height, fps, scale, clips, sources: geoms, durationS: t };
      ctx.progress('render', from + k * span);
      const renderStart = performance.now();
      const rendered = await renderReel({
        core,
        plan,
        openSource: (i) => ctx.open(spec.sources[i].uri),
        sourceHasAudio: hasAudio,
        container,
        video,
        audio,
        gop: spec.outputs.video.gopSize ?? 150,
        signal: ctx.signal,
        onProgress: (f) => ctx.progress('render', from + (k + f * 0.95) * span),
      });
      const renderSeconds = (performance.now() - renderStart) / 1000;
      ctx.progress('deliver', from + (k + 0.95) * span);
      const delivered = await deliver(uri, rendered.blob, ctx.jobId, ctx.signal);
      if (delivered.location.startsWith('opfs:')) written.push(delivered.location);
      outputs.push({
        Index: k + 1,
        URI: uri ?? 'memory:',
        Status: delivered.error ? 'Failed' : 'Success',
        ...(delivered.error ? { ErrorCode: delivered.error.Code, ErrorMessage: delivered.error.Message, Location: delivered.location } : {}),
        ...(delivered.blob ? { Blob: delivered.blob } : {}),
        ...(delivered.uploadAttempts ? { UploadAttempts: delivered.uploadAttempts } : {}),
        Duration: round3(rendered.durationS),
        Width: width,
        Height: height,
        FrameRate: fps,
        Frames: rendered.frames,
        RenderSeconds: round3(renderSeconds),
        Size: rendered.blob.size,
        Container: container,
        VideoCodec: rendered.videoCodec,
        AudioCodec: rendered.audioCodec,
        Clips: reel.clips.map((c) => ({ Source: c.source, In: round3(c.inS), Out: round3(c.outS), Score: round3(c.score), Reasons: c.reasons, ...(c.transitionIn ? { Transition: c.transitionIn.name } : {}) })),
        ...(reel.notes?.length ? { Notes: reel.notes } : {}),
      });
    }
    return outputs;
  } catch (e) {
    // A canceled or failed job leaves no partial outputs behind in OPFS.
    for (const path of written) await removeOpfs(path);
    throw e;
  }
}

function outputUri(spec: JobSpec, index: number): string | null {
  const uri = spec.outputs.uri;
  return uri ? uri.replaceAll('{index}', String(index)) : null;
}

/** Requested size, or the largest input's display size; `fit` shrinks it to the picture's aspect. */
function outputSize(core: CoreModule, geoms: RenderPlanJson['sources'], spec: JobSpec): [number, number] {
  const [w, h] = core.outputSize(JSON.stringify(geoms), spec.outputs.width ?? 0, spec.outputs.height ?? 0);
  if (spec.outputs.video.scaleType !== 'fit' || !spec.outputs.width) return [w, h];
  const main = geoms[0];
  const s = Math.min(w / main.displayW, h / main.displayH);
  const even = (x: number) => Math.max(2, Math.floor(x / 2) * 2);
  return [even(main.displayW * s), even(main.displayH * s)];
}
