//! What each output looks like: size, frame rate, encoding wishes, and per reel the render plan,
//! the location and the record's clip list.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::media::encoding::{AudioRequest, VideoRequest};

use crate::job::spec::{
    Api, AudioCodec, Container, JobKind, JobSpec, ScaleType, SegmentSpec, VideoCodec,
    DEFAULT_GOP_SIZE,
};
use crate::num_text::Num;
use crate::plan::{music_for_reel, reel_timeline, Reel};
use crate::render::bookend::{add_bookends, BookendMedia};
use crate::render::loudness::LoudnessTarget;
use crate::render::overlay::overlay_layers;
use crate::render::{
    self,
    camera::{self, CameraPath},
    layout::display_size,
    vfx::Vfx,
    ClipTransition, CutWindow, MusicBed, Placement, RenderClip, RenderPlan, SourceGeometry,
};
use crate::ApiError;

use super::{request_seed, SourceInput};

/// Highest output frame rate: above it browsers' software encoders fall behind real time and
/// highlight reels gain nothing.
pub const MAX_FPS: f64 = 60.0;
/// Frame rate assumed for an input that reports none.
pub const FALLBACK_FPS: f64 = 30.0;

/// What the encoders are asked for; the browser negotiates what it can do from here
/// ([`crate::media::encoding`]) and the record says what was used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoEncoding {
    /// `None` = the container's preferred codec.
    pub codec: Option<VideoCodec>,
    pub bitrate_bps: Option<u64>,
    pub crf: Option<u32>,
}

/// See [`VideoEncoding`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioEncoding {
    /// `None` = the container's preferred codec.
    pub codec: Option<AudioCodec>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    pub bitrate_bps: Option<u64>,
}

/// Everything that is the same for every output of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderSettings {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// Key-frame interval in frames.
    pub gop: u32,
    pub container: Container,
    /// How every source is drawn; `None` = per source ([`render::default_placement`]).
    pub placement: Option<Placement>,
    /// Gain of the sources' own audio on every clip.
    pub source_volume: f32,
    /// `Output.Speed`: source seconds per output second (0.5..=1; 1 = unchanged).
    pub speed: f64,
    pub video: VideoEncoding,
    /// `DisableVideo`: the outputs have no video track (audio only); the size and frame rate
    /// still shape the render plan's time line.
    #[serde(default)]
    pub video_disabled: bool,
    /// `None`: no audio track (`DisableAudio`, or neither an input nor music has audio).
    pub audio: Option<AudioEncoding>,
    /// What the mixed audio is normalised to; `None` = `LoudnessNormalization: false` (or no audio).
    pub loudness: Option<LoudnessTarget>,
    /// HLS/DASH segmentation of every output; `None` = one file each.
    pub segment: Option<SegmentSpec>,
}

impl RenderSettings {
    /// What to ask the video encoder for.
    pub fn video_request(&self) -> VideoRequest {
        VideoRequest {
            container: self.container,
            codec: self.video.codec,
            width: self.width,
            height: self.height,
            fps: self.fps,
            bitrate_bps: self.video.bitrate_bps,
            crf: self.video.crf,
        }
    }

    /// What to ask the audio encoder for; `None` when the outputs have no audio.
    pub fn audio_request(&self) -> Option<AudioRequest> {
        self.audio.as_ref().map(|a| AudioRequest {
            container: self.container,
            codec: a.codec,
            sample_rate: a.sample_rate,
            channels: a.channels,
            bitrate_bps: a.bitrate_bps,
        })
    }
}

/// The request field that sets an output's length, which a refusal for the job's memory names
/// (a Concat's length is its `Sources` ranges; every other render is bounded by `MaxDuration`).
pub fn length_field(spec: &JobSpec) -> &'static str {
    match (spec.kind, spec.api) {
        (JobKind::Concat, _) => "Sources",
        (_, Api::ScreenMediaHighlights) => "OutputConfig.MaxDuration",
        _ => "Output.MaxDuration",
    }
}

