//! Audio mix of a reel: clip audio placed on the output timeline, resampled, down/up-mixed, faded,
//! gained and summed, delivered in output order as soon as every clip under a block is known.
//!
//! - Layout: every source is first brought to stereo with the ITU-R BS.775 coefficients (centre and
//!   surrounds at -3 dB = 0.7071, LFE dropped, a single back centre at 0.5 to each side; mono is
//!   copied to both sides at full level). The channel order is the WebCodecs/FFmpeg order (FL FR FC
//!   LFE BL BR SL SR, i.e. 5.1 = FL FR FC LFE SL SR). Not normalised: a loud 5.1 source can exceed
//!   1.0, which the encoder's clamp handles like any other over.
//! - Output channels: 1 = (L + R) / 2, 2 = L R, more = L R then silent channels.
//! - Rate: a windowed-sinc resampler ([`super::resample`]) evaluated at the exact source time of
//!   each output sample: clip sample `k` is the source at `in_s + k / out_rate`.
//! - Fades: each clip fades in over `fade_in_s` and out over `fade_out_s`, never shorter than
//!   [`MIN_RAMP_S`] (10 ms) so hard cuts do not click. The curve is equal-power by default
//!   (`sin`/`cos`: two different sounds crossfading keep their loudness); [`FadeCurve::Linear`]
//!   matches the video's linear crossfade and keeps the *level* of identical material constant.
//! - Gain: `volume` (MediaConfig.Volume), clamped to 0..10; NaN counts as 1.
//! - Speed (`Output.Speed` < 1): the clip's source audio is resampled at source time as usual and
//!   then time-stretched with its pitch kept ([`super::stretch`]) to exactly its output length.
//! - Output length: exactly `round(duration_s * out_rate)` frames; gaps are silence.
//! - Music and loudness: with background music ([`super::music`]) or a [`LoudnessTarget`] (the
//!   default for outputs, see [`super::loudness`]) the reel is mixed in passes
//!   ([`super::sound_passes`]): [`AudioMixer::pass`] says which one runs, the glue pushes every
//!   clip's audio (and the music while [`AudioMixer::wants_music`]) and calls
//!   [`AudioMixer::next_pass`] at its end. Each block is mixed as soon as the clips and the music
//!   under it are in and goes on to the pass (the delivery pass's blocks wait for
//!   [`AudioMixer::pull`]), so a clip decoded whole (the audio-first pass) is never held whole.
//!   Without either, one pass: blocks stream as below.
//! - Flow: the glue pushes decoded audio per clip ([`AudioMixer::push_source`]) in source order, and
//!   calls [`AudioMixer::finish_clip`] when a clip's audio ended (the rest is silence) or
//!   [`AudioMixer::mark_silent`] for clips without audio. [`AudioMixer::pull`] returns the next block
//!   only when every clip under it is complete for that span, so memory stays bounded by the decode
//!   lead, not by the reel.

use std::collections::VecDeque;

use super::loudness::{LoudnessReport, LoudnessTarget};
use super::resample::StereoResampler;
use super::sound_passes::{PassKind, SoundPass, SoundPasses, MIX_BLOCK};
use super::stretch::Stretcher;
use crate::num_text::Num;
use crate::ApiError;

/// Shortest fade at a clip edge: 10 ms removes the click of a hard cut without audible softening.
pub const MIN_RAMP_S: f64 = 0.010;

const SQRT_HALF: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// Audio of one clip on the output timeline.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MixClip {
    /// Output time where the clip starts.
    pub out_start_s: f64,
    /// Source range `[in_s, out_s)`.
    pub in_s: f64,
    pub out_s: f64,
    /// Fade-in length: the incoming transition's overlap (or 0 for a hard cut: [`MIN_RAMP_S`]).
    pub fade_in_s: f64,
    /// Fade-out length: the outgoing transition's overlap (or 0 for a hard cut).
    pub fade_out_s: f64,
    /// Gain, 0..10; 1 = unchanged, 0 = muted.
    pub volume: f32,
    /// Source seconds per output second, 0.5..=1 (see [`super::RenderClip::speed`]).
    #[serde(default = "unit_speed")]
    pub speed: f64,
}

