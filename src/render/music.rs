//! Background music under a reel: the track looped seamlessly, faded in and out at the reel's
//! ends, and ducked under dialogue.
//!
//! - Loop: a track shorter than the reel repeats with an equal-power crossfade of
//!   [`LOOP_CROSSFADE_S`] (at most a quarter of the track) at each seam: the track's last
//!   seconds fade out while its beginning fades in, so the level and the beat carry on. Streamed
//!   by [`super::music_stream`], which decodes the track again for each repetition.
//! - Ends: [`FADE_IN_S`] in at the start, [`FADE_OUT_S`] out at the end (each at most half the
//!   reel), so the reel opens and closes without a jump.
//! - Ducking: where the dialogue (the mix of the clips' own audio) has speech, per the analysis'
//!   voice-activity detection ([`crate::analysis::audio::AudioAnalyzer`], run on the dialogue mix
//!   itself so it holds for Compose and Concat alike), the music drops by [`DUCK_DB`]. The drop
//!   starts [`DUCK_LEAD_S`] before the speech (a first pass over the reel finds its speech, so the
//!   music can look ahead),
//!   holds [`DUCK_HOLD_S`] after it so the music does not pump between words, and moves with
//!   one-pole attack / release time constants ([`DUCK_ATTACK_S`], [`DUCK_RELEASE_S`]): smooth, and
//!   back to full level in a pause of about a second.
//! - Level: `volume` (`Volume` 0..10, 1 = the track's own level, 0.2 by default) times all of the
//!   above.

use crate::analysis::audio::AudioAnalyzer;
use crate::analysis::resample::{Resampler, ANALYSIS_RATE};

/// Seam crossfade of a looping track (shortened to a quarter of a short track).
pub const LOOP_CROSSFADE_S: f64 = 1.0;
/// Fade-in at the start of the reel.
pub const FADE_IN_S: f64 = 1.0;
/// Fade-out at the end of the reel.
pub const FADE_OUT_S: f64 = 2.0;
/// Music gain under speech.
pub const DUCK_DB: f32 = -12.0;
/// The duck starts this long before speech.
pub const DUCK_LEAD_S: f64 = 0.15;
/// ...and is held this long after it.
pub const DUCK_HOLD_S: f64 = 0.3;
/// Time constant of the gain going down.
pub const DUCK_ATTACK_S: f64 = 0.05;
/// Time constant of the gain coming back.
pub const DUCK_RELEASE_S: f64 = 0.25;

fn equal_power(x: f64) -> f32 {
    (x.clamp(0.0, 1.0) * std::f64::consts::FRAC_PI_2).sin() as f32
}

/// The track looped to any length: frame `n` of the endless music.
#[derive(Debug)]
pub struct Loop<'a> {
    track: &'a [[f32; 2]],
    crossfade: usize,
}

impl<'a> Loop<'a> {
    pub fn new(track: &'a [[f32; 2]], rate: u32) -> Self {
        let crossfade = loop_crossfade(track.len(), rate);
        Self { track, crossfade }
    }

    /// Frames between the starts of two repetitions.
    pub fn period(&self) -> usize {
        self.track.len() - self.crossfade
    }

    pub fn at(&self, n: usize) -> [f32; 2] {
        let m = self.track.len();
        if m == 0 {
            return [0.0; 2];
        }
        let (x, p) = (self.crossfade, self.period());
        let (rep, k) = (n / p, n % p);
        if rep == 0 || k >= x {
            return self.track[k];
        }
        seam(self.track[k], self.track[p + k], k, x)
    }
}

/// Crossfade length of a looping track of `len` frames at `rate`.
pub fn loop_crossfade(len: usize, rate: u32) -> usize {
    ((LOOP_CROSSFADE_S * rate as f64) as usize).min(len / 4)
}

/// Frame `k` of a seam `x` frames long: the next repetition's head fades in over the previous
/// one's tail.
pub fn seam(head: [f32; 2], tail: [f32; 2], k: usize, x: usize) -> [f32; 2] {
    let t = (k as f64 + 0.5) / x as f64;
    let (gi, go) = (equal_power(t), equal_power(1.0 - t));
    [head[0] * gi + tail[0] * go, head[1] * gi + tail[1] * go]
}

/// Gain of the reel-edge fades at frame `n` of `total`.
pub fn edge_gain(n: usize, total: usize, rate: u32) -> f32 {
    let fade = |s: f64| ((s * rate as f64) as usize).min(total / 2).max(1);
    let (fi, fo) = (fade(FADE_IN_S), fade(FADE_OUT_S));
    let mut g = 1.0;
    if n < fi {
        g *= equal_power((n as f64 + 0.5) / fi as f64);
    }
    let left = total.saturating_sub(n);
    if left <= fo {
        g *= equal_power((left as f64 - 0.5) / fo as f64);
    }
    g
}

