//! The one internal model both cloud APIs are parsed into ([`JobSpec`]).
//!
//! Everything downstream (analysis, planning, rendering, delivery, the TypeScript worker) reads this
//! model and never the raw request, so the two APIs differ only in `validate.rs`. The model is plain
//! data: serialised as JSON with camelCase keys for the worker; enum values are spelled exactly as the
//! cloud APIs spell them (`"Retrieval"`, `"Random"`, `"mp4"`, `"h264"`), so a value seen in a request
//! reads the same in the model. Times are seconds (`_s`), bit rates bits per second (`_bps`, the unit
//! WebCodecs takes), sizes pixels.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use super::overlays::{MediaEntry, StickerEntry, TextEntry, STILL_DEFAULT_S};

/// Default length of a transition when the request gives none (the screen-highlights
/// `TransitionList` carries names only): half a second, a common crossfade length that fits the
/// "clip duration minus 1 s" rule for clips of 1.5 s and more.
pub const DEFAULT_TRANSITION_DURATION_S: f64 = 0.5;
/// Default `Weight` of a transition or visual effect (both cloud docs: 50).
pub const DEFAULT_WEIGHT: u32 = 50;
/// Default background-music volume (`Volume` 0.2 in the highlight-task docs; 1 = original level).
pub const DEFAULT_MUSIC_VOLUME: f64 = 0.2;
/// Default HLS/DASH segment length when `Segment.Duration` is absent: 6 s, as Apple's HLS authoring
/// guidelines recommend.
pub const DEFAULT_SEGMENT_DURATION_S: f64 = 6.0;
/// Default constant-rate factor when `TranscodeVideo` is given without `Bitrate` or `CRF`.
pub const DEFAULT_CRF: u32 = 23;
/// Default key-frame interval when `TranscodeVideo` is given without `GOPSize`.
pub const DEFAULT_GOP_SIZE: u32 = 150;

/// Which cloud API the request was written for; decides status names, result and message shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Api {
    /// `SubmitScreenMediaHighlightsJob` (ICE): returns `JobId`, statuses Init/Processing/Finished.
    ScreenMediaHighlights,
    /// `CreateHighlightTask` (IMM): returns `TaskId` + `EventId`, statuses Running/Succeeded/...
    HighlightTask,
}

/// What the job produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum JobKind {
    /// Find highlights and list them (times, scores, reasons); optionally export one file each when
    /// [`OutputSpec::container`] is set (IMM `Type: Retrieval`).
    Retrieval,
    /// Join the sources' `start_s`/`duration_s` ranges in order into one file (IMM `Type: Concat`).
    Concat,
    /// Find highlights and render one compilation (IMM `Type: Compose`).
    Compose,
    /// Find highlights and render [`OutputSpec::count`] different reels (the ICE API).
    ScreenHighlights,
}

impl JobKind {
    /// Whether this kind always writes a media file (Retrieval only does with a container).
    pub fn renders(self) -> bool {
        !matches!(self, JobKind::Retrieval)
    }
}

/// How highlight candidates are found (IMM `Mode`); the scorer reads the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum SelectionMode {
    /// Recognise highlights from the content: rank by score over all sources. Always used by the
    /// ICE API.
    Scene,
    /// Split the total duration into even slices and take the best clip of each, so highlights
    /// spread evenly (the IMM default).
    #[default]
    Average,
}

/// Pacing of the screen-highlights reel (ICE `HighlightStrategy.PlotPacingType`).
///
/// The cloud documentation (`../shared/seeds/`) names the parameter but neither its values nor
/// what they do; reelcut reads the three names below, refuses others (listing them), and defines
/// what each does to the clips in `plan::pacing`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum PlotPacing {
    /// Quicker cutting: one short piece (at most 3.5 s) of each moment.
    Fast,
    /// Moments kept whole where they fit (the default).
    #[default]
    Normal,
    /// Longer takes: pieces under 5 s only fill the end of a reel.
    Slow,
}