fn unit_speed() -> f64 {
    1.0
}

/// Shape of fades and crossfades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum FadeCurve {
    /// `sin(pi/2 x)` in, `cos(pi/2 x)` out: constant power for unrelated material.
    #[default]
    EqualPower,
    /// `x` in, `1 - x` out: constant level for identical material; matches the video fade.
    Linear,
}

impl FadeCurve {
    fn gain(self, x: f64) -> f32 {
        let x = x.clamp(0.0, 1.0);
        match self {
            Self::EqualPower => (x * std::f64::consts::FRAC_PI_2).sin() as f32,
            Self::Linear => x as f32,
        }
    }
}

#[derive(Debug)]
struct ClipStream {
    in_s: f64,
    /// First output frame and length in output frames.
    start: u64,
    len: u64,
    fade_in: u64,
    fade_out: u64,
    volume: f32,
    resampler: Option<StereoResampler>,
    /// Source frames (at the output rate) the clip covers: `len * speed`.
    src_len: u64,
    /// Source frames taken from the resampler so far.
    src_produced: u64,
    /// Only when the clip plays slower than its source.
    stretcher: Option<Stretcher>,
    /// Produced output-rate frames, clip-local indices `out_base ..`.
    out: VecDeque<[f32; 2]>,
    out_base: u64,
    /// Clip-local frames produced so far (also counting dropped ones).
    produced: u64,
    finished: bool,
    silent: bool,
}

impl ClipStream {
    fn produced_end(&self) -> u64 {
        self.produced
    }

    /// Complete up to clip-local frame `need` (exclusive)?
    fn ready(&self, need: u64) -> bool {
        self.silent || self.finished || self.produced >= need
    }

    fn sample(&self, k: u64) -> [f32; 2] {
        if self.silent || k < self.out_base {
            return [0.0; 2];
        }
        self.out
            .get((k - self.out_base) as usize)
            .copied()
            .unwrap_or([0.0; 2])
    }

    fn gain(&self, k: u64, curve: FadeCurve) -> f32 {
        let mut g = self.volume;
        if k < self.fade_in {
            g *= curve.gain((k as f64 + 0.5) / self.fade_in as f64);
        }
        let left = self.len - k.min(self.len);
        if left <= self.fade_out && self.fade_out > 0 {
            g *= curve.gain((left as f64 - 0.5) / self.fade_out as f64);
        }
        g
    }

    /// Source time of the next source frame to take.
    fn next_src_time(&self, out_rate: u32) -> f64 {
        self.in_s + self.src_produced as f64 / out_rate as f64
    }

    /// Source frames become output frames: as they are, or through the stretcher.
    fn deliver(&mut self, fresh: &[[f32; 2]]) {
        self.src_produced += fresh.len() as u64;
        let before = self.out.len();
        match self.stretcher.as_mut() {
            Some(st) => st.push(fresh, &mut self.out),
            None => self.out.extend(fresh.iter().copied()),
        }
        self.produced += (self.out.len() - before) as u64;
    }

    /// Produces output frames while the resampler can; once finished, flushes the stretcher.
    fn produce(&mut self, out_rate: u32) {
        let mut fresh = Vec::new();
        if let Some(rs) = self.resampler.as_ref() {
            let mut k = self.src_produced;
            while k < self.src_len {
                let ts = self.in_s + k as f64 / out_rate as f64;
                if self.finished && rs.past_end(ts) {
                    break; // the rest reads as silence
                }
                match rs.value_at(ts, self.finished) {
                    Some(v) => fresh.push(v),
                    None => break,
                }
                k += 1;
            }
        }
        self.deliver(&fresh);
        let next = self.next_src_time(out_rate);
        if let Some(rs) = self.resampler.as_mut() {
            rs.discard_before(next);
        }
        if self.finished {
            if let Some(st) = self.stretcher.as_mut() {
                let before = self.out.len();
                st.finish(&mut self.out);
                self.produced += (self.out.len() - before) as u64;
            }
        }
    }