/// Speech flags of a stereo mix at `rate`, from the analysis' voice-activity detection: one flag
/// per analysis hop (`hop_s` seconds, first hop centred at `t0`).
pub struct Speech {
    pub t0: f64,
    pub hop_s: f64,
    pub flags: Vec<bool>,
}

impl Speech {
    pub fn detect(mix: &[[f32; 2]], rate: u32) -> Self {
        let mut d = SpeechDetector::new(rate);
        d.push(mix);
        d.finish()
    }

    /// Spans `[start, end)` of speech, in seconds.
    pub fn spans(&self) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, &s) in self.flags.iter().chain([false].iter()).enumerate() {
            let t = self.t0 + (i as f64 - 0.5) * self.hop_s;
            match (s, start) {
                (true, None) => start = Some(t.max(0.0)),
                (false, Some(a)) => {
                    out.push((a, t));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }
}

/// [`Speech::detect`] over a stream of blocks: the mix is resampled to the analysis rate as it
/// comes; only the analysis' features (per 10 ms hop, not the audio) are kept until the end,
/// whose whole-stream statistics (the noise floor) decide what is speech.
pub struct SpeechDetector {
    resampler: Resampler,
    analyzer: AudioAnalyzer,
    mono: Vec<f32>,
    low: Vec<f32>,
}

impl SpeechDetector {
    pub fn new(rate: u32) -> Self {
        Self {
            resampler: Resampler::new(rate, ANALYSIS_RATE),
            analyzer: AudioAnalyzer::new(0.0),
            mono: Vec::new(),
            low: Vec::new(),
        }
    }

    pub fn push(&mut self, mix: &[[f32; 2]]) {
        self.mono.clear();
        self.mono.extend(mix.iter().map(|f| 0.5 * (f[0] + f[1])));
        self.low.clear();
        self.resampler.process(&self.mono, &mut self.low);
        self.analyzer.push(&self.low);
    }

    pub fn finish(mut self) -> Speech {
        self.low.clear();
        self.resampler.flush(&mut self.low);
        self.analyzer.push(&self.low);
        let f = self.analyzer.finish();
        Speech {
            t0: f.t0,
            hop_s: f.hop_s,
            flags: f.speech,
        }
    }
}

/// The ducking gain, frame by frame from the reel's start, for speech in `spans` (in time order):
/// ducked wherever speech is within `[t - hold, t + lead]`, reached through the one-pole attack
/// and release.
#[derive(Debug, Clone)]
pub struct Ducker {
    /// Ducked frame ranges `[from, to)`, in order.
    ranges: Vec<(usize, usize)>,
    next: usize,
    n: usize,
    low: f32,
    attack: f32,
    release: f32,
    gain: f32,
}

impl Ducker {
    pub fn new(spans: &[(f64, f64)], total: usize, rate: u32) -> Self {
        let r = rate as f64;
        let ranges = spans
            .iter()
            .map(|&(a, b)| {
                let from = (((a - DUCK_LEAD_S) * r).max(0.0) as usize).min(total);
                let to = (((b + DUCK_HOLD_S) * r).max(0.0) as usize).min(total);
                (from, to)
            })
            .collect();
        Self {
            ranges,
            next: 0,
            n: 0,
            low: 10f32.powf(DUCK_DB / 20.0),
            attack: 1.0 - (-1.0 / (DUCK_ATTACK_S * r)).exp() as f32,
            release: 1.0 - (-1.0 / (DUCK_RELEASE_S * r)).exp() as f32,
            gain: 1.0,
        }
    }

    /// The gain at the next frame.
    pub fn next_gain(&mut self) -> f32 {
        let n = self.n;
        while self.ranges.get(self.next).is_some_and(|&(_, to)| to <= n) {
            self.next += 1;
        }
        let ducked = self.ranges[self.next..]
            .iter()
            .take_while(|&&(from, _)| from <= n)
            .any(|&(_, to)| n < to);
        let (target, k) = if ducked {
            (self.low, self.attack)
        } else {
            (1.0, self.release)
        };
        self.gain += (target - self.gain) * k;
        self.n += 1;
        self.gain
    }
}

/// The ducking gain per output frame (`total` frames at `rate`) for speech in `spans`.
pub fn duck_envelope(spans: &[(f64, f64)], total: usize, rate: u32) -> Vec<f32> {
    let mut d = Ducker::new(spans, total, rate);
    (0..total).map(|_| d.next_gain()).collect()
}
