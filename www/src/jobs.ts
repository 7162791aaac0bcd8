// The job kinds: Retrieval (highlights, optionally one file per highlight), Compose and
// screen-highlights (plan + render reels), Concat (ranges joined in order). This file decides which
// stage runs when and moves data between them; what each stage is asked to do (highlight options,
// plan config, output size, render plans, record clips) comes from the Rust engine (src/engine/).

import type * as Core from '../pkg/reelcut.js';
import { openDemuxer, type MediaInfo } from './media';
import { deliver, removeOpfs } from './deliver';
import type { SyncReader } from './io';
import type { JobResult, JobSpec } from './protocol';
import { openSink } from './sink';
import { parseErrorBody, ReelcutError } from './types';

type CoreModule = typeof Core;

export interface JobContext {
  core: CoreModule;
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

/** A planned reel as the Rust planner returns it (`src/plan/mod.rs` `Reel`); passed back unchanged. */
interface PlannedReel {
  clips: { source: number; inS: number; outS: number; score: number; reasons: string[]; transitionIn: { name: string; durationS: number } | null }[];
  notes: string[];
}

/** The facts about one input the engine maps from (`src/engine/mod.rs` `SourceInput`). */
interface SourceInput {
  durationS: number;
  hasAudio: boolean;
  frameRate: number;
  geometry: RenderPlanJson['sources'][number];
  /** Hard cuts from the analysis (`analysis::cuts::CutWindow`). */
  cuts: { start: number; end: number }[];
}

/** What to render and record for each reel (`src/engine/output.rs`). */
interface JobOutputs {
  settings: {
    width: number;
    height: number;
    fps: number;
    gop: number;
    container: string;
    video: { codec: 'h264' | 'h265' | 'vp9' | 'av1' | null; bitrateBps: number | null; crf: number | null };
    audio: { codec: string | null; sampleRate: number | null; channels: number | null; bitrateBps: number | null } | null;
  };
  outputs: {
    index: number;
    uri: string | null;
    render: RenderPlanJson | null;
    clips: NonNullable<JobResult['Outputs']>[number]['Clips'];
    notes: string[];
    failure: { Code: string; Message: string } | null;
  }[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A reel's render plan as the engine returns it (`render::RenderPlan`), passed unchanged to
 * `renderReel`; the worker reads only its duration and the sources' geometry.
 */
interface RenderPlanJson {
  durationS: number;
  sources: { codedW: number; codedH: number; rotation: number; pixelAspect: [number, number]; displayW: number; displayH: number }[];
  [field: string]: unknown;
}

/** The encoders negotiated for a job (`chooseEncoders`), passed unchanged to `renderReel`. */
interface Encoding {
  container: string;
  video: { family: string; codec: string };
  audio: { family: string; codec: string } | null;
  gop: number;
  notes: string[];
}

const MIME: Record<string, string> = { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska' };

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
        const analysed = await core
          .analyseSource(reader, src.startS, src.durationS, ctx.signal, (f: number) => ctx.progress('analyse', from + ((i + f) / n) * (to - from)))
          .catch((e: unknown) => {
            const body = parseErrorBody(e);
            throw new ReelcutError(body.Code, `${src.uri}: ${body.Message}`);
          });
        try {
          const info = JSON.parse(analysed.infoJson()) as MediaInfo;
          const [start, end] = analysed.range();
          out.infos.push(info);
          out.sources.push({ ...sourceSummary(src.uri, info, analysed.frames()), DecodedFrames: analysed.decoded() });
          out.notes.push(...analysed.notes().map((m) => (n > 1 ? `source ${i}: ${m}` : m)));
          out.ranges.push([start, end]);
          session.addSource(analysed);
        } finally {
          analysed.free();
        }
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
    // Issue 11 (minimal change, moves with this code): what the demuxer noticed, e.g. a header
    // duration the samples contradict.
    ...(info.notes?.length ? { Notes: info.notes } : {}),
  };
}

/** The scorer's answer for this job: its own highlights (Retrieval) or candidates for the planner. */
function findHighlights(core: CoreModule, a: Analysed, spec: JobSpec, purpose: 'Retrieval' | 'Planning') {
  const request = core.highlightRequest(JSON.stringify(spec), purpose, JSON.stringify(a.ranges));
  return JSON.parse(a.session.findHighlights(request)) as { highlights: HighlightJson[]; profile: string; notes: string[] };
}

/** What the engine needs to know about each input (plain facts of the demuxed media). */
/** What the engine needs of each input; `session` adds the analysis' hard cuts. */
function sourceInputs(infos: MediaInfo[], session?: Core.WasmHighlightSession): SourceInput[] {
  return infos.map((info, i) => {
    const v = info.tracks.find((t) => t.kind === 'Video')!.video!;
    return {
      durationS: info.duration_s,
      hasAudio: info.tracks.some((t) => t.kind === 'Audio'),
      frameRate: v.frame_rate,
      geometry: { codedW: v.coded_width, codedH: v.coded_height, rotation: v.rotation, pixelAspect: v.pixel_aspect, displayW: v.display_width, displayH: v.display_height },
      cuts: session ? (JSON.parse(session.cutWindows(i)) as { start: number; end: number }[]) : [],
    };
  });
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
    const report = findHighlights(ctx.core, a, ctx.spec, 'Retrieval');
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
      const reels = JSON.parse(ctx.core.exportReels(JSON.stringify(report.highlights))) as PlannedReel[];
      const outputs = await renderAndDeliver(ctx, a.infos, reels, 0.5, result.Notes!, a.session);
      result.Outputs = outputs;
      outputs.forEach((o, i) => (result.Highlights![i].Output = o.URI));
    }
    return result;
  } finally {
    a.session.free();
  }
}


