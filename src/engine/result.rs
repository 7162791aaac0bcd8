//! What a finished job adds to its record, as both APIs return it: highlights, the sources' facts,
//! and one record per output. Built here from the stages' results so the browser shell never
//! assembles a record field by hand; the TypeScript declarations are generated from these types.

use serde::Serialize;

use super::output::{round_ms, CropMode, OutputClip, RenderSettings};
use super::{ReelOutput, SourceInput};
use crate::analysis::score::HighlightReport;
use crate::analysis::{shot_list, Shot, SourceFeatures};
use crate::job::spec::JobSpec;
use crate::media::encoding::AudioEncoderKind;
use crate::media::MediaInfo;
use crate::render::loudness::LoudnessReport;
use crate::render::SourceGeometry;
use crate::ApiError;

/// A job's result: the fields a finished job adds to its record.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct JobResult {
    /// Retrieval: the highlights, highest score first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlights: Option<Vec<HighlightRecord>>,
    /// The scoring profile used (analysed jobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// What the caller should know: analysis, planning and encoder choices.
    pub notes: Vec<String>,
    /// One entry per input, in request order.
    pub sources: Vec<SourceSummary>,
    /// Highlight tasks: the written files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<OutputRecord>>,
    /// Screen-highlights jobs: the written files, each naming its `MediaURL`.
    #[serde(rename = "SubJobList", skip_serializing_if = "Option::is_none")]
    pub sub_job_list: Option<Vec<SubJob>>,
}

/// One highlight of a Retrieval.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HighlightRecord {
    /// Index into the request's sources.
    pub source: usize,
    #[serde(rename = "URI")]
    pub uri: String,
    /// Source seconds, to the millisecond.
    pub start: f64,
    pub end: f64,
    /// 0..1.
    pub score: f64,
    pub reasons: Vec<String>,
    /// Where this highlight's own file went (Retrieval with `Output.Container`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// The facts of one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SourceSummary {
    #[serde(rename = "URI")]
    pub uri: String,
    pub container: String,
    /// Seconds.
    pub duration: f64,
    /// Video codec name (`h264`, `vp9`, ...), if any.
    pub video: Option<String>,
    pub audio: Option<String>,
    pub width: u32,
    pub height: u32,
    /// Video frames analysed (0 when the job does not analyse, as a Concat).
    pub frames: u32,
    /// Video frames decoded for the analysis (analysed ones and the references they need).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded_frames: Option<u32>,
    /// What the demuxer noticed, e.g. a header duration the samples contradict.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The shots of an analysed source, in time order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shots: Option<Vec<Shot>>,
    /// Where the analysis heard speech (analysed jobs with audio), for timelines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech: Option<Vec<TimeSpan>>,
    /// The highlight score over the analysed range (analysed jobs), for timelines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_curve: Option<ScoreCurve>,
}

/// A stretch of source time, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct TimeSpan {
    pub start: f64,
    pub end: f64,
}

/// A source's coarse score curve: `Values[i]` (0..1, the maximum within its step) covers
/// `[Start + i * Step, Start + (i + 1) * Step)` source seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ScoreCurve {
    pub start: f64,
    pub step: f64,
    pub values: Vec<f32>,
}

/// Whether an output was written and delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum OutputStatus {
    Success,
    Failed,
}

/// A highlight task's output record: its location and what was written there.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct OutputRecord {
    /// The location asked for (`{index}` replaced); `memory:` for in-memory outputs.
    #[serde(rename = "URI")]
    pub uri: Option<String>,
    #[serde(flatten)]
    pub written: WrittenOutput,
}

/// A screen-highlights job's SubJobList entry: the same facts, located by `MediaURL`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SubJob {
    #[serde(rename = "MediaURL")]
    pub media_url: Option<String>,
    #[serde(flatten)]
    pub written: WrittenOutput,
}

