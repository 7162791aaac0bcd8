//! How a job's progress fraction is shared between its stages: by each stage's estimated cost,
//! so the fraction grows at an even pace and an ETA extrapolated from it (`elapsed / fraction`)
//! holds from the first percent to the last. A fixed split (analysis 0-40 %, render the rest)
//! made the ETA wrong for most of the render whenever the two stages' real costs differed.
//!
//! Costs are in seconds of the reference machine (software WebCodecs, 2 cores; `npm run bench`):
//! decoding runs at about [`DECODE_FPS_1080P`] frames of 1080p a second, composing and encoding at
//! about [`RENDER_FPS_1080P`] output frames of 1080x1920. Only ratios matter: a faster machine or
//! hardware codecs speed every stage up alike, so the split stays right where the absolute figures
//! do not. Work scales with pixels.
//!
//! The split between analysis and render is fixed once the inputs are probed (the job knows their
//! lengths, frame rates and sizes, and the request says how much output it wants). Within the
//! render share, each output's part is its own cost, known exactly once the reels are planned.

use crate::analysis::default_highlight_count;
use crate::job::spec::{JobKind, JobSpec};
use crate::plan::DEFAULT_TARGET_S;
use crate::render::RenderPlan;

use super::highlights::MAX_CLIP_S;
use super::{RenderSettings, SourceInput};

/// Frames of 1080p decoded per second (analysis, and the clip cursors while rendering).
pub const DECODE_FPS_1080P: f64 = 450.0;
/// Output frames of 1080x1920 composed and encoded per second.
pub const RENDER_FPS_1080P: f64 = 80.0;
/// Seconds of audio the analysis gets through per second (decode, resample, spectra).
const AUDIO_ANALYSIS_SPEED: f64 = 400.0;
/// Seconds of clip audio the render's audio-first pass reads, decodes and mixes per second (its
/// demuxer also reads past the clip's video packets).
const AUDIO_PASS_SPEED: f64 = 150.0;
/// Seconds of output sound the audio encoder gets through per second, where nothing else runs
/// beside it (an audio-only output). Measured on a 60 s audio-only Concat of the bench file with
/// the machine under load (load average 5.9 on 2 cores): 4.7 s in all with Opus, 7.1 s with the
/// wasm AAC encoder (whose worker answers one 1024-sample frame at a time); the slower, rounded.
const AUDIO_ENCODE_SPEED: f64 = 9.0;
/// Source seconds decoded before each clip's first frame (the seek to the previous key frame).
const CLIP_PREROLL_S: f64 = 1.0;
/// Frame rate assumed where the container states none.
const FALLBACK_FPS: f64 = 30.0;
const PIXELS_1080P: f64 = 1920.0 * 1080.0;

fn fps_or_default(fps: f64) -> f64 {
    if fps.is_finite() && fps > 0.0 {
        fps
    } else {
        FALLBACK_FPS
    }
}

/// Seconds to decode `seconds` of `source`'s video.
fn decode_cost(source: &SourceInput, seconds: f64) -> f64 {
    let g = &source.geometry;
    let pixels = f64::from(g.coded_w.max(1)) * f64::from(g.coded_h.max(1));
    seconds.max(0.0) * fps_or_default(source.frame_rate) * (pixels / PIXELS_1080P)
        / DECODE_FPS_1080P
}

/// Seconds to compose and encode `seconds` of output.
fn encode_cost(settings: &RenderSettings, seconds: f64) -> f64 {
    let pixels = f64::from(settings.width.max(1)) * f64::from(settings.height.max(1));
    seconds.max(0.0) * fps_or_default(settings.fps) * (pixels / PIXELS_1080P) / RENDER_FPS_1080P
}

/// Estimated cost of analysing `range` (source seconds) of `source`.
pub fn analysis_cost(source: &SourceInput, range: (f64, f64)) -> f64 {
    let seconds = (range.1 - range.0).max(0.0);
    let audio = if source.has_audio {
        seconds / AUDIO_ANALYSIS_SPEED
    } else {
        0.0
    };
    decode_cost(source, seconds) + audio
}

/// Cost of rendering one planned reel: every output frame composed and encoded, every source
/// frame under it decoded (with each clip's pre-roll); an audio-only output decodes no picture.
pub fn render_cost(plan: &RenderPlan, sources: &[SourceInput], settings: &RenderSettings) -> f64 {
    if settings.video_disabled {
        // The audio-first pass alone, and the encoder has nothing to hide behind.
        return audio_pass_cost(plan, settings) + plan.duration_s.max(0.0) / AUDIO_ENCODE_SPEED;
    }
    let decode: f64 = plan
        .clips
        .iter()
        .filter_map(|c| {
            let s = sources.get(c.source)?;
            Some(decode_cost(s, (c.out_s - c.in_s).max(0.0) + CLIP_PREROLL_S))
        })
        .sum();
    decode + encode_cost(settings, plan.duration_s) + audio_pass_cost(plan, settings)
}

/// The audio-first pass's share of rendering `plan` (0 when the audio is mixed along the frames).
pub fn audio_pass_share(
    plan: &RenderPlan,
    sources: &[SourceInput],
    settings: &RenderSettings,
) -> f64 {
    let cost = render_cost(plan, sources, settings);
    if cost > 0.0 {
        audio_pass_cost(plan, settings) / cost
    } else {
        0.0
    }
}