/// One input: a media reference (SPEC section 2) and the range to use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SourceSpec {
    /// `MediaArray[i]` / `Sources[i].URI`: a `media` map key, `blob:`/`http(s)://`/`opfs:` URL, or
    /// any scheme for the embedder's `resolveUri` hook.
    pub uri: String,
    /// First second of the source to use (IMM `StartTime`; 0 for ICE).
    pub start_s: f64,
    /// Seconds to use from `start_s`; 0 = to the end. The cloud applies `StartTime`/`Duration` only
    /// for Concat; reelcut restricts every kind to this range (the default covers the whole source).
    pub duration_s: f64,
}

/// Output container names (IMM `Output.Container`; ICE infers it from `MediaURL`'s extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Container {
    /// ISO BMFF / MP4 (written).
    Mp4,
    /// Matroska (written).
    Mkv,
    /// QuickTime (written; MP4 structure with a `qt` brand).
    Mov,
    /// Advanced Systems Format (cloud value; not writable here).
    Asf,
    /// AVI (cloud value; not writable here).
    Avi,
    /// MXF (cloud value; not writable here).
    Mxf,
    /// MPEG transport stream (cloud value; not writable here).
    Ts,
    /// Flash video (cloud value; not writable here).
    Flv,
    /// Not in the cloud list; added locally because browsers encode VP8/VP9/AV1 + Opus natively.
    Webm,
}

impl Container {
    /// Every name, in the order error messages list them.
    pub const ALL: [Container; 9] = [
        Container::Mp4,
        Container::Mkv,
        Container::Mov,
        Container::Asf,
        Container::Avi,
        Container::Mxf,
        Container::Ts,
        Container::Flv,
        Container::Webm,
    ];

    /// The MIME type of a file in this container.
    pub fn mime(self) -> &'static str {
        match self {
            Container::Mp4 => "video/mp4",
            Container::Mov => "video/quicktime",
            Container::Webm => "video/webm",
            Container::Mkv => "video/x-matroska",
            Container::Asf => "video/x-ms-asf",
            Container::Avi => "video/x-msvideo",
            Container::Mxf => "application/mxf",
            Container::Ts => "video/mp2t",
            Container::Flv => "video/x-flv",
        }
    }

    /// The name as written in requests (`"mp4"`).
    /// The MIME type of a file of this container holding sound only (`DisableVideo`).
    pub fn audio_mime(self) -> &'static str {
        match self {
            Container::Mp4 | Container::Mov => "audio/mp4",
            Container::Webm => "audio/webm",
            Container::Mkv => "audio/x-matroska",
            other => other.mime(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Mkv => "mkv",
            Container::Mov => "mov",
            Container::Asf => "asf",
            Container::Avi => "avi",
            Container::Mxf => "mxf",
            Container::Ts => "ts",
            Container::Flv => "flv",
            Container::Webm => "webm",
        }
    }

    /// Parses a request name (exact, lowercase).
    pub fn from_name(name: &str) -> Option<Container> {
        Container::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether reelcut can ever write this container in the browser. asf/avi/mxf/ts/flv are valid
    /// cloud values, but are refused with a clear error instead of a corrupt or fake file.
    pub fn browser_writable(self) -> bool {
        matches!(
            self,
            Container::Mp4 | Container::Mov | Container::Webm | Container::Mkv
        )
    }
}

/// Output video codec (`TranscodeVideo.Codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum VideoCodec {
    /// H.264 / AVC.
    H264,
    /// H.265 / HEVC (only where the browser has an encoder).
    H265,
    /// VP9.
    Vp9,
    /// Not in the cloud list; added because WebCodecs encodes it in current browsers.
    Av1,
}

/// Output audio codec (`TranscodeAudio.Codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum AudioCodec {
    /// AAC-LC (only where the browser has an encoder).
    Aac,
    /// Opus (every WebCodecs browser encodes it).
    Opus,
    /// MP3.
    Mp3,
    /// Vorbis.
    Vorbis,
    /// FLAC.
    Flac,
}

