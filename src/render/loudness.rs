//! Loudness normalisation of a mixed output (EBU R128), unless the request turns it off.
//!
//! Target: integrated loudness [`TARGET_LUFS`] (-14 LUFS, what the big short-video and streaming
//! platforms normalise to, so a reel is neither turned down nor left quiet there) with the true
//! peak at most [`TRUE_PEAK_LIMIT_DBTP`] (-1 dBTP, EBU R128 / AES TD1004 headroom for lossy
//! encoding). Measurement is the `ebur128` crate (a pure-Rust port of libebur128, the library
//! behind ffmpeg's `ebur128`/`loudnorm` filters: K-weighting, 400 ms blocks, -70 LUFS absolute and
//! -10 LU relative gates, 4x oversampled true peak); tests/loudness.rs checks it against ffmpeg on
//! the same signal.
//!
//! Method, on the whole mixed output (integrated loudness needs all of it):
//! 1. measure integrated loudness `I` and true peak;
//! 2. gain by `target - I`;
//! 3. where the gained signal would peak above the limit, a look-ahead peak limiter
//!    ([`limit`]) lowers the gain smoothly (2 ms look-ahead and attack, 80 ms release), so quiet
//!    material can reach the target without clipping; the true peak is re-measured and the limit
//!    tightened by the overshoot (inter-sample peaks) until it holds;
//! 4. limiting takes a little loudness away: gain and limit again until within
//!    [`TOLERANCE_LU`] (at most [`MAX_PASSES`] passes).
//!
//! Silence (nothing above the absolute gate) is left as it is.

use serde::{Deserialize, Serialize};

use crate::ApiError;

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

/// Integrated loudness (LUFS) and true peak (dBTP) of interleaved `channels`-channel audio;
/// `None` for silence.
pub fn measure(
    samples: &[f32],
    channels: u32,
    rate: u32,
) -> Result<(Option<f64>, Option<f64>), ApiError> {
    use ebur128::{EbuR128, Mode};
    let err = |e: ebur128::Error| ApiError::internal(format!("loudness measurement: {e:?}"));
    let mut m = EbuR128::new(channels, rate, Mode::I | Mode::TRUE_PEAK).map_err(err)?;
    m.add_frames_f32(samples).map_err(err)?;
    let integrated = m.loudness_global().map_err(err)?;
    let mut peak = 0.0f64;
    for c in 0..channels {
        peak = peak.max(m.true_peak(c).map_err(err)?);
    }
    let db = |x: f64| (x > 0.0).then(|| 20.0 * x.log10());
    Ok((integrated.is_finite().then_some(integrated), db(peak)))
}

fn round2(x: Option<f64>) -> Option<f64> {
    x.map(|v| (v * 100.0).round() / 100.0)
}

/// Normalises interleaved `samples` in place to `target`; see the module docs.
pub fn normalise(
    samples: &mut [f32],
    channels: u32,
    rate: u32,
    target: LoudnessTarget,
) -> Result<LoudnessReport, ApiError> {
    let (i0, tp0) = measure(samples, channels, rate)?;
    let mut report = LoudnessReport {
        target: target.integrated_lufs,
        integrated_before: round2(i0),
        true_peak_before: round2(tp0),
        integrated_after: round2(i0),
        true_peak_after: round2(tp0),
        gain_db: 0.0,
    };
    let Some(mut loudness) = i0 else {
        return Ok(report);
    };
    let mut ceiling_db = target.true_peak_dbtp;
    let mut total_gain_db = 0.0;
    for _ in 0..MAX_PASSES {
        let gain_db = target.integrated_lufs - loudness;
        if gain_db.abs() <= TOLERANCE_LU && total_gain_db != 0.0 {
            break;
        }
        total_gain_db += gain_db;
        let g = 10f32.powf(gain_db as f32 / 20.0);
        samples.iter_mut().for_each(|s| *s *= g);
        let (mut i, mut tp) = measure(samples, channels, rate)?;
        // Inter-sample peaks can overshoot a sample-peak ceiling: tighten it by the overshoot.
        for _ in 0..MAX_PASSES {
            match tp {
                Some(p) if p > target.true_peak_dbtp => {
                    ceiling_db -= p - target.true_peak_dbtp + 0.05;
                    limit(samples, channels as usize, rate, ceiling_db);
                    (i, tp) = measure(samples, channels, rate)?;
                }
                _ => break,
            }
        }
        report.integrated_after = round2(i);
        report.true_peak_after = round2(tp);
        match i {
            Some(v) => loudness = v,
            None => break,
        }
    }
    report.gain_db = (total_gain_db * 100.0).round() / 100.0;
    Ok(report)
}

