//! Analysis: decoded media in, features and highlights out. Pure Rust, no browser types.
//!
//! For each source the worker creates a [`SourceAnalyzer`] and streams decoded frames
//! ([`SourceAnalyzer::push_frame`]) and audio ([`SourceAnalyzer::push_audio`]) into it; memory grows only
//! with the small per-frame / per-hop feature vectors. [`SourceAnalyzer::finish`] returns the
//! [`SourceFeatures`], and [`score::find_highlights`] turns all sources' features into ranked,
//! explained clips.
//!
//! Modules, one concept each: `video` (pixel formats → thumbnails), `frames` (per-frame signals),
//! `focus` (where the subject of each frame is, for a crop that follows it),
//! `shots` (shot boundaries), `resample` (downmix, resampling, timestamp repair), `audio` (per-hop
//! signals, speech, pauses, onsets), `signals` (per-source normalised score signals), `score`
//! (clip selection and reasons), `profile` (signal weights per content type).

pub mod audio;
pub mod cuts;
pub mod focus;
pub mod frames;
pub mod profile;
pub mod resample;
pub mod sampling;
pub mod score;
pub mod shots;
pub mod signals;
pub use reelcut_kernels::video;

pub use audio::{AudioFeatures, Onset, Pause};
pub use cuts::{EditKind, EditPoint};
pub use focus::{FocusSample, SubjectTrack};
pub use frames::FrameFeatures;
pub use profile::Profile;
pub use score::{
    default_highlight_count, find_highlights, Highlight, HighlightOptions, HighlightReport,
    SelectionMode, Timeline,
};
pub use shots::{shot_list, BoundaryKind, Shot, ShotBoundary, ShotKind};
pub use video::{FrameView, PixelFormat, PlaneLayout, Thumbnail};

use audio::AudioAnalyzer;
use frames::FrameAnalyzer;
use resample::AudioStream;
use serde::Serialize;

/// Highest frame rate analysed by default: higher-rate input is sampled down (see
/// [`SourceAnalyzer::wants_frame`]), which halves the frames the browser must copy for 30 fps
/// input. Cuts still land on the decoder's frames: the skipped frames around a possible cut are
/// looked at too ([`SourceAnalyzer::wants_between_frames`]).
pub const DEFAULT_MAX_ANALYSIS_FPS: f64 = 15.0;

/// Everything analysis learned about one source; the input of [`score::find_highlights`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceFeatures {
    /// Duration of the source in seconds.
    pub duration_s: f64,
    /// Nominal frame rate of the source.
    pub frame_rate: f64,
    /// Frame rate actually analysed.
    pub analysis_fps: f64,
    /// Per-hop audio features; `None` when the source has no (decodable) audio.
    pub audio: Option<AudioFeatures>,
    /// Per-analysed-frame video features, in time order; empty when there is no video.
    pub frames: Vec<FrameFeatures>,
    /// Shot boundaries in time order.
    pub shots: Vec<ShotBoundary>,
    /// Speech pauses / silences (at least 0.25 s), in time order.
    pub pauses: Vec<Pause>,
}

/// Streams one source's decoded media into features.
pub struct SourceAnalyzer {
    duration_s: f64,
    frame_rate: f64,
    max_fps: f64,
    last_frame_t: Option<f64>,
    frames: FrameAnalyzer,
    cuts: cuts::CutRefiner,
    stream: AudioStream,
    audio: Option<AudioAnalyzer>,
    mono: Vec<f32>,
}

impl SourceAnalyzer {
    /// Analyser for a source of `duration_s` seconds at nominal `frame_rate` (non-finite or
    /// non-positive values are tolerated: the duration is then taken from the media seen).
    pub fn new(duration_s: f64, frame_rate: f64) -> Self {
        Self::with_max_fps(duration_s, frame_rate, DEFAULT_MAX_ANALYSIS_FPS)
    }

    /// Like [`SourceAnalyzer::new`] with a different cap on the analysed frame rate.
    pub fn with_max_fps(duration_s: f64, frame_rate: f64, max_fps: f64) -> Self {
        let frame_rate = if frame_rate.is_finite() && frame_rate > 0.0 {
            frame_rate
        } else {
            30.0
        };
        let max_fps = if max_fps.is_finite() && max_fps > 0.0 {
            max_fps
        } else {
            DEFAULT_MAX_ANALYSIS_FPS
        };
        Self {
            duration_s: if duration_s.is_finite() {
                duration_s.max(0.0)
            } else {
                0.0
            },
            frame_rate,
            max_fps,
            last_frame_t: None,
            frames: FrameAnalyzer::new(frame_rate.min(max_fps)),
            cuts: cuts::CutRefiner::new(1.0 / frame_rate),
            stream: AudioStream::new(),
            audio: None,
            mono: Vec::new(),
        }
    }