/// How a source picture is fitted into the output size (`TranscodeVideo.ScaleType`). This is the
/// one meaning of each value everywhere in reelcut; the renderer's [`crate::render::Placement`]
/// says how it is drawn (`src/engine/` maps one to the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum ScaleType {
    /// Both axes scaled independently to the output size: the picture is distorted.
    Stretch,
    /// Scaled keeping its aspect until it covers the output, the overflow cut equally on both
    /// sides (the centre is kept).
    Crop,
    /// Scaled keeping its aspect until it fits inside the output; black bars fill the rest of the
    /// box (letterbox / pillarbox).
    Fill,
    /// The output takes the picture's aspect: the largest size of the main input's shape that fits
    /// in the requested box (even numbers), the picture filling it.
    Fit,
}

/// Video settings of the written files. All `None`/`false` = keep the source's / encoder default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct VideoSpec {
    /// `DisableVideo`: write no video track.
    pub disabled: bool,
    /// `Codec`; `None` = the encoder layer's default for the container.
    pub codec: Option<VideoCodec>,
    /// Target bit rate in bit/s (IMM `Bitrate` as given; ICE `Bitrate` Kbps x 1000).
    pub bitrate_bps: Option<u64>,
    /// Constant-rate factor 0..51 (`CRF` / `Video.Crf`); [`DEFAULT_CRF`] when `TranscodeVideo` is
    /// given with neither `Bitrate` nor `CRF`. With both, `bitrate_bps` is the target and `crf` the
    /// quality hint; the encoder layer decides which its mode can honour.
    pub crf: Option<u32>,
    /// Frames per second, 0 < fps <= 120.
    pub frame_rate: Option<f64>,
    /// Key-frame interval in frames ([`DEFAULT_GOP_SIZE`] when `TranscodeVideo` is given).
    pub gop_size: Option<u32>,
    /// How sources are fitted to `width` x `height`; `None` = per source, see
    /// [`crate::render::default_placement`].
    pub scale_type: Option<ScaleType>,
    /// Only `yuv420p` (what WebCodecs encoders take).
    pub pixel_format: Option<String>,
}

impl VideoSpec {
    /// Whether any setting differs from "keep the source's".
    pub fn is_set(&self) -> bool {
        *self != VideoSpec::default()
    }
}

/// Audio settings of the written files. All `None`/`false` = keep the source's / encoder default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AudioSpec {
    /// `DisableAudio`: write no audio track.
    pub disabled: bool,
    /// `Codec`; `None` = the encoder layer's default for the container.
    pub codec: Option<AudioCodec>,
    /// Bit rate in bit/s.
    pub bitrate_bps: Option<u64>,
    /// 8000..=96000 Hz.
    pub sample_rate: Option<u32>,
    /// 1..=8 channels.
    pub channels: Option<u32>,
    /// `LoudnessNormalization: false`: write the mix at its own level instead of normalising it
    /// to -14 LUFS / -1 dBTP ([`crate::render::loudness`]).
    pub loudness_off: bool,
}

impl AudioSpec {
    /// Whether any setting differs from "keep the source's".
    pub fn is_set(&self) -> bool {
        *self != AudioSpec::default()
    }
}

/// Where and how the results are written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct OutputSpec {
    /// `OutputConfig.MediaURL` / `Output.URI`, possibly with `{index}` (see [`OutputSpec::uri_for`]).
    /// `None` = `memory:` (a `Blob` per output).
    pub uri: Option<String>,
    /// Container to write; `None` for a Retrieval that only lists highlights. ICE: inferred from the
    /// `MediaURL` extension, mp4 when there is none.
    pub container: Option<Container>,
    /// How many different reels (ICE `Count`); 1 for IMM.
    pub count: u32,
    /// Output width; `None` = the largest input's display width. Set together with `height`.
    pub width: Option<u32>,
    /// Output height; `None` = the largest input's display height.
    pub height: Option<u32>,
    /// Video encoding settings.
    pub video: VideoSpec,
    /// Audio encoding settings.
    pub audio: AudioSpec,
    /// Gain of the sources' own audio (ICE `EditingConfig.MediaConfig.Volume`; 0 = mute, 1 = as is).
    pub source_volume: f64,
}

