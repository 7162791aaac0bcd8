//! Render stage: per output frame, a short list of drawing instructions; per output block, mixed audio.
//!
//! Everything here is a pure function of a [`RenderPlan`] (video) or of the decoded samples pushed
//! into an [`AudioMixer`] (audio). No browser types: [`compose`] executes [`FrameOps`] on I420
//! pictures (decoded frames in, the encoder's frames out), natively in the tests (checked against
//! ffmpeg's `scale`, `gblur`, `transpose` and `xfade`) and in the browser's worker alike.
//!
//! # Drawing model (what the executor does, exactly)
//!
//! The model is written in canvas terms (RGBA, source-over); the compositor executes it on
//! BT.709 limited-range YCbCr, which gives the same result because every mix is a weighted sum
//! whose weights add up to one, and that commutes with the affine RGB → YCbCr conversion.
//! Colours (`background`, veils) are converted once by [`compose::picture::rgb_to_yuv`].
//!
//! A frame is `width x height` output pixels, origin top-left, y down. [`FrameOps`] is executed as:
//!
//! 1. Fill the whole canvas with [`FrameOps::background`] (opaque RGBA).
//! 2. For each [`Layer`] in order (bottom first), build the layer's picture on a transparent scratch
//!    canvas of the same size as the output:
//!    1. if [`Layer::background`] is set, `fillRect(0, 0, width, height)` with it (clip pictures are
//!       opaque: this is where letterbox bars come from);
//!       with [`Layer::backdrop`] set, the plan's backdrop image (scaled to cover the canvas,
//!       centred) is drawn there instead;
//!    2. for each [`DrawOp`] in order: draw `src_rect` of the source frame (decoded-frame pixels,
//!       *before* rotation) rotated clockwise by `rotation` degrees so that it exactly fills
//!       `dst_rect` (axis-aligned, output pixels). On a canvas:
//!       ```text
//!       ctx.save(); if (op.blurPx > 0) ctx.filter = `blur(${op.blurPx}px)`;
//!       ctx.translate(dst.x + dst.w / 2, dst.y + dst.h / 2); ctx.rotate(op.rotation * Math.PI / 180);
//!       const [w, h] = op.rotation % 180 === 0 ? [dst.w, dst.h] : [dst.h, dst.w];
//!       ctx.drawImage(frame, src.x, src.y, src.w, src.h, -w / 2, -h / 2, w, h); ctx.restore();
//!       ```
//!       `blur_px` is the CSS `blur()` radius, i.e. the Gaussian standard deviation in output pixels;
//!       the blurred layer's `dst_rect` already overshoots the canvas so its edges stay opaque;
//!    3. if [`Layer::fill_after`] is set, `fillRect(0, 0, width, height)` with its RGB colour at
//!       `globalAlpha = alpha` (source-over): the colour veil of fadeblack / fadewhite / fadecolor;
//!    4. if [`Layer::dissolve`] is set, keep only the scratch pixels `(x, y)` (integer pixel
//!       coordinates of the scratch canvas) where [`dissolve_noise`]`(x, y, seed) < progress`; make the
//!       others transparent. (On 4:2:0 planes a chroma sample is kept by the fraction of its 2x2
//!       luma pixels that are.)
//! 3. Composite the scratch onto the output: `ctx.save()`; if [`Layer::clip_rect`] is set,
//!    `beginPath(); rect(...); clip()` (output coordinates; the rects are whole pixels so there is
//!    no antialiasing question); `globalAlpha = opacity`; `drawImage(scratch, offset_x, offset_y)`;
//!    `ctx.restore()`.
//!
//! A layer with `opacity == 1`, no `fill_after` and no `dissolve` may be drawn straight onto the
//! output canvas (translated by the offset, inside the clip rect): the result is identical, and
//! that is the common case (every frame outside a transition).
//!
//! Transitions follow ffmpeg's `xfade` filter (see [`transitions`]); a reel frame outside any
//! transition is one opaque layer.

