//! Background music under a reel: the track looped seamlessly, faded in and out at the reel's
//! ends, and ducked under dialogue.
//!
//! - Loop: a track shorter than the reel repeats with an equal-power crossfade of
//!   [`LOOP_CROSSFADE_S`] (at most a quarter of the track) at each seam: the track's last
//!   seconds fade out while its beginning fades in, so the level and the beat carry on.
//! - Ends: [`FADE_IN_S`] in at the start, [`FADE_OUT_S`] out at the end (each at most half the
//!   reel), so the reel opens and closes without a jump.
//! - Ducking: where the dialogue (the mix of the clips' own audio) has speech, per the analysis'
//!   voice-activity detection ([`crate::analysis::audio::AudioAnalyzer`], run on the dialogue mix
//!   itself so it holds for Compose and Concat alike), the music drops by [`DUCK_DB`]. The drop
//!   starts [`DUCK_LEAD_S`] before the speech (the mixer has the whole reel, so it can look ahead),
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
        let crossfade = ((LOOP_CROSSFADE_S * rate as f64) as usize).min(track.len() / 4);
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
        // Seam: this repetition's head fades in over the previous one's tail.
        let t = (k as f64 + 0.5) / x as f64;
        let (head, tail) = (self.track[k], self.track[p + k]);
        let (gi, go) = (equal_power(t), equal_power(1.0 - t));
        [head[0] * gi + tail[0] * go, head[1] * gi + tail[1] * go]
    }
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
        let mono: Vec<f32> = mix.iter().map(|f| 0.5 * (f[0] + f[1])).collect();
        let mut resampler = Resampler::new(rate, ANALYSIS_RATE);
        let mut low = Vec::with_capacity(mono.len() / 2);
        resampler.process(&mono, &mut low);
        resampler.flush(&mut low);
        let mut analyzer = AudioAnalyzer::new(0.0);
        analyzer.push(&low);
        let f = analyzer.finish();
        Self {
            t0: f.t0,
            hop_s: f.hop_s,
            flags: f.speech,
        }
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

/// The ducking gain per output frame (`total` frames at `rate`) for speech in `spans`.
pub fn duck_envelope(spans: &[(f64, f64)], total: usize, rate: u32) -> Vec<f32> {
    let r = rate as f64;
    // Target: ducked wherever speech is within [t - hold, t + lead].
    let mut ducked = vec![false; total];
    for &(a, b) in spans {
        let from = (((a - DUCK_LEAD_S) * r).max(0.0) as usize).min(total);
        let to = (((b + DUCK_HOLD_S) * r).max(0.0) as usize).min(total);
        ducked[from..to].iter_mut().for_each(|d| *d = true);
    }
    let low = 10f32.powf(DUCK_DB / 20.0);
    let attack = 1.0 - (-1.0 / (DUCK_ATTACK_S * r)).exp() as f32;
    let release = 1.0 - (-1.0 / (DUCK_RELEASE_S * r)).exp() as f32;
    let mut g = 1.0f32;
    ducked
        .into_iter()
        .map(|d| {
            let (target, k) = if d { (low, attack) } else { (1.0, release) };
            g += (target - g) * k;
            g
        })
        .collect()
}

/// Adds the music bed (`track` at the mix's rate, stereo) under `mix`, at `volume`, looped,
/// faded at the ends and ducked under the speech of `mix` itself.
pub fn add_music(mix: &mut [[f32; 2]], track: &[[f32; 2]], volume: f32, rate: u32) {
    if track.is_empty() || volume <= 0.0 || !volume.is_finite() {
        return;
    }
    let speech = Speech::detect(mix, rate);
    let duck = duck_envelope(&speech.spans(), mix.len(), rate);
    let bed = Loop::new(track, rate);
    let total = mix.len();
    for (n, (out, d)) in mix.iter_mut().zip(duck).enumerate() {
        let g = volume * d * edge_gain(n, total, rate);
        let m = bed.at(n);
        out[0] += m[0] * g;
        out[1] += m[1] * g;
    }
}