/// What was written for one output (both APIs).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct WrittenOutput {
    /// 1-based.
    pub index: u32,
    pub status: OutputStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Where a file whose upload failed is kept (an `opfs:` path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_attempts: Option<u32>,
    /// Seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames: Option<u32>,
    /// Wall time of decoding, composing, encoding and muxing this output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub render_seconds: Option<f64>,
    /// Bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_codec: Option<String>,
    /// `null` for a silent output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_codec: Option<Option<String>>,
    /// What encoded the audio: the browser's WebCodecs `AudioEncoder`, or `WasmAac` where it has
    /// no AAC for an MP4/MOV output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_encoder: Option<AudioEncoderKind>,
    pub clips: Vec<OutputClip>,
    /// How a crop across an aspect change (`ScaleType: crop`, e.g. landscape into portrait) was
    /// placed: `FollowsSubject` (a camera path from the analysis) or `Centred`; absent when no
    /// clip is cropped that way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crop: Option<CropMode>,
    /// The audio's loudness before and after normalisation (outputs with audio, unless a request
    /// turned normalisation off).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loudness: Option<LoudnessReport>,
    /// The background-music track this output plays, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_music: Option<MusicRecord>,
    /// The overlay entries drawn on this output (`TitleArray[0]`, `StickerArray[1]`, ...), then
    /// its opening and ending (`OpeningArray[0]`, `EndingArray[1]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// HLS/DASH: every file of the output in delivery order (init and media segments, the
    /// playlist or manifest last); `URI` above names the playlist.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<OutputFile>,
}

/// One file of a segmented (HLS/DASH) output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct OutputFile {
    /// Its name beside the playlist, as the playlist refers to it.
    pub name: String,
    /// Where it was delivered (`memory:` for in-memory outputs, which carry a `Blob`).
    #[serde(rename = "URI")]
    pub uri: String,
    /// Bytes.
    pub size: f64,
    /// Media segments: seconds of the stream they hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// Where the file is kept when it was not uploaded (an `opfs:` path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// Which background-music track an output used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct MusicRecord {
    /// Position in the request's music list (0-based; ICE: `BackgroundMusicArray`, then
    /// `EditingConfig.BackgroundMusics`).
    pub index: usize,
    #[serde(rename = "URI")]
    pub uri: String,
    pub volume: f64,
}

/// The engine's view of one demuxed input (`cuts`: the analysis' hard cuts, none for a Concat).
pub fn source_input(info: &MediaInfo, cuts: Vec<crate::render::CutWindow>) -> Option<SourceInput> {
    let video = info.video_track()?.video.as_ref()?;
    Some(SourceInput {
        duration_s: info.duration_s,
        has_audio: info.audio_track().is_some(),
        frame_rate: video.frame_rate,
        geometry: SourceGeometry {
            coded_w: video.coded_width,
            coded_h: video.coded_height,
            rotation: video.rotation,
            pixel_aspect: video.pixel_aspect,
            display_w: video.display_width,
            display_h: video.display_height,
        },
        cuts,
        subject: None,
    })
}

/// The record's entry for one input; `decoded` is set for analysed inputs.
pub fn source_summary(
    uri: &str,
    info: &MediaInfo,
    frames: u32,
    decoded: Option<u32>,
) -> SourceSummary {
    let video = info.video_track();
    let geometry = video.and_then(|t| t.video.as_ref());
    SourceSummary {
        uri: uri.to_string(),
        container: info.container.clone(),
        duration: info.duration_s,
        video: video.map(|t| t.codec_name.clone()),
        audio: info.audio_track().map(|t| t.codec_name.clone()),
        width: geometry.map_or(0, |v| v.display_width),
        height: geometry.map_or(0, |v| v.display_height),
        frames,
        decoded_frames: decoded,
        notes: info.notes.clone(),
        shots: None,
        speech: None,
        score_curve: None,
    }
}

/// The record's entry for an analysed input: its facts, its shots and where it has speech.
pub fn analysed_source_summary(
    uri: &str,
    info: &MediaInfo,
    features: &SourceFeatures,
    (frames, decoded): (u32, u32),
) -> SourceSummary {
    SourceSummary {
        shots: Some(shot_list(features)),
        speech: features.audio.as_ref().map(|a| {
            a.speech_spans()
                .into_iter()
                .map(|(start, end)| TimeSpan {
                    start: round_ms(start),
                    end: round_ms(end),
                })
                .collect()
        }),
        ..source_summary(uri, info, frames, Some(decoded))
    }
}

/// Gives each analysed source of the record its score curve from the scorer's report.
pub fn attach_score_curves(sources: &mut [SourceSummary], report: &HighlightReport) {
    for t in &report.timeline {
        if let Some(s) = sources.get_mut(t.source) {
            s.score_curve = Some(ScoreCurve {
                start: round_ms(t.start),
                step: t.step_s,
                values: t
                    .values
                    .iter()
                    .map(|v| (v * 1000.0).round() / 1000.0)
                    .collect(),
            });
        }
    }
}

/// A Retrieval's highlight list, to the millisecond.
pub fn highlight_records(spec: &JobSpec, report: &HighlightReport) -> Vec<HighlightRecord> {
    report
        .highlights
        .iter()
        .map(|h| HighlightRecord {
            source: h.source,
            uri: spec
                .sources
                .get(h.source)
                .map(|s| s.uri.clone())
                .unwrap_or_default(),
            start: round_ms(h.start),
            end: round_ms(h.end),
            score: round_ms(h.score),
            reasons: h.reasons.clone(),
            output: None,
        })
        .collect()
}