pub mod bookend;
pub mod camera;
pub mod compose;
pub mod draw;
pub mod job_budget;
pub mod layout;
pub mod loudness;
pub mod mix;
pub mod music;
pub mod music_stream;
pub mod overlay;
pub mod passthrough;
pub mod resample;
pub mod sound_passes;
pub mod stretch;
pub mod transitions;
pub mod vfx;

use serde::{Deserialize, Serialize};

pub use crate::analysis::cuts::CutWindow;

pub use draw::{frame_count, frame_ops, mix_clips, validate_plan};
pub use layout::{default_placement, output_size};
pub use mix::{AudioMixer, FadeCurve, MixClip};
pub use reelcut_kernels::Rect;
pub use transitions::{dissolve_noise, Transition};

/// Geometry of one source video, as the demuxer/decoder reports it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceGeometry {
    /// Decoded frame size (`VideoFrame.displayWidth/Height` before rotation).
    pub coded_w: u32,
    pub coded_h: u32,
    /// Clockwise rotation to apply for display: 0, 90, 180 or 270 (other values are rounded to the
    /// nearest quarter turn).
    pub rotation: u32,
    /// Pixel aspect ratio (width, height) of the decoded frame; (1, 1) for square pixels. A zero
    /// in either part is treated as square.
    pub pixel_aspect: (u32, u32),
    /// Display size after pixel aspect and rotation; 0 means "derive it from the fields above".
    pub display_w: u32,
    pub display_h: u32,
}

impl SourceGeometry {
    /// Square pixels, no rotation.
    pub fn simple(w: u32, h: u32) -> Self {
        Self {
            coded_w: w,
            coded_h: h,
            rotation: 0,
            pixel_aspect: (1, 1),
            display_w: w,
            display_h: h,
        }
    }
}

/// How a source's display picture is drawn onto the output canvas. The request's
/// [`crate::job::spec::ScaleType`] maps onto one of these (in `src/engine/`); without one,
/// [`default_placement`] picks per source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    /// Whole picture onto the whole canvas; aspect ratio not kept.
    Stretch,
    /// Scale keeping the aspect ratio until the canvas is covered, cut the overflow equally on both
    /// sides (the centre is kept).
    Cover,
    /// Scale keeping the aspect ratio until the whole picture fits; black bars (letterbox /
    /// pillarbox) fill the rest.
    Letterbox,
    /// `Letterbox` over a blurred `Cover` of the same frame (the usual way landscape footage goes
    /// into a portrait reel; the `twolayer` effect insets the picture further, see
    /// [`layout::place_clip`]).
    LetterboxOverBlur,
}

/// The transition into a clip from the clip before it, as drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClipTransition {
    /// ffmpeg `xfade` name (`fade`, `wipeleft`, ...) or `fadecolor`.
    pub name: String,
    /// Overlap of the two clips in seconds.
    pub duration_s: f64,
    /// Colour for `fadecolor` (RGB); `None` = black. Ignored by other transitions.
    #[serde(default)]
    pub color: Option<[u8; 3]>,
}

impl ClipTransition {
    pub fn new(name: &str, duration_s: f64) -> Self {
        Self {
            name: name.to_string(),
            duration_s,
            color: None,
        }
    }
}

/// One clip of the output timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderClip {
    /// Index into [`RenderPlan::sources`].
    pub source: usize,
    /// Source time range `[in_s, out_s)` in seconds.
    pub in_s: f64,
    pub out_s: f64,
    /// Output time where the clip starts. With a transition it starts `duration_s` before the
    /// previous clip ends (the two overlap).
    pub out_start_s: f64,
    /// Transition from the previous clip into this one.
    #[serde(default)]
    pub transition_in: Option<ClipTransition>,
    /// Audio gain (MediaConfig.Volume, 0..10, 1 = unchanged).
    pub volume: f32,
    /// The hard cut `in_s` lies on, if any: the renderer starts the clip on the new shot's exact
    /// first frame, so no frame of the shot before flashes in.
    #[serde(default)]
    pub in_cut: Option<CutWindow>,
    /// The hard cut `out_s` lies on, if any: the renderer holds the old shot's exact last frame.
    #[serde(default)]
    pub out_cut: Option<CutWindow>,
    /// The visual effect on the whole clip ([`vfx`]), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vfx: Option<vfx::Vfx>,
    /// Source seconds per output second (`Output.Speed`, 0.5..=1.0): output frame `t` shows source
    /// time `in_s + (t - out_start_s) * speed`, and the audio is time-stretched with its pitch kept.
    #[serde(default = "unit_speed")]
    pub speed: f64,
    /// Where the `Cover` window is centred at each source time (a crop that follows the subject,
    /// [`camera`]); `None` = the middle of the picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera: Option<camera::CameraPath>,
}