    fn drop_before(&mut self, k: u64) {
        while self.out_base < k && !self.out.is_empty() {
            self.out.pop_front();
            self.out_base += 1;
        }
    }
}

/// Streaming mixer of a reel's clip audio; see the module docs.
#[derive(Debug)]
pub struct AudioMixer {
    out_rate: u32,
    out_channels: u32,
    total: u64,
    /// Frames mixed so far.
    mixed: u64,
    /// Frames delivered by [`AudioMixer::pull`].
    pos: u64,
    curve: FadeCurve,
    /// The clips as planned (each pass mixes them afresh) and the ones without audio.
    plan: Vec<MixClip>,
    no_audio: Vec<bool>,
    clips: Vec<ClipStream>,
    music: Option<f32>,
    loudness: Option<LoudnessTarget>,
    /// Music and loudness: the passes over the reel.
    passes: Option<SoundPasses>,
}

fn finite_or(v: f64, d: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        d
    }
}

impl AudioMixer {
    /// A mixer producing `round(duration_s * out_rate)` frames of `out_channels` channels.
    ///
    /// Errors: `out_rate` outside 8000..=192000, `out_channels` outside 1..=8.
    pub fn new(
        clips: &[MixClip],
        out_rate: u32,
        out_channels: u32,
        duration_s: f64,
    ) -> Result<Self, ApiError> {
        if !(8000..=192_000).contains(&out_rate) {
            return Err(ApiError::invalid_parameter(
                "SampleRate",
                format!("sample rate {out_rate} is outside 8000..96000"),
            ));
        }
        if !(1..=8).contains(&out_channels) {
            return Err(ApiError::invalid_parameter(
                "Channel",
                format!("{out_channels} channels is outside 1..8"),
            ));
        }
        let r = out_rate as f64;
        let total = (finite_or(duration_s, 0.0).max(0.0) * r).round() as u64;
        Ok(Self {
            out_rate,
            out_channels,
            total,
            mixed: 0,
            pos: 0,
            curve: FadeCurve::default(),
            plan: clips.to_vec(),
            no_audio: vec![false; clips.len()],
            clips: streams(clips, out_rate)?,
            music: None,
            loudness: None,
            passes: None,
        })
    }

    /// The mixer of a render plan: its clips ([`super::mix_clips`]), its loudness target and its
    /// background music (whose decoded audio then comes through [`AudioMixer::push_music`]).
    pub fn for_plan(
        plan: &super::RenderPlan,
        out_rate: u32,
        out_channels: u32,
    ) -> Result<Self, ApiError> {
        let mixer = Self::new(
            &super::mix_clips(plan),
            out_rate,
            out_channels,
            plan.duration_s,
        )?
        .with_loudness(plan.loudness);
        Ok(match &plan.music {
            Some(m) => mixer.with_music(m.volume),
            None => mixer,
        })
    }

    /// Normalises the whole mix to `target` (`None`: stream as mixed); see [`super::sound_passes`].
    pub fn with_loudness(mut self, target: Option<LoudnessTarget>) -> Self {
        self.loudness = target;
        self.plan_passes();
        self
    }

    /// Lays background music at `volume` (0..10) under the reel ([`super::music`]); its passes
    /// then take the decoded track through [`AudioMixer::push_music`].
    pub fn with_music(mut self, volume: f32) -> Self {
        self.music = Some(volume);
        self.plan_passes();
        self
    }

    fn plan_passes(&mut self) {
        self.passes = SoundPasses::new(
            self.out_rate,
            self.out_channels,
            self.total as usize,
            self.music,
            self.loudness,
        );
    }

