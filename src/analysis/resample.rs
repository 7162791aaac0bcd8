//! Decoded audio in, mono 16 kHz out: downmix, band-limited resampling and timestamp repair.
//!
//! `AudioDecoder` output arrives in packets with their own timestamps, channel counts and sample rates.
//! [`AudioStream`] turns that into one continuous mono stream at [`ANALYSIS_RATE`] whose sample `n` is at
//! source time `t0 + n / ANALYSIS_RATE`: small gaps are filled with silence, overlaps are dropped, and
//! large jumps or a rate change restart the resampler at the right output position.

use crate::dsp::bessel_i0;
use reelcut_kernels::samples;

/// Sample rate of the analysis stream (speech band; keeps the FFT and pitch search cheap).
pub const ANALYSIS_RATE: u32 = 16_000;
/// Zero crossings of the sinc on each side of the kernel (filter quality vs cost).
const ZERO_CROSSINGS: f64 = 16.0;
/// Fractional positions tabulated in the polyphase table (linear interpolation between them).
const PHASES: usize = 256;
/// Kaiser window shape (about 80 dB stopband).
const KAISER_BETA: f64 = 9.0;
/// Timestamp mismatch (seconds) below which packets are treated as contiguous.
const JITTER_S: f64 = 0.002;
/// Gaps up to this long are filled with silence through the filter; longer ones restart it.
const MAX_FILL_S: f64 = 0.5;

/// Downmixes planar channels to mono, appending to `out`.
///
/// Uses the Web Audio / ITU-R BS.775 "speakers" coefficients for the channel orders WebCodecs
/// delivers: stereo `0.5 (L + R)`; quad `0.25 (L + R + SL + SR)`; 5.1 (L R C LFE SL SR)
/// `0.7071 (L + R) + C + 0.5 (SL + SR)` with the LFE dropped; 7.1 (L R C LFE SL SR BL BR) the same plus
/// `0.5 (BL + BR)`; other counts are averaged. Non-finite samples count as silence. Planes of unequal
/// length are cut to the shortest.
pub fn downmix(planes: &[&[f32]], out: &mut Vec<f32>) {
    let len = planes.iter().map(|p| p.len()).min().unwrap_or(0);
    if planes.is_empty() || len == 0 {
        return;
    }
    const H: f32 = std::f32::consts::FRAC_1_SQRT_2;
    let coeffs: Vec<f32> = match planes.len() {
        1 => vec![1.0],
        2 => vec![0.5, 0.5],
        4 => vec![0.25; 4],
        6 => vec![H, H, 1.0, 0.0, 0.5, 0.5],
        8 => vec![H, H, 1.0, 0.0, 0.5, 0.5, 0.5, 0.5],
        n => vec![1.0 / n as f32; n],
    };
    let base = out.len();
    out.resize(base + len, 0.0);
    let dst = &mut out[base..];
    for (p, &c) in planes.iter().zip(&coeffs) {
        if c == 0.0 {
            continue;
        }
        for (d, &s) in dst.iter_mut().zip(&p[..len]) {
            *d += c * s;
        }
    }
    for d in dst.iter_mut() {
        if !d.is_finite() {
            *d = 0.0;
        }
    }
}

/// Streaming windowed-sinc (Kaiser) resampler with a polyphase table.
///
/// The low-pass cuts at 87.5% of the lower Nyquist frequency, so resampling 48 kHz to 16 kHz keeps
/// speech up to 7 kHz and removes what would alias.
pub struct Resampler {
    /// Input samples per output sample.
    step: f64,
    /// Kernel half length in input samples.
    half: usize,
    /// `(PHASES + 1)` rows of `2 * half` taps.
    table: Vec<f32>,
    /// Input history; `hist[0]` is input sample `hist_start`.
    hist: Vec<f32>,
    /// Position of the next output in `hist` coordinates.
    pos: f64,
}