    /// Whether a frame at `t_s` is needed. Frames come at the source rate; analysis wants at most
    /// `max_fps`, so a frame is wanted once at least one analysis interval (minus half a source frame,
    /// to absorb timestamp jitter) has passed since the last analysed frame. Lets the browser skip
    /// `copyTo` for frames that would be ignored.
    pub fn wants_frame(&self, t_s: f64) -> bool {
        if !t_s.is_finite() {
            return false;
        }
        match self.last_frame_t {
            None => true,
            Some(last) => t_s - last >= 1.0 / self.max_fps - 0.5 / self.frame_rate,
        }
    }

    /// One decoded frame at display time `t_s`. Frames not after the last analysed one are ignored
    /// (duplicates, reordering); a bad plane layout or zero-size frame is an error and changes nothing.
    pub fn push_frame(&mut self, t_s: f64, frame: &FrameView) -> Result<(), crate::ApiError> {
        if !t_s.is_finite() {
            return Err(crate::ApiError::corrupt(
                "video frame without a valid timestamp",
            ));
        }
        if self.last_frame_t.is_some_and(|last| t_s <= last) {
            return Ok(());
        }
        let thumb = Thumbnail::from_frame(frame)?;
        self.frames.push(t_s, thumb.clone());
        let change = self.frames.last().map_or(0.0, shots::change);
        self.cuts.analysed(t_s, thumb, change);
        self.last_frame_t = Some(t_s);
        Ok(())
    }

    /// Whether the last analysed frame may be a cut, so that the frames decoded between it and the
    /// analysed frame before (skipped by [`SourceAnalyzer::wants_frame`]) should be handed to
    /// [`SourceAnalyzer::push_between_frame`]: the cut is then placed on its exact frame.
    pub fn wants_between_frames(&self) -> bool {
        self.cuts.wants_between()
    }

    /// A decoded frame at `t_s` that lies between the last two analysed frames (see
    /// [`SourceAnalyzer::wants_between_frames`]); used only to place a cut, ignored otherwise.
    pub fn push_between_frame(
        &mut self,
        t_s: f64,
        frame: &FrameView,
    ) -> Result<(), crate::ApiError> {
        if !t_s.is_finite() || !self.cuts.wants_between() {
            return Ok(());
        }
        self.cuts.between(t_s, Thumbnail::from_frame(frame)?);
        Ok(())
    }

    /// Decoded audio: planar f32 (one slice per channel, 1..=8 channels), at its native sample rate,
    /// `t_s` being the time of the first sample. Downmixed to mono and resampled to 16 kHz streaming;
    /// timestamp gaps become silence and overlaps are dropped.
    pub fn push_audio(&mut self, t_s: f64, sample_rate: u32, planes: &[&[f32]]) {
        self.mono.clear();
        self.stream.push(t_s, sample_rate, planes, &mut self.mono);
        self.feed_audio();
    }

    fn feed_audio(&mut self) {
        if self.audio.is_none() {
            if let Some(t0) = self.stream.t0() {
                self.audio = Some(AudioAnalyzer::new(t0));
            }
        }
        if let Some(a) = self.audio.as_mut() {
            a.push(&self.mono);
        }
        self.mono.clear();
    }

    /// Ends the stream and derives boundaries, speech, pauses and onsets.
    pub fn finish(mut self) -> SourceFeatures {
        self.mono.clear();
        self.stream.finish(&mut self.mono);
        self.feed_audio();
        let mut audio = self.audio.map(|a| a.finish()).filter(|a| !a.is_empty());
        let mut frames = self.frames.finish();
        self.cuts.mark(&mut frames);
        let mut shots = shots::detect(&frames, 1.0 / self.frame_rate);
        self.cuts.apply(&mut shots);
        let pauses = audio
            .as_mut()
            .map(|a| std::mem::take(&mut a.pauses))
            .unwrap_or_default();
        let seen = frames
            .last()
            .map(|f| f.t + 1.0 / self.frame_rate)
            .unwrap_or(0.0)
            .max(
                audio
                    .as_ref()
                    .map(|a| a.time(a.len()).max(0.0))
                    .unwrap_or(0.0),
            );
        let duration_s = if self.duration_s > 0.0 {
            self.duration_s
        } else {
            seen
        };
        SourceFeatures {
            duration_s,
            frame_rate: self.frame_rate,
            analysis_fps: self.frame_rate.min(self.max_fps),
            audio,
            frames,
            shots,
            pauses,
        }
    }
}
