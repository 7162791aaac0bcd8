//! One memory budget per rendered output: what the render holds at its peak, estimated from the
//! plan and the negotiated encoders before anything is decoded, and kept under one ceiling,
//! [`JOB_MEMORY_CEILING`]. A job whose output would need more is refused (before rendering) with
//! `InvalidParameter.<the field that sets its length>`, naming the need, the ceiling and the
//! longest output that fits; while rendering, encoded bytes held beyond the estimate fail the job
//! the same way instead of growing (the encoders may overshoot their bit rate).
//!
//! What is counted (bytes):
//! - **frames in flight**: the compositor's pictures at output size, the frames queued in the video
//!   encoder, and per clip on screen at once the decoder's queue, its look-ahead and the frame store
//!   at source size. These are bounded by the constants below, which the renderer and the decoding
//!   cursors use (so the estimate and the code cannot drift apart).
//! - **held audio**: with loudness normalisation or music the sound is made in passes over the
//!   reel ([`super::sound_passes`]), which hold a few mixing blocks, the music stream's window and
//!   (with music) the speech detection's features, about 0.6 MB a minute
//!   ([`sound_passes::held_bytes`]). It exists only during the render's audio-first pass
//!   ([`RenderPlan::audio_first`]), which opens no video decoder and composes nothing: the peak is
//!   the larger of the two passes, not their sum.
//! - **held encoded bytes**: the audio-first pass keeps the whole encoded audio (its bit rate, about
//!   1 MB a minute) until the video pass has interleaved it; video chunks are always interleaved as
//!   they come, so at most a WebM cluster (up to 30 s) of video is held whatever the output length.
//!   Without sound passes both tracks stream and a cluster of each is the most held.
//! - **tables**: the MP4 writer's per-sample table (for its `moov`).
//!
//! The file itself is not counted: its body streams to the sink (an OPFS file, or Blobs the browser
//! may page to disk).

use super::{sound_passes, RenderPlan};
use crate::media::encoding::{AudioCandidate, VideoCandidate};
use crate::num_text::Num;
use crate::sort;
use crate::ApiError;

/// The most one job's render may hold: well inside wasm32's 4 GiB, leaving room for the
/// browser's own buffers.
pub const JOB_MEMORY_CEILING: u64 = 1 << 30;
/// Frames waiting inside the video or audio encoder; more only adds memory.
pub const ENCODE_QUEUE_FRAMES: u32 = 6;
/// Chunks waiting inside a decoder.
pub const DECODE_QUEUE_FRAMES: u32 = 8;
/// Decoded frames past the one on screen that a clip cursor may hold.
pub const LOOKAHEAD_FRAMES: usize = 3;
/// Encoders may run over their target bit rate for a while; held encoded bytes assume this much.
const BITRATE_HEADROOM: f64 = 1.5;
/// Seconds of encoded output held for interleaving a streamed track: the WebM writer's open
/// cluster spans up to 30 s (one GOP; MP4 interleaves within a frame or two, so this is its upper
/// bound too).
const INTERLEAVE_S: f64 = 30.0;
/// Bytes per sample of the MP4 writer's table, with the arrays `moov` is built from at the end.
const TABLE_BYTES_PER_SAMPLE: u64 = 64;
/// Audio packets per second an encoder makes (Opus 20 ms; AAC 1024 samples at 48 kHz is 47).
const AUDIO_PACKETS_PER_S: f64 = 50.0;
/// Compositor pictures at output size: output, scratch, two transition layers, blur and scale
/// buffers, coverage.
const COMPOSITOR_PICTURES: u64 = 7;
/// Frame-store pictures per clip on screen at source size (frames kept, spare buffers), I420; its
/// staging buffer comes on top at 4 bytes a pixel (a frame read back as RGBA is the largest layout).
const STORE_PICTURES_PER_CLIP: u64 = 6;

/// The estimated peak of one output's render, by part (bytes), and the request field its errors
/// name (the one that sets the output's length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobMemory {
    pub frames: u64,
    pub held_audio: u64,
    pub held_encoded: u64,
    pub tables: u64,
    pub field: String,
}

impl JobMemory {
    /// The render of `plan` encoded as `video` (`None`: no video track) and `audio`; errors name
    /// `field`.
    pub fn estimate(
        plan: &RenderPlan,
        video: Option<&VideoCandidate>,
        audio: Option<&AudioCandidate>,
        field: &str,
    ) -> Self {
        let duration = plan.duration_s.max(0.0);
        let out_frame = i420_bytes(plan.width, plan.height);
        let per_clip: u64 = plan
            .sources
            .iter()
            .map(|s| {
                let px = u64::from(s.coded_w) * u64::from(s.coded_h);
                let decoded = u64::from(DECODE_QUEUE_FRAMES) + LOOKAHEAD_FRAMES as u64 + 1;
                (decoded + STORE_PICTURES_PER_CLIP) * i420_bytes(s.coded_w, s.coded_h) + px * 4
            })
            .max()
            .unwrap_or(0);
        // The compositor exists without a video track too; the clips' video decoders do not (an
        // audio-only output is all audio pass).
        let (encoder_frames, clips) = if video.is_some() {
            (u64::from(ENCODE_QUEUE_FRAMES) + 1, clips_on_screen(plan))
        } else {
            (0, 0)
        };
        let frames = (COMPOSITOR_PICTURES + encoder_frames) * out_frame + clips * per_clip;
        let passes = plan.mixes_in_passes();
        let (held_audio, audio_bytes_per_s) = match audio {
            Some(a) => (
                sound_passes::held_bytes(plan, a.sample_rate, a.number_of_channels),
                a.bitrate as f64 / 8.0,
            ),
            None => (0, 0.0),
        };
        let video_bytes_per_s = video.map_or(0.0, |v| v.bitrate as f64 / 8.0);
        // Sound made in passes is encoded whole before the first frame and waits for the video;
        // streamed audio, like the video, waits at most a cluster.
        let interleave_s = duration.min(INTERLEAVE_S);
        let audio_s = if passes { duration } else { interleave_s };
        let held_encoded = (BITRATE_HEADROOM
            * (interleave_s * video_bytes_per_s + audio_s * audio_bytes_per_s))
            .ceil() as u64;
        let packets_per_s = plan.fps.max(0.0)
            + if audio.is_some() {
                AUDIO_PACKETS_PER_S
            } else {
                0.0
            };
        let tables = (duration * packets_per_s).ceil() as u64 * TABLE_BYTES_PER_SAMPLE;
        Self {
            frames,
            held_audio,
            held_encoded,
            tables,
            field: field.to_string(),
        }
    }