    /// The pass the mix is in: a single delivery pass unless music or loudness need more.
    pub fn pass(&self) -> SoundPass {
        self.passes.as_ref().map_or(
            SoundPass {
                kind: PassKind::Deliver,
                music: false,
                index: 0,
            },
            SoundPasses::pass,
        )
    }

    /// Every clip's audio (and the music) of this pass has been pushed: on to the next pass, with
    /// every clip to be pushed again from its start (clips marked silent stay so). `false` after
    /// the delivery pass. Errors if the pass has not mixed the whole reel.
    pub fn next_pass(&mut self) -> Result<bool, ApiError> {
        self.mix_ready()?;
        let Some(passes) = self.passes.as_mut() else {
            return Ok(false);
        };
        if !passes.next_pass()? {
            return Ok(false);
        }
        self.clips = streams(&self.plan, self.out_rate)?;
        for (c, &none) in self.clips.iter_mut().zip(&self.no_audio) {
            c.silent |= none;
        }
        self.mixed = 0;
        self.mix_ready()?;
        Ok(true)
    }

    /// Decoded music: planar 1..=8 channels at `rate`, in order from the track's start (after
    /// [`AudioMixer::finish_music`], from the start again).
    pub fn push_music(&mut self, rate: u32, planes: &[&[f32]]) -> Result<(), ApiError> {
        if !(1000..=768_000).contains(&rate) {
            return Err(ApiError::corrupt(format!(
                "music audio with sample rate {rate}"
            )));
        }
        let frames = downmix_to_stereo(planes);
        if let Some(m) = self.passes.as_mut().and_then(SoundPasses::music_mut) {
            m.push(rate, &frames);
        }
        self.mix_ready()
    }

    /// Whether the mix wants more music now: this pass lays it and lacks it for the next block.
    pub fn wants_music(&self) -> bool {
        self.passes.as_ref().is_some_and(|p| {
            p.pass().music && self.mixed < self.total && !p.music_ready(self.next_block_end())
        })
    }

    /// The decoding of the music track has ended; if the mix wants more, the track loops: the
    /// next [`AudioMixer::push_music`] starts it again from the beginning.
    pub fn finish_music(&mut self) -> Result<(), ApiError> {
        if let Some(m) = self.passes.as_mut().and_then(SoundPasses::music_mut) {
            m.end_decode();
        }
        self.mix_ready()
    }

    /// Loudness before and after normalisation (with a target), once the delivery pass has
    /// begun; `Ok(None)` without a target or before. (Kept a `Result`: an output whose audio
    /// could not be normalised fails through the pushes that mix it.)
    pub fn loudness_report(&self) -> Result<Option<LoudnessReport>, ApiError> {
        Ok(self.passes.as_ref().and_then(SoundPasses::report))
    }

    /// Uses `curve` for all fades.
    pub fn with_curve(mut self, curve: FadeCurve) -> Self {
        self.curve = curve;
        self
    }

    /// PCM frames the mix holds now beyond the clips' decode lead (the passes' delivered blocks
    /// not yet pulled, the music stream).
    pub fn held_frames(&self) -> usize {
        self.passes.as_ref().map_or(0, SoundPasses::held_frames)
    }

    fn next_block_end(&self) -> usize {
        (self.mixed as usize + MIX_BLOCK).min(self.total as usize)
    }

    /// Total output frames.
    pub fn total_frames(&self) -> u64 {
        self.total
    }

    /// Output frames delivered so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// True once every output frame has been pulled.
    pub fn is_done(&self) -> bool {
        self.pos >= self.total
    }

    fn clip_mut(&mut self, clip: usize) -> Result<&mut ClipStream, ApiError> {
        let n = self.clips.len();
        self.clips.get_mut(clip).ok_or_else(|| {
            ApiError::internal(format!("audio for clip {clip}, but the mix has {n} clips"))
        })
    }

