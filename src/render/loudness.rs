//! Loudness normalisation of a mixed output (EBU R128), unless the request turns it off.
//!
//! Target: integrated loudness [`TARGET_LUFS`] (-14 LUFS, what the big short-video and streaming
//! platforms normalise to, so a reel is neither turned down nor left quiet there) with the true
//! peak at most [`TRUE_PEAK_LIMIT_DBTP`] (-1 dBTP, EBU R128 / AES TD1004 headroom for lossy
//! encoding). Measurement is the kernels' BS.1770 meter (`reelcut_kernels::loudness`: K-weighting,
//! 400 ms blocks, -70 LUFS absolute and -10 LU relative gates, 4x oversampled true peak, as
//! libebur128 and so ffmpeg's `ebur128`/`loudnorm` filters do); tests/loudness.rs checks it
//! against ffmpeg on the same signal.
//!
//! Method (integrated loudness needs all of the output, so it is measured in passes over the
//! mix, see [`super::sound_passes`]; [`plan`] says what to measure next):
//! 1. measure integrated loudness `I` and true peak;
//! 2. gain by `target - I` (which moves both by exactly that: not measured again);
//! 3. where the gained signal would peak above the limit, a look-ahead peak limiter
//!    ([`Limiter`]) lowers the gain smoothly (2 ms look-ahead and attack, 80 ms release), so quiet
//!    material can reach the target without clipping; the true peak is re-measured and the limit
//!    tightened by the overshoot (inter-sample peaks) until it holds;
//! 4. limiting takes a little loudness away: gain and limit again until within
//!    [`TOLERANCE_LU`] (at most [`MAX_PASSES`] passes).
//!
//! Silence (nothing above the absolute gate) is left as it is.

use serde::{Deserialize, Serialize};

use crate::ApiError;
use reelcut_kernels::loudness::LoudnessMeter;

/// Integrated loudness outputs are normalised to.
pub const TARGET_LUFS: f64 = -14.0;
/// Highest true peak of a normalised output.
pub const TRUE_PEAK_LIMIT_DBTP: f64 = -1.0;
/// How close to the target the integrated loudness must land.
pub const TOLERANCE_LU: f64 = 0.1;
/// Gain-and-limit passes before giving up on the tolerance (each is one measurement).
pub const MAX_PASSES: usize = 4;

const LOOKAHEAD_S: f64 = 0.002;
const RELEASE_S: f64 = 0.080;

/// What outputs are normalised to.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoudnessTarget {
    pub integrated_lufs: f64,
    pub true_peak_dbtp: f64,
}

impl Default for LoudnessTarget {
    fn default() -> Self {
        Self {
            integrated_lufs: TARGET_LUFS,
            true_peak_dbtp: TRUE_PEAK_LIMIT_DBTP,
        }
    }
}

/// Loudness of an output before and after normalisation, as the output record shows it.
/// `None` = silence (below the -70 LUFS gate / no signal at all).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct LoudnessReport {
    /// The target, LUFS.
    pub target: f64,
    /// Integrated loudness of the mix before normalisation, LUFS.
    pub integrated_before: Option<f64>,
    /// True peak of the mix before normalisation, dBTP.
    pub true_peak_before: Option<f64>,
    /// Integrated loudness of the output, LUFS.
    pub integrated_after: Option<f64>,
    /// True peak of the output, dBTP.
    pub true_peak_after: Option<f64>,
    /// Gain applied before limiting, dB.
    pub gain_db: f64,
}

/// Integrated loudness (LUFS) and true peak (dBTP), `None` for silence.
pub type Measurement = (Option<f64>, Option<f64>);

/// A streaming EBU R128 meter: integrated loudness and true peak of everything added.
pub struct Meter {
    inner: LoudnessMeter,
    channels: u32,
}

impl std::fmt::Debug for Meter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meter")
            .field("channels", &self.channels)
            .finish()
    }
}

impl Meter {
    pub fn new(channels: u32, rate: u32) -> Result<Self, ApiError> {
        if channels == 0 || rate == 0 {
            return Err(ApiError::internal(format!(
                "loudness measurement of {channels} channels at {rate} Hz"
            )));
        }
        let inner = LoudnessMeter::new(channels as usize, rate, true, 0, true);
        Ok(Self { inner, channels })
    }