impl Resampler {
    /// A resampler from `in_rate` to `out_rate` (both > 0).
    pub fn new(in_rate: u32, out_rate: u32) -> Self {
        let (fi, fo) = (in_rate.max(1) as f64, out_rate.max(1) as f64);
        let cutoff = 0.875 * fi.min(fo) / 2.0;
        let rel = 2.0 * cutoff / fi; // cutoff as a fraction of the input Nyquist
        let half = (ZERO_CROSSINGS / rel).ceil() as usize;
        let taps = 2 * half;
        let mut table = vec![0f32; (PHASES + 1) * taps];
        let i0b = bessel_i0(KAISER_BETA);
        for ph in 0..=PHASES {
            let frac = ph as f64 / PHASES as f64;
            let row = &mut table[ph * taps..(ph + 1) * taps];
            for (m, tap) in row.iter_mut().enumerate() {
                // Tap m multiplies input sample floor(p) - half + 1 + m; x = p - that sample.
                let x = frac + half as f64 - 1.0 - m as f64;
                let u = x / half as f64;
                let win = if u.abs() >= 1.0 {
                    0.0
                } else {
                    bessel_i0(KAISER_BETA * (1.0 - u * u).sqrt()) / i0b
                };
                let a = std::f64::consts::PI * rel * x;
                let sinc = if a.abs() < 1e-9 { 1.0 } else { a.sin() / a };
                *tap = (rel * sinc * win) as f32;
            }
            let sum: f32 = row.iter().sum();
            if sum.abs() > 1e-9 {
                row.iter_mut().for_each(|t| *t /= sum);
            }
        }
        // Start with `half` zeros of history so output 0 lines up with input sample 0.
        Self {
            step: fi / fo,
            half,
            table,
            hist: vec![0.0; half],
            pos: half as f64,
        }
    }

    /// Feeds input samples and appends every output sample that can now be computed.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        self.hist.extend_from_slice(input);
        let taps = 2 * self.half;
        loop {
            let ip = self.pos.floor();
            let base = ip as usize; // pos >= half - 1 always
            if base + self.half >= self.hist.len() {
                break;
            }
            let frac = self.pos - ip;
            let fp = frac * PHASES as f64;
            let ph = (fp.floor() as usize).min(PHASES - 1);
            let a = (fp - ph as f64) as f32;
            let x = &self.hist[base + 1 - self.half..base + 1 + self.half];
            let r0 = &self.table[ph * taps..(ph + 1) * taps];
            if a == 0.0 {
                // On a tabulated phase (every output of an integer ratio such as 48 -> 16 kHz)
                // the interpolation partner has weight 0: half the work.
                out.push(samples::dot(x, r0));
            } else {
                let r1 = &self.table[(ph + 1) * taps..(ph + 2) * taps];
                let (s0, s1) = samples::dot2(x, r0, r1);
                out.push(s0 + a * (s1 - s0));
            }
            self.pos += self.step;
        }
        // Drop history that no future output needs.
        let keep_from = (self.pos.floor() as usize + 1).saturating_sub(self.half);
        if keep_from > 0 {
            self.hist.drain(..keep_from.min(self.hist.len()));
            self.pos -= keep_from as f64;
        }
    }

    /// Feeds enough silence to push the last real input through the filter.
    pub fn flush(&mut self, out: &mut Vec<f32>) {
        let zeros = vec![0f32; self.half + 1];
        self.process(&zeros, out);
    }
}

/// The current run of contiguous input at one sample rate.
struct Segment {
    rate: u32,
    resampler: Resampler,
    /// Source time of the segment's first input sample.
    t0: f64,
    /// Input samples consumed (including silence filled into small gaps).
    inputs: u64,
    /// Output index where the segment's first output goes.
    out0: u64,
}

/// Timestamped, any-rate, any-channel audio in; continuous mono [`ANALYSIS_RATE`] out.
#[derive(Default)]
pub struct AudioStream {
    seg: Option<Segment>,
    /// Source time of output sample 0 (the first packet's timestamp).
    t0: Option<f64>,
    /// Output samples emitted so far.
    emitted: u64,
    mono: Vec<f32>,
    tmp: Vec<f32>,
}

impl AudioStream {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Source time of output sample 0, once audio has arrived.
    pub fn t0(&self) -> Option<f64> {
        self.t0
    }