    /// Decoded source audio for `clip`: planar `planes` (1..=8 channels; beyond 8 only the first 8
    /// are used) at `rate` Hz, first sample at source time `t_s`. Chunks must come in source
    /// order; small gaps become silence, overlaps are trimmed.
    pub fn push_source(
        &mut self,
        clip: usize,
        t_s: f64,
        rate: u32,
        planes: &[&[f32]],
    ) -> Result<(), ApiError> {
        let out_rate = self.out_rate;
        let c = self.clip_mut(clip)?;
        // Audio past the clip's end (decoders overshoot) is not needed: dropping it keeps memory flat.
        if c.silent || c.finished || planes.is_empty() || c.src_produced >= c.src_len {
            return Ok(());
        }
        if !(1000..=768_000).contains(&rate) || !t_s.is_finite() {
            return Err(ApiError::corrupt(format!(
                "audio chunk with sample rate {rate} at time {}",
                Num(t_s)
            )));
        }
        let mut frames = downmix_to_stereo(planes);
        // Gap (positive) or overlap (negative) against the previous chunk, in input samples.
        let gap = c
            .resampler
            .as_ref()
            .map_or(0.0, |rs| ((t_s - rs.end_time()) * rate as f64).round());
        let restart = match c.resampler.as_ref() {
            // Up to a second of missing audio is filled in place; a longer jump restarts the stream
            // (same result, without allocating the silence in the input history).
            Some(rs) if rs.in_rate() == rate && gap <= rate as f64 => {
                if gap >= 2.0 {
                    let n = gap as usize;
                    let mut filled = vec![[0.0f32; 2]; n];
                    filled.append(&mut frames);
                    frames = filled;
                } else if gap <= -2.0 {
                    let n = ((-gap) as usize).min(frames.len());
                    frames.drain(..n);
                }
                false
            }
            Some(_) => true,
            None => true,
        };
        if restart {
            // A new stream (or a rate change): finish what the old one can give up to `t_s`.
            if let Some(rs) = c.resampler.as_ref() {
                let mut fresh = Vec::new();
                let mut k = c.src_produced;
                while k < c.src_len {
                    let ts = c.in_s + k as f64 / out_rate as f64;
                    if ts >= t_s {
                        break;
                    }
                    fresh.push(rs.value_at(ts, true).unwrap_or([0.0; 2]));
                    k += 1;
                }
                c.deliver(&fresh);
            }
            c.resampler = Some(StereoResampler::new(rate, out_rate, t_s));
        }
        if let Some(rs) = c.resampler.as_mut() {
            rs.push(&frames);
        }
        c.produce(out_rate);
        self.mix_ready()
    }

    /// No more audio will come for `clip`: what is missing is silence.
    pub fn finish_clip(&mut self, clip: usize) -> Result<(), ApiError> {
        let out_rate = self.out_rate;
        let c = self.clip_mut(clip)?;
        c.finished = true;
        c.produce(out_rate);
        self.mix_ready()
    }

    /// In passes, every block is mixed as soon as the clips and the music under it are in, so a
    /// clip's produced audio waits in its queue only until the clips it overlaps catch up (the
    /// audio-first pass decodes a whole clip before the next).
    pub fn mix_ready(&mut self) -> Result<(), ApiError> {
        loop {
            let end = self.next_block_end();
            let Some(passes) = self.passes.as_ref() else {
                return Ok(());
            };
            if passes.is_complete() || !passes.music_ready(end) {
                return Ok(());
            }
            let block = if self.mixed == self.total {
                Vec::new() // an empty reel
            } else {
                match self.mix_next(MIX_BLOCK) {
                    Some(b) => b,
                    None => return Ok(()),
                }
            };
            if let Some(p) = self.passes.as_mut() {
                p.take(block)?;
            }
        }
    }

    /// `clip` has no audio (or is muted): it contributes silence, in every pass.
    pub fn mark_silent(&mut self, clip: usize) -> Result<(), ApiError> {
        let c = self.clip_mut(clip)?;
        c.silent = true;
        c.resampler = None;
        c.out.clear();
        self.no_audio[clip] = true;
        self.mix_ready()
    }