    /// Interleaved `channels`-channel frames, in order.
    pub fn add(&mut self, samples: &[f32]) {
        self.inner.add(samples);
    }

    pub fn result(&self) -> Measurement {
        let peak = self.inner.peak();
        let db = |x: f64| (x > 0.0).then(|| 20.0 * x.log10());
        (self.inner.integrated_lufs(), db(peak))
    }
}

/// Integrated loudness (LUFS) and true peak (dBTP) of interleaved `channels`-channel audio;
/// `None` for silence.
pub fn measure(samples: &[f32], channels: u32, rate: u32) -> Result<Measurement, ApiError> {
    let mut m = Meter::new(channels, rate)?;
    m.add(samples);
    Ok(m.result())
}

fn round2(x: Option<f64>) -> Option<f64> {
    x.map(|v| (v * 100.0).round() / 100.0)
}

/// One step of the normalisation, applied in order to the mixed output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// Gain by this many dB.
    Gain(f64),
    /// The look-ahead limiter ([`Limiter`]) at this ceiling, dBFS.
    Limit(f64),
}

/// Where the normalisation stands given the measurements made so far (see [`plan`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Measure the output of these stages next (a measuring pass).
    Measure(Vec<Stage>),
    /// Normalised by these stages.
    Done(Vec<Stage>, LoudnessReport),
}

/// The normalisation of the module docs as a sequence of stages, replayed from the measurements
/// made so far: `got[0]` is the mix itself, each further one the output of the stages the
/// previous [`Plan::Measure`] asked for. A gain alone is not measured: it moves the integrated
/// loudness and the true peak by exactly its dB (both scale with the signal), so a mix the
/// limiter leaves alone needs a single measuring pass; each limiting costs one more.
pub fn plan(target: LoudnessTarget, got: &[Measurement]) -> Plan {
    let mut got = got.iter().copied();
    let mut stages = Vec::new();
    let Some((i0, tp0)) = got.next() else {
        return Plan::Measure(stages);
    };
    let mut report = LoudnessReport {
        target: target.integrated_lufs,
        integrated_before: round2(i0),
        true_peak_before: round2(tp0),
        integrated_after: round2(i0),
        true_peak_after: round2(tp0),
        gain_db: 0.0,
    };
    let Some(mut loudness) = i0 else {
        return Plan::Done(stages, report);
    };
    let mut peak = tp0;
    let mut ceiling_db = target.true_peak_dbtp;
    let mut total_gain_db = 0.0;
    for _ in 0..MAX_PASSES {
        let gain_db = target.integrated_lufs - loudness;
        if gain_db.abs() <= TOLERANCE_LU && total_gain_db != 0.0 {
            break;
        }
        total_gain_db += gain_db;
        stages.push(Stage::Gain(gain_db));
        let (mut i, mut tp) = (Some(loudness + gain_db), peak.map(|p| p + gain_db));
        // Inter-sample peaks can overshoot a sample-peak ceiling: tighten it by the overshoot.
        for _ in 0..MAX_PASSES {
            match tp {
                Some(p) if p > target.true_peak_dbtp => {
                    ceiling_db -= p - target.true_peak_dbtp + 0.05;
                    stages.push(Stage::Limit(ceiling_db));
                    let Some(m) = got.next() else {
                        return Plan::Measure(stages);
                    };
                    (i, tp) = m;
                }
                _ => break,
            }
        }
        report.integrated_after = round2(i);
        report.true_peak_after = round2(tp);
        peak = tp;
        match i {
            Some(v) => loudness = v,
            None => break,
        }
    }
    report.gain_db = (total_gain_db * 100.0).round() / 100.0;
    Plan::Done(stages, report)
}

/// The stages of a [`Plan`] running over a stream of interleaved frames; the limiters delay it by
/// their look-ahead, [`Chain::finish`] gives the rest.
#[derive(Debug)]
pub struct Chain {
    stages: Vec<Step>,
}

#[derive(Debug)]
enum Step {
    Gain(f32),
    Limit(Box<Limiter>),
}

impl Chain {
    pub fn new(stages: &[Stage], channels: usize, rate: u32) -> Self {
        let stages = stages
            .iter()
            .map(|s| match *s {
                Stage::Gain(db) => Step::Gain(10f32.powf(db as f32 / 20.0)),
                Stage::Limit(c) => Step::Limit(Box::new(Limiter::new(channels, rate, c))),
            })
            .collect();
        Self { stages }
    }