fn unit_speed() -> f64 {
    1.0
}

impl RenderClip {
    /// Source range `[in_s, out_s)` of `source` at output time `out_start_s`, as it is: no
    /// transition, no effect, no cut window, no camera, unchanged volume and speed. Plans add
    /// what they need with struct update syntax.
    pub fn plain(source: usize, in_s: f64, out_s: f64, out_start_s: f64) -> Self {
        RenderClip {
            source,
            in_s,
            out_s,
            out_start_s,
            transition_in: None,
            volume: 1.0,
            in_cut: None,
            out_cut: None,
            vfx: None,
            speed: 1.0,
            camera: None,
        }
    }

    /// Output time where the clip ends: its source length played at `speed`.
    pub fn out_end_s(&self) -> f64 {
        self.out_start_s + self.out_len_s()
    }

    /// Output seconds the clip lasts.
    pub fn out_len_s(&self) -> f64 {
        (self.out_s - self.in_s).max(0.0) / self.speed()
    }

    /// Source time shown at output time `t` (not clamped).
    pub fn source_time(&self, t: f64) -> f64 {
        self.in_s + (t - self.out_start_s) * self.speed()
    }

    /// `speed`, with anything that is not a positive finite number read as 1.
    pub fn speed(&self) -> f64 {
        if self.speed.is_finite() && self.speed > 0.0 {
            self.speed
        } else {
            1.0
        }
    }
}

/// Everything the renderer needs for one reel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderPlan {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// How every source is placed; `None` = per source with [`default_placement`].
    #[serde(default)]
    pub scale: Option<Placement>,
    pub clips: Vec<RenderClip>,
    pub sources: Vec<SourceGeometry>,
    pub duration_s: f64,
    /// Loudness normalisation of the mixed audio; `None` = as mixed (the request turned it off).
    #[serde(default)]
    pub loudness: Option<loudness::LoudnessTarget>,
    /// Background music under the reel; `None` = none.
    #[serde(default)]
    pub music: Option<MusicBed>,
    /// Titles, sub-headings and stickers over the composed frames, bottom first.
    #[serde(default)]
    pub overlays: Vec<overlay::OverlayLayer>,
    /// The sources that are not request inputs: the opening and ending shown before and after
    /// the reel ([`bookend`]), each a clip of the plan like any other.
    #[serde(default)]
    pub bookends: Vec<bookend::BookendSource>,
    /// The image (media reference) drawn behind a picture that does not fill the frame, in
    /// place of the blurred or black fill ([`bookend::uses_backdrop`]); `None` = none.
    #[serde(default)]
    pub backdrop: Option<String>,
}

impl RenderPlan {
    /// The opening or ending that plan source `source` is, if it is one.
    pub fn bookend(&self, source: usize) -> Option<&bookend::BookendSource> {
        self.bookends.iter().find(|b| b.source == source)
    }

    /// Whether the sound is made in passes over the reel: background music (ducked by the
    /// whole dialogue's speech) or loudness normalisation (of the finished output); see
    /// [`sound_passes`].
    pub fn mixes_in_passes(&self) -> bool {
        sound_passes::needs_passes(self)
    }

    /// Whether the render makes the sound first (the audio-first pass): every clip's audio and
    /// the music are decoded and mixed, in as many passes as the sound needs, and the last pass
    /// encoded before any frame, so the video pass streams its chunks beside the already encoded
    /// audio and only that (about 1 MB a minute) is held, never the video. Sound made in passes
    /// needs it (each pass reads the clips' audio again, without their video); an audio-only
    /// output is nothing but that pass. Other outputs mix each clip's audio as its frames are
    /// decoded (one read of each source).
    pub fn audio_first(&self, has_video: bool, has_audio: bool) -> bool {
        has_audio && (!has_video || self.mixes_in_passes())
    }
}