/// The settings shared by every output of the job.
pub fn render_settings(spec: &JobSpec, sources: &[SourceInput]) -> RenderSettings {
    let (width, height) = output_size(spec, sources);
    let video = &spec.outputs.video;
    let audio = &spec.outputs.audio;
    // Background music gives a reel sound even when no input has any.
    let music = spec.music.mode != crate::job::spec::MusicMode::Closed;
    let wants_audio = !audio.disabled && (music || sources.iter().any(|s| s.has_audio));
    RenderSettings {
        width,
        height,
        fps: frame_rate(spec, sources),
        gop: video.gop_size.unwrap_or(DEFAULT_GOP_SIZE),
        container: spec.outputs.container.unwrap_or(Container::Mp4),
        placement: placement(video.scale_type),
        source_volume: spec.outputs.source_volume as f32,
        speed: spec.speed,
        video: VideoEncoding {
            codec: video.codec,
            bitrate_bps: video.bitrate_bps,
            crf: video.crf,
        },
        video_disabled: video.disabled,
        audio: wants_audio.then(|| audio_encoding(spec)),
        loudness: (wants_audio && !audio.loudness_off).then(LoudnessTarget::default),
        segment: spec.segment.clone(),
    }
}

fn audio_encoding(spec: &JobSpec) -> AudioEncoding {
    let audio = &spec.outputs.audio;
    AudioEncoding {
        codec: audio.codec,
        sample_rate: audio.sample_rate,
        channels: audio.channels,
        bitrate_bps: audio.bitrate_bps,
    }
}

/// `settings` with an audio track when an opening or ending video the outputs show has sound
/// though neither the inputs nor music do (its sound is part of the output).
pub fn with_bookend_sound(
    settings: RenderSettings,
    spec: &JobSpec,
    bookends: &HashMap<String, BookendMedia>,
) -> RenderSettings {
    let sound = bookends.values().any(|m| {
        matches!(
            m,
            BookendMedia::Video {
                has_audio: true,
                ..
            }
        )
    });
    if settings.audio.is_some() || !sound || spec.outputs.audio.disabled {
        return settings;
    }
    RenderSettings {
        audio: Some(audio_encoding(spec)),
        loudness: (!spec.outputs.audio.loudness_off).then(LoudnessTarget::default),
        ..settings
    }
}

/// How a request's `ScaleType` is drawn: `fill` and `fit` both show the whole picture inside the
/// box (they differ in the output size, see [`output_size`]); no scale type lets the renderer
/// choose per source.
pub fn placement(scale: Option<ScaleType>) -> Option<Placement> {
    scale.map(|s| match s {
        ScaleType::Stretch => Placement::Stretch,
        ScaleType::Crop => Placement::Cover,
        ScaleType::Fill | ScaleType::Fit => Placement::Letterbox,
    })
}

/// The output size: the requested `Width` x `Height` (or `Resolution`), else the largest input's
/// display size; always even. With `ScaleType: fit` and a requested size, the output takes the
/// main (first) input's aspect instead: the largest size of that shape inside the requested box.
pub fn output_size(spec: &JobSpec, sources: &[SourceInput]) -> (u32, u32) {
    let geometries: Vec<SourceGeometry> = sources.iter().map(|s| s.geometry).collect();
    let requested = match (spec.outputs.width, spec.outputs.height) {
        (None, None) => None,
        (w, h) => Some((w.unwrap_or(0), h.unwrap_or(0))),
    };
    let (w, h) = render::output_size(&geometries, requested);
    let fit = spec.outputs.video.scale_type == Some(ScaleType::Fit);
    let Some(main) = geometries.first().filter(|_| fit && requested.is_some()) else {
        return (w, h);
    };
    let (dw, dh) = display_size(main);
    if dw <= 0.0 || dh <= 0.0 {
        return (w, h);
    }
    let s = (w as f64 / dw).min(h as f64 / dh);
    let even = |x: f64| ((x / 2.0).floor() as u32 * 2).max(2);
    (even(dw * s), even(dh * s))
}

/// The output frame rate: the requested `FrameRate`, else the main (first) input's rate to the
/// millisecond ([`FALLBACK_FPS`] when it reports none); at most [`MAX_FPS`].
pub fn frame_rate(spec: &JobSpec, sources: &[SourceInput]) -> f64 {
    let main = sources
        .first()
        .map(|s| s.frame_rate)
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(FALLBACK_FPS);
    spec.outputs
        .video
        .frame_rate
        .unwrap_or_else(|| (main * 1000.0).round() / 1000.0)
        .min(MAX_FPS)
}

/// Seconds as the records show them: to the millisecond.
pub fn round_ms(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One entry of an output record's `Clips`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct OutputClip {
    pub source: usize,
    pub r#in: f64,
    pub out: f64,
    pub score: f64,
    pub reasons: Vec<String>,
    /// The transition into this clip, when one was drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transition: Option<String>,
    /// The visual effect on this clip, when one was drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vfx_effect: Option<String>,
}