    /// Adds one decoded packet; appends the new output samples to `out`.
    pub fn push(&mut self, t_s: f64, sample_rate: u32, planes: &[&[f32]], out: &mut Vec<f32>) {
        if !t_s.is_finite() || !(1000..=768_000).contains(&sample_rate) {
            return;
        }
        self.mono.clear();
        downmix(planes, &mut self.mono);
        if self.mono.is_empty() {
            return;
        }
        let t0 = *self.t0.get_or_insert(t_s);
        let rate_f = sample_rate as f64;
        let mut skip = 0usize;
        let mut fill = 0usize;
        let restart = match &self.seg {
            None => true,
            Some(seg) => {
                let expected = seg.t0 + seg.inputs as f64 / seg.rate as f64;
                let d = t_s - expected;
                if seg.rate != sample_rate || !(-MAX_FILL_S..=MAX_FILL_S).contains(&d) {
                    true
                } else {
                    if d > JITTER_S {
                        fill = (d * rate_f).round() as usize;
                    } else if d < -JITTER_S {
                        skip = ((-d) * rate_f).round() as usize;
                    }
                    false
                }
            }
        };
        if restart {
            self.end_segment(out);
            let want = ((t_s - t0) * ANALYSIS_RATE as f64).round().max(0.0) as u64;
            // A jump forwards is silence; a jump backwards continues where we are (never rewinds).
            if want > self.emitted {
                let pad = (want - self.emitted).min(ANALYSIS_RATE as u64 * 3600) as usize;
                out.extend(std::iter::repeat_n(0.0, pad));
                self.emitted += pad as u64;
            }
            self.seg = Some(Segment {
                rate: sample_rate,
                resampler: Resampler::new(sample_rate, ANALYSIS_RATE),
                t0: t_s,
                inputs: 0,
                out0: self.emitted,
            });
        }
        let Some(seg) = self.seg.as_mut() else { return };
        self.tmp.clear();
        if fill > 0 {
            let zeros = vec![0f32; fill];
            seg.resampler.process(&zeros, &mut self.tmp);
            seg.inputs += fill as u64;
        }
        let data = self.mono.get(skip..).unwrap_or(&[]);
        seg.inputs += data.len() as u64;
        seg.resampler.process(data, &mut self.tmp);
        out.extend_from_slice(&self.tmp);
        self.emitted += self.tmp.len() as u64;
    }

    /// Flushes the resampler tail, emitting exactly as many outputs as the segment's input covers.
    fn end_segment(&mut self, out: &mut Vec<f32>) {
        if let Some(mut seg) = self.seg.take() {
            self.tmp.clear();
            seg.resampler.flush(&mut self.tmp);
            let total = (seg.inputs as f64 * ANALYSIS_RATE as f64 / seg.rate as f64).round() as u64;
            let end = seg.out0 + total;
            let n = end.saturating_sub(self.emitted).min(self.tmp.len() as u64) as usize;
            out.extend_from_slice(&self.tmp[..n]);
            self.emitted += n as u64;
        }
    }

    /// Ends the stream, appending the last samples.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        self.end_segment(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downmix_coefficients() {
        let one = [1.0f32; 4];
        let zero = [0.0f32; 4];
        let mut out = Vec::new();
        // 5.1: only centre, only left, only LFE, only surround-left.
        for (ch, want) in [
            (2usize, 1.0f32),
            (0, std::f32::consts::FRAC_1_SQRT_2),
            (3, 0.0),
            (4, 0.5),
        ] {
            let planes: Vec<&[f32]> = (0..6)
                .map(|c| if c == ch { &one[..] } else { &zero[..] })
                .collect();
            out.clear();
            downmix(&planes, &mut out);
            assert!(
                (out[0] - want).abs() < 1e-6,
                "channel {ch}: {} vs {want}",
                out[0]
            );
        }
        out.clear();
        downmix(&[&one, &[f32::NAN; 4]], &mut out);
        assert_eq!(out, vec![0.0; 4]);
    }

    #[test]
    fn dc_passes_with_unit_gain() {
        let mut r = Resampler::new(44_100, 16_000);
        let mut out = Vec::new();
        r.process(&vec![0.5; 44_100], &mut out);
        let n = out.len();
        assert!((15_900..=16_000).contains(&n), "{n}");
        assert!((out[n / 2] - 0.5).abs() < 1e-3);
    }
}