    /// The next block of up to `frames` output frames, interleaved (`out_channels` per frame), or
    /// `None` if some clip under it still lacks audio (in passes: until the delivery pass has
    /// made it, see [`super::sound_passes`]), or everything has been delivered. The last block is
    /// shorter so the total is exactly the reel's length.
    pub fn pull(&mut self, frames: usize) -> Option<Vec<f32>> {
        let ch = self.out_channels;
        let Some(passes) = self.passes.as_mut() else {
            let block = self.mix_next(frames)?;
            self.pos = self.mixed;
            return Some(to_channels(&block, ch));
        };
        if passes.pass().kind != PassKind::Deliver {
            return None;
        }
        let block = passes.pull(frames)?;
        self.pos += (block.len() / ch as usize) as u64;
        Some(block)
    }

    /// Mixes the next block of up to `frames` stereo frames, if every clip under it is ready.
    fn mix_next(&mut self, frames: usize) -> Option<Vec<[f32; 2]>> {
        let n = (frames as u64).min(self.total.saturating_sub(self.mixed));
        if n == 0 {
            return None;
        }
        let (b0, b1) = (self.mixed, self.mixed + n);
        let overlaps = |c: &ClipStream| c.len > 0 && c.start < b1 && c.start + c.len > b0;
        if !self
            .clips
            .iter()
            .filter(|c| overlaps(c))
            .all(|c| c.ready(b1.min(c.start + c.len) - c.start))
        {
            return None;
        }
        let mut stereo = vec![[0.0f32; 2]; n as usize];
        for c in self.clips.iter().filter(|c| overlaps(c) && !c.silent) {
            let from = b0.max(c.start);
            let to = b1.min(c.start + c.len);
            for f in from..to {
                let k = f - c.start;
                let g = c.gain(k, self.curve);
                let s = c.sample(k);
                let o = &mut stereo[(f - b0) as usize];
                o[0] += s[0] * g;
                o[1] += s[1] * g;
            }
        }
        for c in &mut self.clips {
            if c.start < b1 {
                c.drop_before((b1 - c.start).min(c.produced_end()));
            }
        }
        self.mixed = b1;
        Some(stereo)
    }
}

/// The clips' streams on the output timeline, fresh (each pass starts from these).
fn streams(clips: &[MixClip], out_rate: u32) -> Result<Vec<ClipStream>, ApiError> {
    let r = out_rate as f64;
    let frames = |s: f64| (finite_or(s, 0.0).max(0.0) * r).round() as u64;
    let mut out = Vec::with_capacity(clips.len());
    for c in clips {
        let speed = finite_or(c.speed, 1.0);
        let src_s = (finite_or(c.out_s, 0.0) - finite_or(c.in_s, 0.0)).max(0.0);
        let start = frames(c.out_start_s);
        let end = frames(c.out_start_s + src_s / speed);
        let len = end.saturating_sub(start);
        let (src_len, stretcher) = if speed == 1.0 {
            (len, None)
        } else {
            (frames(src_s), Some(Stretcher::new(out_rate, speed, len)?))
        };
        let mut fade_in = frames(c.fade_in_s.max(MIN_RAMP_S)).max(1);
        let mut fade_out = frames(c.fade_out_s.max(MIN_RAMP_S)).max(1);
        if fade_in + fade_out > len {
            // Very short clip: share it between the two fades.
            let sum = (fade_in + fade_out) as f64;
            fade_in = (len as f64 * fade_in as f64 / sum).floor() as u64;
            fade_out = len - fade_in;
        }
        let volume = if c.volume.is_nan() {
            1.0
        } else {
            c.volume.clamp(0.0, 10.0)
        };
        out.push(ClipStream {
            in_s: finite_or(c.in_s, 0.0),
            start,
            len,
            fade_in,
            fade_out,
            volume,
            resampler: None,
            src_len,
            src_produced: 0,
            stretcher,
            out: VecDeque::new(),
            out_base: 0,
            produced: 0,
            finished: false,
            silent: volume == 0.0 || len == 0,
        });
    }
    Ok(out)
}