/// The record's clip list of a reel: source ranges and scores to the millisecond.
pub fn output_clips(reel: &Reel) -> Vec<OutputClip> {
    reel.clips
        .iter()
        .map(|c| OutputClip {
            source: c.source,
            r#in: round_ms(c.in_s),
            out: round_ms(c.out_s),
            score: round_ms(c.score),
            reasons: c.reasons.clone(),
            transition: c.transition_in.as_ref().map(|t| t.name.clone()),
            vfx_effect: c.vfx.clone(),
        })
        .collect()
}

/// The render plan of one reel: its clips on the output time line, each transition overlapping
/// the clip before it by its duration. With `Speed` below 1 the whole reel time line is played
/// slower: every output time (clip starts, transition lengths, the duration) is the reel's time
/// divided by the speed, so output frame `t` shows reel time `t * speed`.
pub fn render_plan(settings: &RenderSettings, sources: &[SourceInput], reel: &Reel) -> RenderPlan {
    let timeline = reel_timeline(reel);
    let speed = settings.speed;
    let out_time = |reel_s: f64| reel_s / speed;
    let clips = timeline
        .iter()
        .map(|e| {
            let c = &reel.clips[e.clip];
            RenderClip {
                source: c.source,
                in_s: c.in_s,
                out_s: c.out_s,
                out_start_s: out_time(e.out_start_s),
                transition_in: c
                    .transition_in
                    .as_ref()
                    .filter(|_| e.transition_in_s > 0.0)
                    .map(|t| ClipTransition::new(&t.name, out_time(e.transition_in_s))),
                volume: settings.source_volume,
                in_cut: cut_at(sources, c.source, c.in_s),
                out_cut: cut_at(sources, c.source, c.out_s),
                // Names were validated against the catalogue the renderer reads.
                vfx: c.vfx.as_deref().and_then(Vfx::from_name),
                speed,
                camera: None,
            }
        })
        .map(|clip| RenderClip {
            camera: camera_path(settings, sources, &clip),
            ..clip
        })
        .collect();
    RenderPlan {
        width: settings.width,
        height: settings.height,
        fps: settings.fps,
        scale: settings.placement,
        clips,
        sources: sources.iter().map(|s| s.geometry).collect(),
        duration_s: timeline.last().map_or(0.0, |e| out_time(e.out_end_s)),
        loudness: settings.loudness,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays: Vec::new(),
    }
}

/// The window of a clip cropped across an aspect change ([`camera::crop_window`]): drawn with
/// `Cover` and no layout effect (those crop from the centre by definition). `None` otherwise.
fn cropped_window(
    settings: &RenderSettings,
    g: &SourceGeometry,
    clip: &RenderClip,
) -> Option<(f64, f64)> {
    let placement = settings
        .placement
        .unwrap_or_else(|| render::default_placement(g, settings.width, settings.height));
    if placement != Placement::Cover || clip.vfx.is_some_and(|v| v.is_layout()) {
        return None;
    }
    camera::crop_window(g, settings.width, settings.height)
}

/// The camera path of a cropped clip whose source was analysed; `None` keeps the centred crop.
fn camera_path(
    settings: &RenderSettings,
    sources: &[SourceInput],
    clip: &RenderClip,
) -> Option<CameraPath> {
    let s = sources.get(clip.source)?;
    let window = cropped_window(settings, &s.geometry, clip)?;
    camera::follow(
        s.subject.as_ref()?,
        &s.geometry,
        window,
        clip.in_s,
        clip.out_s,
    )
}

/// How a reel's crop across an aspect change was placed (the record's `Crop`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum CropMode {
    /// The window follows the subject along a smoothed camera path from the analysis.
    FollowsSubject,
    /// The window is centred (the source was not analysed, as in a Concat).
    Centred,
}

/// The crop mode of a render plan: `FollowsSubject` when every clip cropped across an aspect
/// change has a camera path, `Centred` otherwise, `None` when no clip is cropped that way.
pub fn crop_mode(settings: &RenderSettings, plan: &RenderPlan) -> Option<CropMode> {
    // Openings and endings are drawn centred by definition.
    let mut cropped = plan.clips.iter().filter(|c| {
        plan.bookend(c.source).is_none()
            && plan
                .sources
                .get(c.source)
                .and_then(|g| cropped_window(settings, g, c))
                .is_some()
    });
    let first = cropped.next()?;
    Some(
        if first.camera.is_some() && cropped.all(|c| c.camera.is_some()) {
            CropMode::FollowsSubject
        } else {
            CropMode::Centred
        },
    )
}