async function compose(ctx: JobContext): Promise<JobResult> {
  const { core, spec } = ctx;
  const a = await analyseAll(ctx, 0, 0.4);
  try {
    ctx.progress('plan', 0.4);
    const report = findHighlights(core, a, spec, 'Planning');
    const cuts = a.infos.map((_, i) => ({ source: i, times: Array.from(a.session.cutPoints(i)) }));
    const plan = JSON.parse(
      core.planJobReels(JSON.stringify(spec), JSON.stringify(sourceInputs(a.infos, a.session)), JSON.stringify(report.highlights), JSON.stringify(cuts)),
    ) as { reels: PlannedReel[]; notes: string[] };
    const notes = [...a.notes, ...report.notes, ...plan.notes];
    if (plan.reels.every((r) => r.clips.length === 0)) {
      throw new ReelcutError('InvalidMedia.Unsupported', 'no highlight could be found to make a reel from (the inputs may be silent, black or too short)');
    }
    const outputs = await renderAndDeliver(ctx, a.infos, plan.reels, 0.42, notes, a.session);
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
  const plan = JSON.parse(core.planJobConcat(JSON.stringify(spec), JSON.stringify(sourceInputs(infos)))) as { reels: PlannedReel[]; notes: string[] };
  const notes = [...plan.notes];
  const outputs = await renderAndDeliver(ctx, infos, plan.reels, 0.02, notes);
  return { Notes: notes, Outputs: outputs, Sources: infos.map((info, i) => sourceSummary(spec.sources[i].uri, info, 0)) };
}

/** Renders each planned reel, delivers it, and describes the outputs; progress covers [from, 1]. */
async function renderAndDeliver(ctx: JobContext, infos: MediaInfo[], reels: PlannedReel[], from: number, notes: string[], session?: Core.WasmHighlightSession): Promise<NonNullable<JobResult['Outputs']>> {
  const { core, spec } = ctx;
  const sources = sourceInputs(infos, session);
  const job = JSON.parse(core.jobOutputs(JSON.stringify(spec), JSON.stringify(sources), JSON.stringify(reels))) as JobOutputs;
  const { container, width, height, fps } = job.settings;
  const encoding = JSON.parse(await core.chooseEncoders(JSON.stringify(job.settings))) as Encoding;
  notes.push(...encoding.notes);
  const outputs: NonNullable<JobResult['Outputs']> = [];
  const written: string[] = [];
  try {
    for (let k = 0; k < job.outputs.length; k++) {
      const out = job.outputs[k];
      const span = (1 - from) / job.outputs.length;
      if (!out.render) {
        const error = out.failure ?? { Code: 'Internal', Message: 'no render plan' };
        outputs.push({ Index: out.index, URI: out.uri, Status: 'Failed', ErrorCode: error.Code, ErrorMessage: error.Message, Clips: [] });
        continue;
      }
      const plan = out.render;
      const uri = out.uri;
      ctx.progress('render', from + k * span);
      const renderStart = performance.now();
      const sink = await openSink(uri, ctx.jobId, out.index);
      let blob: Blob;
      let frames: number;
      let delivered: Awaited<ReturnType<typeof deliver>>;
      let renderSeconds: number;
      let loudness: string | undefined;
      try {
        const rendered = await core.renderReel(
          JSON.stringify(plan),
          JSON.stringify(encoding),
          (i: number) => ctx.open(spec.sources[i].uri),
          Uint8Array.from(sources.map((src) => Number(src.hasAudio))),
          sink,
          ctx.signal,
          (f: number) => ctx.progress('render', from + (k + f * 0.95) * span),
        );
        blob = await sink.finish(rendered.head() as Uint8Array<ArrayBuffer>, rendered.tail() as Uint8Array<ArrayBuffer>, MIME[container] ?? 'video/mp4');
        frames = rendered.frames();
        loudness = rendered.loudness();
        if (rendered.readbacks() > 0) notes.push(`output ${k + 1}: ${rendered.readbacks()} decoded frames had no CPU pixel layout and were read back through a canvas`);
        rendered.free();
        renderSeconds = (performance.now() - renderStart) / 1000;
        ctx.progress('deliver', from + (k + 0.95) * span);
        delivered = await deliver(uri, blob, ctx.jobId, ctx.signal);
      } finally {
        await sink.dispose();
      }
      if (delivered.location.startsWith('opfs:')) written.push(delivered.location);
      outputs.push({
        Index: out.index,
        URI: uri ?? 'memory:',
        Status: delivered.error ? 'Failed' : 'Success',
        ...(delivered.error ? { ErrorCode: delivered.error.Code, ErrorMessage: delivered.error.Message, Location: delivered.location } : {}),
        ...(delivered.blob ? { Blob: delivered.blob } : {}),
        ...(delivered.uploadAttempts ? { UploadAttempts: delivered.uploadAttempts } : {}),
        Duration: round3(plan.durationS),
        Width: width,
        Height: height,
        FrameRate: fps,
        Frames: frames,
        RenderSeconds: round3(renderSeconds),
        Size: blob.size,
        Container: container,
        VideoCodec: encoding.video.codec,
        AudioCodec: encoding.audio?.codec ?? null,
        Clips: out.clips,
        ...(loudness ? { Loudness: JSON.parse(loudness) } : {}),
        ...(out.notes.length ? { Notes: out.notes } : {}),
      });
    }
    return outputs;
  } catch (e) {
    // A canceled or failed job leaves no partial outputs behind in OPFS.
    for (const path of written) await removeOpfs(path);
    throw e;
  }
}