/// Cost of the render's audio-first pass ([`RenderPlan::audio_first`]; zero when the audio is
/// mixed along the frames): every clip's source audio and the music decoded and mixed, once per
/// sound pass.
pub fn audio_pass_cost(plan: &RenderPlan, settings: &RenderSettings) -> f64 {
    if !plan.audio_first(!settings.video_disabled, settings.audio.is_some()) {
        return 0.0;
    }
    let clips: f64 = plan
        .clips
        .iter()
        .map(|c| (c.out_s - c.in_s).max(0.0) + CLIP_PREROLL_S)
        .sum();
    // Each sound pass decodes the clips' audio (and the music, looped to the reel) again.
    let (clip_passes, music_passes) = crate::render::sound_passes::expected_passes(plan);
    let music = plan.duration_s.max(0.0) * music_passes as f64;
    (clips * clip_passes as f64 + music) / AUDIO_PASS_SPEED
}

/// The analysed range of each source, as the analysis will clamp it: `[StartTime, StartTime +
/// Duration)` within the media.
pub fn analysed_ranges(spec: &JobSpec, sources: &[SourceInput]) -> Vec<(f64, f64)> {
    spec.sources
        .iter()
        .zip(sources)
        .map(|(req, s)| {
            let start = req.start_s.max(0.0).min(s.duration_s);
            let end = if req.duration_s > 0.0 {
                (start + req.duration_s).min(s.duration_s)
            } else {
                s.duration_s
            };
            (start, end.max(start))
        })
        .collect()
}

/// Output seconds the job is expected to render before its reels are planned: `Count` reels of
/// `TargetDuration` (else `MaxDuration`, else the planner's default), never more than the
/// material; for a Retrieval that writes its highlights, the scorer's own count of highlights of
/// the longest allowed length, within `TargetDuration`. Decoding under the output is counted at
/// the average source's cost per second.
fn expected_render_cost(
    spec: &JobSpec,
    sources: &[SourceInput],
    settings: &RenderSettings,
    material_s: f64,
) -> f64 {
    let output_s = match spec.kind {
        JobKind::Retrieval if spec.outputs.container.is_none() => 0.0,
        JobKind::Retrieval => {
            let each = spec.max_duration_s.unwrap_or(MAX_CLIP_S).min(MAX_CLIP_S);
            let all = default_highlight_count(material_s) as f64 * each;
            spec.target_duration_s.map_or(all, |t| all.min(t))
        }
        JobKind::Concat => material_s,
        JobKind::Compose | JobKind::ScreenHighlights => {
            let each = spec
                .target_duration_s
                .or(spec.max_duration_s)
                .unwrap_or(DEFAULT_TARGET_S);
            f64::from(spec.outputs.count.max(1)) * each.min(material_s / spec.speed)
        }
    };
    if settings.video_disabled {
        return output_s * spec.speed / AUDIO_PASS_SPEED + output_s / AUDIO_ENCODE_SPEED;
    }
    let source_s = output_s * spec.speed;
    let decode_per_s = if sources.is_empty() {
        0.0
    } else {
        sources.iter().map(|s| decode_cost(s, 1.0)).sum::<f64>() / sources.len() as f64
    };
    encode_cost(settings, output_s) + source_s * decode_per_s
}

/// The share of the whole job's progress the analysis takes (0 for a Concat, which only reads
/// headers; 1 for a Retrieval without exports), from the probed inputs and the request.
pub fn analysis_share(spec: &JobSpec, sources: &[SourceInput], settings: &RenderSettings) -> f64 {
    let ranges = analysed_ranges(spec, sources);
    let material_s: f64 = ranges.iter().map(|r| r.1 - r.0).sum();
    let analysis: f64 = if spec.kind == JobKind::Concat {
        0.0
    } else {
        sources
            .iter()
            .zip(&ranges)
            .map(|(s, r)| analysis_cost(s, *r))
            .sum()
    };
    let render = expected_render_cost(spec, sources, settings, material_s);
    if analysis + render <= 0.0 {
        return if spec.kind == JobKind::Concat {
            0.0
        } else {
            1.0
        };
    }
    analysis / (analysis + render)
}

/// Where each stage's progress lies in the job's `[0, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Each source's analysis span, in request order.
    pub analysis: Vec<(f64, f64)>,
    /// Where rendering starts (it ends at 1).
    pub render_from: f64,
}

/// The job's split from its probed inputs: analysis first, each source by its own cost, then the
/// render. Scoring and planning take milliseconds and get no share; the bounds keep a sliver on
/// each side so the first and last events still move the bar.
pub fn split(spec: &JobSpec, sources: &[SourceInput], settings: &RenderSettings) -> Split {
    let share = analysis_share(spec, sources, settings).clamp(0.01, 0.99);
    let costs: Vec<f64> = sources
        .iter()
        .zip(analysed_ranges(spec, sources))
        .map(|(s, r)| analysis_cost(s, r))
        .collect();
    Split {
        analysis: spans(&costs, 0.0, share),
        render_from: share,
    }
}

/// `[from, to]` divided into consecutive spans proportional to `costs` (equal spans where every
/// cost is zero).
pub fn spans(costs: &[f64], from: f64, to: f64) -> Vec<(f64, f64)> {
    let costs: Vec<f64> = costs
        .iter()
        .map(|c| if c.is_finite() { c.max(0.0) } else { 0.0 })
        .collect();
    let total: f64 = costs.iter().sum();
    let n = costs.len().max(1) as f64;
    let mut at = from;
    costs
        .iter()
        .map(|c| {
            let share = if total > 0.0 { c / total } else { 1.0 / n };
            let span = (at, at + share * (to - from));
            at = span.1;
            span
        })
        .collect()
}