/// Look-ahead peak limiter: afterwards no sample of any channel exceeds `ceiling_db` dBFS, with
/// the gain reduction spread smoothly around each peak. Stereo-linked (one gain for all channels).
///
/// The gain is computed offline in three steps, each keeping it at or below what every sample
/// needs: the needed gain `r[n] = min(1, ceiling / peak[n])`; its minimum over `n ± L` (the
/// look-ahead); the mean of that over `n ± L` (every term of the mean is a minimum over a window
/// that contains `n`, so the mean is <= `r[n]`); then a release that lets the gain rise only by
/// a one-pole step per sample.
pub fn limit(samples: &mut [f32], channels: usize, rate: u32, ceiling_db: f64) {
    if channels == 0 {
        return;
    }
    let ceiling = 10f32.powf(ceiling_db as f32 / 20.0);
    let frames = samples.len() / channels;
    let needed = |n: usize| {
        let peak = samples[n * channels..(n + 1) * channels]
            .iter()
            .fold(0.0f32, |m, s| m.max(s.abs()));
        if peak > ceiling {
            ceiling / peak
        } else {
            1.0
        }
    };
    if (0..frames).all(|n| needed(n) >= 1.0) {
        return;
    }
    let half = ((LOOKAHEAD_S * rate as f64).round() as usize).max(1);
    let minimum = moving_min((0..frames).map(needed).collect(), half);
    let smooth = moving_mean(&minimum, half);
    let release = 1.0 - (-1.0 / (RELEASE_S * rate as f64)).exp() as f32;
    let mut g = 1.0f32;
    for (n, frame) in samples.chunks_exact_mut(channels).enumerate() {
        g = smooth[n].min(g + (1.0 - g) * release);
        frame.iter_mut().for_each(|s| *s *= g);
    }
}

/// `out[n] = min(x[n - half ..= n + half])` (clamped at the ends), with a monotonic queue.
fn moving_min(x: Vec<f32>, half: usize) -> Vec<f32> {
    let n = x.len();
    let mut out = vec![1.0f32; n];
    let mut queue = std::collections::VecDeque::<usize>::new();
    for j in 0..n + half {
        if j < n {
            while queue.back().is_some_and(|&b| x[b] >= x[j]) {
                queue.pop_back();
            }
            queue.push_back(j);
        }
        if j >= half {
            let centre = j - half;
            while queue.front().is_some_and(|&f| f + half < centre) {
                queue.pop_front();
            }
            if let Some(&f) = queue.front() {
                out[centre] = x[f];
            }
        }
    }
    out
}

/// `out[n] = mean(x[n - half ..= n + half])` over the part inside `x`, by a running sum (f64: its
/// rounding stays far below f32 over any output length), so nothing beside the output is the
/// length of the reel.
fn moving_mean(x: &[f32], half: usize) -> Vec<f32> {
    let mut sum: f64 = x.iter().take(half).map(|&v| f64::from(v)).sum();
    (0..x.len())
        .map(|n| {
            if let Some(&v) = x.get(n + half) {
                sum += f64::from(v);
            }
            if n > half {
                sum -= f64::from(x[n - half - 1]);
            }
            let (a, b) = (n.saturating_sub(half), (n + half + 1).min(x.len()));
            (sum / (b - a) as f64) as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        let x = vec![1.0, 1.0, 0.2, 1.0, 1.0, 1.0, 0.5];
        assert_eq!(
            moving_min(x.clone(), 1),
            vec![1.0, 0.2, 0.2, 0.2, 1.0, 0.5, 0.5]
        );
        let m = moving_mean(&[1.0, 2.0, 3.0], 1);
        assert_eq!(m, vec![1.5, 2.0, 2.5]);
        // The running sum against each window summed afresh, windows wider than the input too.
        let x: Vec<f32> = (0..50).map(|i| ((i * 37 % 11) as f32) * 0.1).collect();
        for half in [1, 3, 7, 60] {
            for (n, got) in moving_mean(&x, half).into_iter().enumerate() {
                let w = &x[n.saturating_sub(half)..(n + half + 1).min(x.len())];
                let want = w.iter().sum::<f32>() / w.len() as f32;
                assert!(
                    (got - want).abs() < 1e-5,
                    "half {half}, n {n}: {got} vs {want}"
                );
            }
        }
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