impl OutputSpec {
    /// The location of output `index` (1-based): `{index}` replaced by the number.
    pub fn uri_for(&self, index: u32) -> Option<String> {
        self.uri
            .as_ref()
            .map(|u| u.replace("{index}", &index.to_string()))
    }
}

/// How a list of effects is applied (IMM `TransitionMode` / `VfxEffectMode`; the ICE
/// `ProcessConfig` maps onto it, see `job/ice.rs`). The planner reads the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum EffectMode {
    /// None: hard cuts everywhere (the default).
    #[default]
    Closed,
    /// reelcut's choice. For transitions: one where the content changes (another input, the hook
    /// into the body, or a jump of at least [`crate::plan::SCENE_GAP_S`] seconds within one input),
    /// a hard cut where the clips come from the same stretch of one scene; the transition used is
    /// the given list in order when there is one, else [`crate::plan::AUTO_TRANSITION`].
    Auto,
    /// One per cut (or clip) drawn from the list, weighted by `weight`, deterministic for a seed.
    Random,
    /// The list in order, one per cut, cycling; each reel starts at the top of the list.
    Sequential,
}

/// One transition the request allows (IMM `Edit.Transitions[]`, ICE `TransitionList` entries); the
/// planner chooses among these and puts the chosen one on the clip it leads into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct TransitionItem {
    /// Canonical lowercase catalogue name (see `catalog.rs`).
    pub name: String,
    /// Overlap of the two clips, 0..=5 s (0 = a hard cut); skipped on a clip shorter than
    /// `duration_s + 1`.
    pub duration_s: f64,
    /// 1..=100, used by [`EffectMode::Random`] (0 = never chosen).
    pub weight: u32,
}

/// Transitions between clips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct TransitionSpec {
    /// How the list is used.
    pub mode: EffectMode,
    /// Transitions to choose from (ignored by Closed; optional for Auto).
    pub list: Vec<TransitionItem>,
}

/// One visual effect of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct VfxItem {
    /// Canonical lowercase catalogue name.
    pub name: String,
    /// 1..=100, used by [`EffectMode::Random`].
    pub weight: u32,
}

/// Visual effects applied to clips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct VfxSpec {
    /// How the list is used.
    pub mode: EffectMode,
    /// Effects to choose from (ignored by Closed and Auto).
    pub list: Vec<VfxItem>,
}

/// How background music is chosen (`BackgroundMusicMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum MusicMode {
    /// No music (the IMM default; the ICE default when no music is given).
    Closed,
    /// A track at random per output (the ICE default when music is given).
    Random,
    /// Tracks in order, one per output.
    Sequential,
}

/// One background-music track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MusicTrack {
    /// Media reference, as for sources.
    pub uri: String,
    /// 0..=10; 1 = the track's own level ([`DEFAULT_MUSIC_VOLUME`] when absent).
    pub volume: f64,
}

/// Background music.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MusicSpec {
    /// How tracks are chosen.
    pub mode: MusicMode,
    /// Tracks to choose from (ignored by Closed).
    pub tracks: Vec<MusicTrack>,
}

/// Images/videos/text drawn with the reel (ICE `InputConfig.*Array`); empty for IMM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct OverlaySpec {
    /// `OpeningArray`: images or videos, one picked per output, shown before the reel.
    pub openings: Vec<MediaEntry>,
    /// `EndingArray`: images or videos, one picked per output, shown after the reel.
    pub endings: Vec<MediaEntry>,
    /// `TitleArray`: one title per output (<= 50 characters), drawn over the reel's first seconds.
    pub titles: Vec<TextEntry>,
    /// `SubHeadingArray`: texts drawn under the title.
    pub subheadings: Vec<TextEntry>,
    /// `StickerArray`: images with alpha drawn over the reel, placed and timed.
    pub stickers: Vec<StickerEntry>,
    /// `BackgroundImageArray`: image references filling the frame behind fitted footage.
    pub background_images: Vec<String>,
}