/// An output that failed before it was rendered (no material for it).
pub fn unrendered_output(out: &ReelOutput) -> OutputRecord {
    let error = out
        .failure
        .clone()
        .unwrap_or_else(|| ApiError::internal("no render plan"));
    OutputRecord {
        uri: out.uri.clone(),
        written: WrittenOutput {
            status: OutputStatus::Failed,
            error_code: Some(error.code),
            error_message: Some(error.message),
            clips: Vec::new(),
            ..WrittenOutput::empty(out.index)
        },
    }
}

/// What rendering and delivering one output gave.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Delivery {
    pub frames: u32,
    pub render_seconds: f64,
    pub size: f64,
    /// `None`: an audio-only output.
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub audio_encoder: Option<AudioEncoderKind>,
    pub upload_attempts: Option<u32>,
    pub loudness: Option<LoudnessReport>,
    /// The delivery's failure and where the file is kept instead.
    pub error: Option<(ApiError, String)>,
    /// HLS/DASH: the output's files.
    pub files: Vec<OutputFile>,
}

/// The record of a rendered output.
pub fn rendered_output(
    out: &ReelOutput,
    settings: &RenderSettings,
    delivery: Delivery,
) -> OutputRecord {
    let duration = out.render.as_ref().map_or(0.0, |r| r.duration_s);
    let video = delivery.video_codec.is_some();
    let (status, error_code, error_message, location) = match delivery.error {
        None => (OutputStatus::Success, None, None, None),
        Some((e, kept)) => (
            OutputStatus::Failed,
            Some(e.code),
            Some(e.message),
            Some(kept),
        ),
    };
    OutputRecord {
        uri: Some(out.uri.clone().unwrap_or_else(|| "memory:".into())),
        written: WrittenOutput {
            index: out.index,
            status,
            error_code,
            error_message,
            location,
            upload_attempts: delivery.upload_attempts,
            duration: Some(round_ms(duration)),
            // An audio-only output has no picture to describe.
            width: video.then_some(settings.width),
            height: video.then_some(settings.height),
            frame_rate: video.then_some(settings.fps),
            frames: video.then_some(delivery.frames),
            render_seconds: Some(round_ms(delivery.render_seconds)),
            size: Some(delivery.size),
            container: Some(settings.container.name().to_string()),
            video_codec: delivery.video_codec,
            audio_codec: Some(delivery.audio_codec),
            audio_encoder: delivery.audio_encoder,
            clips: out.clips.clone(),
            crop: out.crop,
            loudness: delivery.loudness,
            background_music: out.render.as_ref().and_then(|r| r.music.as_ref()).map(|m| {
                MusicRecord {
                    index: m.track,
                    uri: m.uri.clone(),
                    volume: (f64::from(m.volume) * 1e4).round() / 1e4,
                }
            }),
            overlays: out
                .render
                .iter()
                .flat_map(|r| {
                    let drawn = r.overlays.iter().map(|o| o.entry.clone());
                    drawn.chain(r.bookends.iter().map(|b| b.entry.clone()))
                })
                .collect(),
            notes: out.notes.clone(),
            files: delivery.files,
        },
    }
}

impl WrittenOutput {
    fn empty(index: u32) -> Self {
        WrittenOutput {
            index,
            status: OutputStatus::Failed,
            error_code: None,
            error_message: None,
            location: None,
            upload_attempts: None,
            duration: None,
            width: None,
            height: None,
            frame_rate: None,
            frames: None,
            render_seconds: None,
            size: None,
            container: None,
            video_codec: None,
            audio_codec: None,
            audio_encoder: None,
            clips: Vec::new(),
            crop: None,
            loudness: None,
            background_music: None,
            overlays: Vec::new(),
            notes: Vec::new(),
            files: Vec::new(),
        }
    }
}

impl JobResult {
    /// Puts the outputs where the job's API names them (`Outputs`, or `SubJobList` with `MediaURL`).
    pub fn set_outputs(&mut self, spec: &JobSpec, outputs: Vec<OutputRecord>) {
        if spec.api == crate::job::spec::Api::ScreenMediaHighlights {
            self.sub_job_list = Some(
                outputs
                    .into_iter()
                    .map(|o| SubJob {
                        media_url: o.uri,
                        written: o.written,
                    })
                    .collect(),
            );
        } else {
            self.outputs = Some(outputs);
        }
    }
}