    /// Runs `block` through the stages; returns what comes out now.
    pub fn push(&mut self, mut block: Vec<f32>) -> Vec<f32> {
        for s in &mut self.stages {
            match s {
                Step::Gain(g) => block.iter_mut().for_each(|x| *x *= *g),
                Step::Limit(l) => block = l.push(&block),
            }
        }
        block
    }

    /// The end of the stream: what the limiters still hold, through the later stages.
    pub fn finish(&mut self) -> Vec<f32> {
        let mut block = Vec::new();
        for s in &mut self.stages {
            match s {
                Step::Gain(g) => block.iter_mut().for_each(|x| *x *= *g),
                Step::Limit(l) => {
                    let mut out = l.push(&block);
                    out.extend(l.finish());
                    block = out;
                }
            }
        }
        block
    }
}

/// Normalises interleaved `samples` in place to `target`; see the module docs. (Measures and runs
/// the stages over the slice; the renderer does the same over streaming passes.)
pub fn normalise(
    samples: &mut [f32],
    channels: u32,
    rate: u32,
    target: LoudnessTarget,
) -> Result<LoudnessReport, ApiError> {
    let original = samples.to_vec();
    let mut got = Vec::new();
    loop {
        match plan(target, &got) {
            Plan::Measure(stages) => {
                let out = run(&original, &stages, channels, rate);
                got.push(measure(&out, channels, rate)?);
            }
            Plan::Done(stages, report) => {
                samples.copy_from_slice(&run(&original, &stages, channels, rate));
                return Ok(report);
            }
        }
    }
}

fn run(x: &[f32], stages: &[Stage], channels: u32, rate: u32) -> Vec<f32> {
    let mut chain = Chain::new(stages, channels as usize, rate);
    let mut out = chain.push(x.to_vec());
    out.extend(chain.finish());
    out
}

/// Look-ahead peak limiter, streaming: afterwards no sample of any channel exceeds `ceiling_db`
/// dBFS, with the gain reduction spread smoothly around each peak. Stereo-linked (one gain for
/// all channels). Holds `2 L` frames (the look-ahead `L` twice) and small windows of gains.
///
/// The gain keeps at or below what every sample needs, in three steps: the needed gain
/// `r[n] = min(1, ceiling / peak[n])`; its minimum over `n ± L` (the look-ahead); the mean of
/// that over `n ± L` (every term of the mean is a minimum over a window that contains `n`, so the
/// mean is <= `r[n]`); then a release that lets the gain rise only by a one-pole step per sample.
#[derive(Debug)]
pub struct Limiter {
    channels: usize,
    ceiling: f32,
    half: usize,
    release: f32,
    /// Frames waiting for their gain, interleaved.
    delay: std::collections::VecDeque<f32>,
    /// Needed gains `r[j]` still inside a minimum window, by index (a monotonic queue).
    needed: std::collections::VecDeque<(usize, f32)>,
    /// Frames pushed (`r` values known).
    pushed: usize,
    /// Minima `m[c]` from `m_base`, kept while a mean window needs them.
    minima: std::collections::VecDeque<f32>,
    m_base: usize,
    /// Minima computed so far.
    m_count: usize,
    /// Running sum of the mean window (f64: its rounding stays far below f32 over any length).
    sum: f64,
    /// Frames given out.
    out: usize,
    gain: f32,
}

impl Limiter {
    pub fn new(channels: usize, rate: u32, ceiling_db: f64) -> Self {
        Self {
            channels: channels.max(1),
            ceiling: 10f32.powf(ceiling_db as f32 / 20.0),
            half: ((LOOKAHEAD_S * rate as f64).round() as usize).max(1),
            release: 1.0 - (-1.0 / (RELEASE_S * rate as f64)).exp() as f32,
            delay: Default::default(),
            needed: Default::default(),
            pushed: 0,
            minima: Default::default(),
            m_base: 0,
            m_count: 0,
            sum: 0.0,
            out: 0,
            gain: 1.0,
        }
    }

    /// Frames in, frames out (delayed by `2 L`).
    pub fn push(&mut self, block: &[f32]) -> Vec<f32> {
        for frame in block.chunks_exact(self.channels) {
            let peak = frame.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            let r = if peak > self.ceiling {
                self.ceiling / peak
            } else {
                1.0
            };
            self.delay.extend(frame);
            let j = self.pushed;
            while self.needed.back().is_some_and(|&(_, v)| v >= r) {
                self.needed.pop_back();
            }
            self.needed.push_back((j, r));
            self.pushed += 1;
            if j >= self.half {
                self.minimum(j - self.half);
            }
        }
        self.emit(None)
    }