    pub fn total(&self) -> u64 {
        self.pass_peak() + self.held_encoded + self.tables
    }

    /// The larger of the two passes' own buffers: the sound passes live only in the audio-first pass,
    /// the frames in flight only in the video pass (see the module docs).
    fn pass_peak(&self) -> u64 {
        self.frames.max(self.held_audio)
    }

    /// Encoded bytes the container writer and encoders may hold while rendering: whatever of the
    /// ceiling the other parts leave.
    pub fn encoded_allowance(&self) -> u64 {
        JOB_MEMORY_CEILING.saturating_sub(self.pass_peak() + self.tables)
    }

    /// The estimate for `plan`, when it is under the ceiling; otherwise `InvalidParameter.<field>`
    /// naming what would be held and the longest output that fits.
    pub fn check(
        plan: &RenderPlan,
        video: Option<&VideoCandidate>,
        audio: Option<&AudioCandidate>,
        field: &str,
    ) -> Result<Self, ApiError> {
        let this = Self::estimate(plan, video, audio, field);
        this.refuse_over_ceiling(plan, video, audio).map(|()| this)
    }

    fn refuse_over_ceiling(
        &self,
        plan: &RenderPlan,
        video: Option<&VideoCandidate>,
        audio: Option<&AudioCandidate>,
    ) -> Result<(), ApiError> {
        if self.total() <= JOB_MEMORY_CEILING {
            return Ok(());
        }
        let fits = longest_fitting_s(plan, video, audio);
        let passes = plan.mixes_in_passes();
        let advice = if fits < 1.0 {
            "; the frames in flight at this output and source size alone need that much (ask for a smaller Width/Height)"
        } else if passes {
            "; loudness normalisation and music hold the whole encoded audio until the video is made (turning normalisation off lets a longer output stream)"
        } else {
            ""
        };
        Err(ApiError::invalid_parameter(
            &self.field,
            format!(
                "the output would last {} s ({}): rendering it would hold about {} MiB (frames {} MiB, audio {} MiB, encoded {} MiB, tables {} MiB), over the job memory ceiling of {} MiB; at most {} s fit{advice}",
                Num((plan.duration_s * 10.0).round() / 10.0),
                video.map_or("no video".to_string(), |v| format!(
                    "{}x{}, {} kbit/s",
                    plan.width,
                    plan.height,
                    v.bitrate / 1000
                )),
                mib(self.total()),
                mib(self.frames),
                mib(self.held_audio),
                mib(self.held_encoded),
                mib(self.tables),
                mib(JOB_MEMORY_CEILING),
                Num(fits.floor())
            ),
        ))
    }

    /// The runtime guard: `held` encoded bytes are waiting in the writer. Past the allowance the
    /// job fails like the up-front check rather than growing.
    pub fn check_held(&self, held: u64) -> Result<(), ApiError> {
        if held <= self.encoded_allowance() {
            return Ok(());
        }
        Err(ApiError::invalid_parameter(
            &self.field,
            format!(
                "the encoders produced more than expected: {} MiB of encoded output had to be held for interleaving, which with the render's other buffers exceeds the job memory ceiling of {} MiB; ask for a lower Bitrate or a shorter output",
                mib(held),
                mib(JOB_MEMORY_CEILING)
            ),
        ))
    }
}

/// The longest output of this shape under the ceiling (the estimate grows with the duration).
fn longest_fitting_s(
    plan: &RenderPlan,
    video: Option<&VideoCandidate>,
    audio: Option<&AudioCandidate>,
) -> f64 {
    let at = |d: f64| {
        let mut p = plan.clone();
        p.duration_s = d;
        JobMemory::estimate(&p, video, audio, "").total()
    };
    let (mut lo, mut hi) = (0.0, plan.duration_s.max(0.0));
    if at(lo) > JOB_MEMORY_CEILING {
        return 0.0;
    }
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        if at(mid) <= JOB_MEMORY_CEILING {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The most clips that are on screen at once (a transition shows two).
fn clips_on_screen(plan: &RenderPlan) -> u64 {
    let mut edges: Vec<(f64, i32)> = plan
        .clips
        .iter()
        .flat_map(|c| [(c.out_start_s, 1), (c.out_end_s(), -1)])
        .collect();
    // Ends before starts at the same instant: a hard cut shows one clip.
    sort::sort_by(&mut edges, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        most = most.max(now);
    }
    most.max(1) as u64
}

fn i420_bytes(w: u32, h: u32) -> u64 {
    let (w, h) = (u64::from(w.div_ceil(2) * 2), u64::from(h.div_ceil(2) * 2));
    w * h * 3 / 2
}

fn mib(b: u64) -> u64 {
    b.div_ceil(1 << 20)
}