/// The background music of reel `reel_index` (0-based), per `BackgroundMusicMode`.
pub fn music_bed(spec: &JobSpec, reel_index: usize) -> Option<MusicBed> {
    let tracks = &spec.music.tracks;
    let track = music_for_reel(
        spec.music.mode,
        tracks.len(),
        request_seed(spec),
        reel_index,
    )?;
    tracks.get(track).map(|t| MusicBed {
        track,
        uri: t.uri.clone(),
        volume: t.volume as f32,
    })
}

/// The record's notes on a plan's opening and ending: which entry, how long.
fn bookend_notes(plan: &RenderPlan) -> impl Iterator<Item = String> + '_ {
    plan.bookends.iter().filter_map(|b| {
        let c = plan.clips.iter().find(|c| c.source == b.source)?;
        Some(format!(
            "{} {} shown at {} s for {} s",
            b.entry,
            b.uri,
            Num(round_ms(c.out_start_s)),
            Num(round_ms(c.out_len_s()))
        ))
    })
}

/// The record's note for a crop mode, in words.
fn crop_note(mode: CropMode) -> &'static str {
    match mode {
        CropMode::FollowsSubject => "crop follows the subject: the window moves along a smoothed camera path from the analysis (reset at each shot cut)",
        CropMode::Centred => "crop is centred: without an analysis of the inputs (a Concat is not analysed) there is no subject to follow",
    }
}

/// The hard cut of `source` a clip edge at `t` lies on (within one source frame of its window).
fn cut_at(sources: &[SourceInput], source: usize, t: f64) -> Option<CutWindow> {
    let s = sources.get(source)?;
    let frame = 1.0
        / if s.frame_rate > 0.0 {
            s.frame_rate
        } else {
            FALLBACK_FPS
        };
    s.cuts.iter().copied().find(|w| w.holds(t, frame))
}

/// One output of the job, before it is rendered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReelOutput {
    /// 1-based.
    pub index: u32,
    /// The location with `{index}` replaced; `None` = `memory:`.
    pub uri: Option<String>,
    /// What to render; `None` when the reel has no clips (see `failure`).
    pub render: Option<RenderPlan>,
    /// The record's `Clips`.
    pub clips: Vec<OutputClip>,
    /// The planner's notes on this reel.
    pub notes: Vec<String>,
    /// How a crop across an aspect change is placed, when there is one.
    pub crop: Option<CropMode>,
    /// Why this output fails without being rendered.
    pub failure: Option<ApiError>,
}

/// Every output of the job, in order: one per planned reel, with its opening, ending and
/// background image ([`add_bookends`]; `bookends` holds the probed media of every entry picked).
pub fn reel_outputs(
    spec: &JobSpec,
    settings: &RenderSettings,
    sources: &[SourceInput],
    reels: &[Reel],
    bookends: &HashMap<String, BookendMedia>,
) -> Vec<ReelOutput> {
    reels
        .iter()
        .zip(1u32..)
        .map(|(reel, index)| {
            let empty = reel.clips.is_empty();
            let planned = (!empty).then(|| {
                let plan = render_plan(settings, sources, reel);
                let plan = RenderPlan {
                    music: music_bed(spec, index as usize - 1),
                    overlays: overlay_layers(
                        &spec.overlays,
                        index as usize - 1,
                        plan.duration_s,
                        plan.height,
                    ),
                    ..plan
                };
                add_bookends(plan, &spec.overlays, index as usize - 1, bookends)
            });
            let (render, bookend_failure) = match planned {
                Some(Ok(plan)) => (Some(plan), None),
                Some(Err(e)) => (None, Some(e)),
                None => (None, None),
            };
            let crop = render.as_ref().and_then(|p| crop_mode(settings, p));
            let mut notes = reel.notes.clone();
            notes.extend(crop.map(|c| crop_note(c).to_string()));
            if let Some(plan) = &render {
                notes.extend(bookend_notes(plan));
            }
            ReelOutput {
                index,
                uri: spec.outputs.uri_for(index),
                render,
                clips: output_clips(reel),
                notes,
                crop,
                failure: bookend_failure.or_else(|| {
                    empty.then(|| ApiError::unsupported("no material left for this reel"))
                }),
            }
        })
        .collect()
}