/// The background-music track a reel plays ([`music`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MusicBed {
    /// Index into the request's music list.
    pub track: usize,
    /// Its media reference.
    pub uri: String,
    /// `Volume` 0..10 (1 = the track's own level).
    pub volume: f32,
}

/// The drawing instructions for one output frame; see the module docs for the exact semantics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameOps {
    /// Output time of the frame: `frame_index / fps`.
    pub t: f64,
    pub width: u32,
    pub height: u32,
    /// Opaque colour the canvas is cleared with first.
    pub background: [u8; 4],
    /// Bottom first.
    pub layers: Vec<Layer>,
    /// A pixel transition between the two layers: each is composed on its own picture and the
    /// output is [`transitions::xfade::draw`] of the two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xfade: Option<XfadeMix>,
    /// The plan's overlay layers on at this frame, drawn over the composed picture in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<overlay::OverlayOn>,
}

/// A pixel transition (`xfade` or gl-transitions) at one frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XfadeMix {
    pub kind: transitions::Pixel,
    /// ffmpeg's progress: 1 at the start of the overlap (only A), 0 at its end.
    pub progress: f32,
}

/// One clip's picture, composed on a scratch canvas and then composited onto the output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layer {
    /// Index of the clip in [`RenderPlan::clips`]; `None` for the plain-colour stand-in used when a
    /// transition has no outgoing clip (the reel starts with a transition, or follows a gap).
    pub clip: Option<usize>,
    /// Colour the scratch canvas is filled with before the draws (opaque black for clips).
    pub background: Option<[u8; 4]>,
    pub draws: Vec<DrawOp>,
    /// Colour veil over the whole layer picture, after the draws.
    pub fill_after: Option<ColorFill>,
    /// Per-pixel random keep mask, after `fill_after`.
    pub dissolve: Option<Dissolve>,
    /// Translation of the layer picture in output pixels (slides); whole pixels.
    pub offset_x: f64,
    pub offset_y: f64,
    /// Only draw the layer inside this output rectangle (wipes); whole pixels.
    pub clip_rect: Option<Rect>,
    /// `globalAlpha` when compositing the layer picture.
    pub opacity: f32,
    /// A pixel effect applied to the layer picture after its draws, before `fill_after` (the
    /// clip's visual effect at this frame; layout effects are in the draws already).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vfx: Option<vfx::VfxFrame>,
    /// Step 2.1 draws the plan's backdrop image (covering the canvas, translated with the layer)
    /// instead of filling `background`, when the compositor has one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub backdrop: bool,
}

/// Draw one source frame region into a region of the layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DrawOp {
    /// Index into [`RenderPlan::sources`].
    pub source: usize,
    /// Which source frame: the one on screen at this source time (the last frame whose timestamp
    /// is <= `source_time_s`).
    pub source_time_s: f64,
    /// Region of the decoded frame in its own pixels, before rotation.
    pub src_rect: Rect,
    /// Where the rotated region lands, output pixels; may extend beyond the canvas.
    pub dst_rect: Rect,
    /// Clockwise degrees: 0, 90, 180 or 270.
    pub rotation: u32,
    /// Gaussian blur standard deviation in output pixels (CSS `blur()`); 0 = sharp.
    pub blur_px: f32,
}

/// A colour drawn over a whole layer with the given alpha.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColorFill {
    pub rgb: [u8; 3],
    /// 0 = invisible, 1 = solid colour.
    pub alpha: f32,
}

/// The dissolve mask parameters: keep pixel `(x, y)` iff `dissolve_noise(x, y, seed) < progress`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dissolve {
    pub progress: f32,
    pub seed: u32,
}

/// Opaque black, the colour of bars and of gaps between clips.
pub const BLACK: [u8; 4] = [0, 0, 0, 255];