    /// The end: every frame still held.
    pub fn finish(&mut self) -> Vec<f32> {
        for c in self.m_count..self.pushed {
            self.minimum(c);
        }
        self.emit(Some(self.pushed))
    }

    /// `m[centre]`, the minimum of `r` over `centre ± L` inside the stream.
    fn minimum(&mut self, centre: usize) {
        while self
            .needed
            .front()
            .is_some_and(|&(f, _)| f + self.half < centre)
        {
            self.needed.pop_front();
        }
        let m = self.needed.front().map_or(1.0, |&(_, v)| v);
        self.minima.push_back(m);
        self.m_count += 1;
    }

    fn m(&self, c: usize) -> f32 {
        self.minima[c - self.m_base]
    }

    /// Gives out every frame whose mean window is complete (`total`: the stream's length, once
    /// known).
    fn emit(&mut self, total: Option<usize>) -> Vec<f32> {
        let mut out = Vec::new();
        let half = self.half;
        loop {
            let n = self.out;
            let known = total.unwrap_or(usize::MAX);
            if n >= self.pushed || (total.is_none() && self.m_count < n + half + 1) {
                break;
            }
            if n == 0 {
                // The window at frame 0 holds `m[0 .. L)` before `m[L]` is added below.
                self.sum = (0..half.min(known)).map(|c| f64::from(self.m(c))).sum();
            }
            if n + half < known {
                self.sum += f64::from(self.m(n + half));
            }
            if n > half {
                self.sum -= f64::from(self.m(n - half - 1));
            }
            let (a, b) = (n.saturating_sub(half), (n + half + 1).min(known));
            let smooth = (self.sum / (b - a) as f64) as f32;
            self.gain = smooth.min(self.gain + (1.0 - self.gain) * self.release);
            for _ in 0..self.channels {
                let s = self.delay.pop_front().unwrap_or(0.0);
                out.push(s * self.gain);
            }
            self.out += 1;
            // `m[n - L - 1]` has left the window for good.
            while self.m_base + 1 + half < self.out && !self.minima.is_empty() {
                self.minima.pop_front();
                self.m_base += 1;
            }
        }
        out
    }
}

/// [`Limiter`] over a whole slice in place.
pub fn limit(samples: &mut [f32], channels: usize, rate: u32, ceiling_db: f64) {
    if channels == 0 {
        return;
    }
    let mut l = Limiter::new(channels, rate, ceiling_db);
    let mut out = l.push(samples);
    out.extend(l.finish());
    samples.copy_from_slice(&out[..samples.len()]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_streams_the_same_in_any_blocks() {
        let x: Vec<f32> = (0..9000)
            .map(|i| ((i as f32) * 0.05).sin() * if i % 700 < 40 { 1.8 } else { 0.4 })
            .collect();
        let mut whole = x.clone();
        limit(&mut whole, 2, 48_000, -1.0);
        for block in [1, 7, 190, 4096] {
            let mut l = Limiter::new(2, 48_000, -1.0);
            let mut out = Vec::new();
            for b in x.chunks(block * 2) {
                out.extend(l.push(b));
            }
            out.extend(l.finish());
            assert_eq!(out, whole, "blocks of {block}");
        }
        // Shorter than the look-ahead.
        let mut short = vec![1.5f32, -1.2, 0.3, 0.1];
        limit(&mut short, 1, 48_000, -1.0);
        assert!(short.iter().all(|s| s.abs() <= 0.9));
    }

    #[test]
    fn the_limiter_holds_its_ceiling() {
        let mut x: Vec<f32> = (0..4800).map(|i| ((i as f32) * 0.1).sin() * 0.3).collect();
        x[2000] = 1.5;
        x[2001] = -1.2;
        limit(&mut x, 1, 48_000, -1.0);
        let ceiling = 10f32.powf(-1.0 / 20.0);
        assert!(x.iter().all(|s| s.abs() <= ceiling + 1e-6));
        // Far from the peak, untouched.
        assert!((x[100] - (10.0f32).sin() * 0.3).abs() < 1e-6);
    }
}