/// Stereo frames to interleaved output channels: 1 = (L + R) / 2, 2 = L R, more = L R + silence.
pub(super) fn to_channels(stereo: &[[f32; 2]], channels: u32) -> Vec<f32> {
    let ch = channels as usize;
    let mut out = Vec::with_capacity(stereo.len() * ch);
    for &[l, r] in stereo {
        match ch {
            1 => out.push((l + r) * 0.5),
            _ => {
                out.push(l);
                out.push(r);
                out.extend(std::iter::repeat_n(0.0, ch - 2));
            }
        }
    }
    out
}

/// Planar 1..=8 channels (WebCodecs order) to stereo frames, ITU-R BS.775 coefficients.
pub fn downmix_to_stereo(planes: &[&[f32]]) -> Vec<[f32; 2]> {
    let n = planes.iter().map(|p| p.len()).min().unwrap_or(0);
    let ch = |i: usize, k: usize| planes.get(i).map_or(0.0, |p| p[k]);
    let c = SQRT_HALF;
    (0..n)
        .map(|k| match planes.len() {
            0 => [0.0, 0.0],
            1 => [ch(0, k), ch(0, k)],
            2 => [ch(0, k), ch(1, k)],
            // FL FR FC
            3 => [ch(0, k) + c * ch(2, k), ch(1, k) + c * ch(2, k)],
            // FL FR BL BR (quad)
            4 => [ch(0, k) + c * ch(2, k), ch(1, k) + c * ch(3, k)],
            // FL FR FC BL BR (5.0)
            5 => [
                ch(0, k) + c * ch(2, k) + c * ch(3, k),
                ch(1, k) + c * ch(2, k) + c * ch(4, k),
            ],
            // FL FR FC LFE SL SR (5.1)
            6 => [
                ch(0, k) + c * ch(2, k) + c * ch(4, k),
                ch(1, k) + c * ch(2, k) + c * ch(5, k),
            ],
            // FL FR FC LFE BC SL SR (6.1)
            7 => [
                ch(0, k) + c * ch(2, k) + 0.5 * ch(4, k) + c * ch(5, k),
                ch(1, k) + c * ch(2, k) + 0.5 * ch(4, k) + c * ch(6, k),
            ],
            // FL FR FC LFE BL BR SL SR (7.1); more than 8: the first 8 are used.
            _ => [
                ch(0, k) + c * ch(2, k) + c * ch(4, k) + c * ch(6, k),
                ch(1, k) + c * ch(2, k) + c * ch(5, k) + c * ch(7, k),
            ],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fade_curves() {
        assert_eq!(FadeCurve::Linear.gain(0.25), 0.25);
        let g = FadeCurve::EqualPower.gain(0.5);
        assert!((g - SQRT_HALF).abs() < 1e-6);
        assert_eq!(FadeCurve::EqualPower.gain(2.0), 1.0);
    }

    #[test]
    fn short_clips_share_their_fades_and_odd_numbers_are_tamed() {
        let clips = [
            MixClip {
                out_start_s: 0.0,
                in_s: 0.0,
                out_s: 0.005,
                fade_in_s: 1.0,
                fade_out_s: 1.0,
                volume: f32::NAN,
                speed: 1.0,
            },
            MixClip {
                out_start_s: f64::NAN,
                in_s: f64::INFINITY,
                out_s: 1.0,
                fade_in_s: -1.0,
                fade_out_s: 0.0,
                volume: 99.0,
                speed: f64::NAN,
            },
        ];
        let m = AudioMixer::new(&clips, 48_000, 2, f64::NAN).expect("mixer");
        assert_eq!(m.total_frames(), 0);
        let c = &m.clips[0];
        assert_eq!(c.len, 240);
        assert_eq!(c.fade_in + c.fade_out, 240);
        assert_eq!(c.volume, 1.0);
        assert_eq!(m.clips[1].volume, 10.0);
    }
}