impl OverlaySpec {
    /// Whether any overlay is requested.
    pub fn is_empty(&self) -> bool {
        *self == OverlaySpec::default()
    }
}

/// Streaming-format segmentation (IMM `Output.Segment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum SegmentFormat {
    /// HTTP Live Streaming playlist + segments.
    Hls,
    /// MPEG-DASH manifest + segments.
    Dash,
}

/// Segmented output settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SegmentSpec {
    /// `hls` when `Format` is absent.
    pub format: SegmentFormat,
    /// Segment length, > 0 s ([`DEFAULT_SEGMENT_DURATION_S`] when absent).
    pub duration_s: f64,
    /// Number of the first segment (HLS only; default 0).
    pub start_number: u32,
}

/// A validated job: everything the engine needs, in one shape for both APIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct JobSpec {
    /// The API the request came through (decides result and message shapes).
    pub api: Api,
    /// What the job produces.
    pub kind: JobKind,
    /// At least one source (ICE <= 30, IMM <= 10).
    pub sources: Vec<SourceSpec>,
    /// How highlight candidates are found (ICE: always Scene).
    pub mode: SelectionMode,
    /// IMM `Highlight.Content` (<= 100 chars, e.g. `Pet`, `Person`, `Sports`, `Meeting`): selects the
    /// scoring profile; other words fall back to the general profile.
    pub content: Option<String>,
    /// ICE `IntroConfig.Mode: Auto`: open the reel with its highest-energy moment.
    pub intro_auto: bool,
    /// ICE `PlotPacingType`; `None` = [`PlotPacing::Normal`].
    pub plot_pacing: Option<PlotPacing>,
    /// Seconds of highlight material wanted (ICE `HighlightStrategy.TargetDuration`, IMM
    /// `Output.TargetDuration`). Never above `max_duration_s`.
    pub target_duration_s: Option<f64>,
    /// Upper bound of each output's duration (`OutputConfig.MaxDuration` / `Output.MaxDuration`).
    pub max_duration_s: Option<f64>,
    /// Where and how results are written.
    pub outputs: OutputSpec,
    /// Transitions between clips.
    pub transitions: TransitionSpec,
    /// Visual effects on clips (IMM only).
    pub vfx: VfxSpec,
    /// Background music.
    pub music: MusicSpec,
    /// Openings, endings, titles, stickers, background images (ICE only).
    pub overlays: OverlaySpec,
    /// HLS/DASH segmentation; `None` = one file.
    pub segment: Option<SegmentSpec>,
    /// Playback speed 0.5..=1.0 (slowed, pitch kept); 1 = unchanged.
    pub speed: f64,
    /// Echoed verbatim in results and messages (<= 64 KiB).
    pub user_data: Option<String>,
    /// IMM `Tags`, for filtering job lists; echoed.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, string>"))]
    pub tags: Tags,
    /// Completion notification: an `http(s)://` URL (POST) or a `BroadcastChannel` name.
    pub notify: Option<String>,
    /// IMM `ProjectName`: no local meaning; echoed in results.
    pub project_name: Option<String>,
}

impl JobSpec {
    /// Whether the job writes media files (and so needs the render pipeline).
    pub fn writes_media(&self) -> bool {
        self.kind.renders() || self.outputs.container.is_some()
    }
}

/// IMM `Tags`: string values by key, in key order, without duplicates (as read from the
/// request's object). A list rather than a `BTreeMap`: the job only echoes it, and another map
/// type would link its own copy of the tree code into the module. Serialised as an object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags(pub Vec<(String, String)>);

impl Serialize for Tags {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, String>::deserialize(deserializer)?;
        Ok(Self(map.into_iter().collect()))
    }
}
