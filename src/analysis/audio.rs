//! Per-hop audio features of the mono analysis stream, and the events derived from them.
//!
//! Every [`HOP`] samples (10 ms at 16 kHz) one windowed 512-point FFT gives level, spectral flux,
//! centroid (brightness), flatness and tonal stability; the same 32 ms window gets its EBU R128
//! K-weighted loudness (LUFS, by the kernels' BS.1770 meter, as outputs are normalised); voiced-looking
//! hops also get a YIN pitch in 70..500 Hz. [`AudioAnalyzer::finish`] then derives, over the whole (small) feature vectors, the
//! activity/speech flags with hysteresis, speech pauses, onsets, loudness jumps against the preceding
//! seconds, and music presence.

use super::resample::ANALYSIS_RATE;
use crate::sort;
use reelcut_kernels::loudness::LoudnessMeter;
use reelcut_kernels::samples;
use rustfft::algorithm::Radix4;
use rustfft::num_complex::Complex;
use rustfft::{Fft, FftDirection};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Arc;

/// Samples per analysis hop (10 ms).
pub const HOP: usize = 160;
/// FFT length (32 ms).
const FFT_N: usize = 512;
/// Samples kept: the FFT window plus room for the longest pitch lag.
const BUF: usize = 768;
/// Index in the buffer that a hop's time refers to (centre of the FFT and pitch windows).
const CENTRE: usize = BUF / 2;
/// Pitch search range.
const PITCH_MIN_HZ: f32 = 70.0;
const PITCH_MAX_HZ: f32 = 500.0;
/// YIN threshold on the cumulative-mean-normalised difference.
const YIN_THRESHOLD: f32 = 0.15;
/// Pitch is estimated on the analysis signal decimated by this factor (16 kHz → 8 kHz).
const PITCH_DECIMATION: usize = 2;
/// Pitch is re-estimated every this many hops (every 20 ms).
const PITCH_EVERY_HOPS: usize = 2;
/// Hops between the spectra compared for tonal stability (100 ms).
const STABILITY_LAG: usize = 10;
/// Shortest low-energy run that counts as a speech pause.
pub const MIN_PAUSE_S: f64 = 0.25;
/// Level floor used when a source is digitally silent (dBFS).
const SILENCE_DB: f32 = -70.0;
/// Loudness floor (LUFS): EBU R128's absolute gate; digital silence measures this.
pub const SILENCE_LUFS: f32 = -70.0;
/// Window of each hop's loudness (ms): the FFT window, so loudness and spectrum describe the same
/// samples.
const LOUDNESS_WINDOW: usize = FFT_N;

/// A run of low energy where a clip may start or end without cutting a word.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pause {
    /// Start (source seconds).
    pub start: f64,
    /// End (source seconds).
    pub end: f64,
}

/// A sudden rise in spectral energy (a hit, slap, door, note or syllable start).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Onset {
    /// Time (source seconds).
    pub t: f64,
    /// Spectral flux at the onset.
    pub strength: f32,
    /// Level rise over the 100 ms before (dB).
    pub rise_db: f32,
    /// Loudness (LUFS) of the [`ONSET_BODY_S`] from the onset on: the energy of the event, so a
    /// click of a few milliseconds measures far below a door slam of the same peak.
    pub body_lufs: f32,
}

/// How much sound after an onset counts as its body ([`Onset::body_lufs`]).
pub const ONSET_BODY_S: f64 = 0.05;

/// All audio features of one source (struct of arrays, one entry per hop).
#[derive(Debug, Clone, Default, Serialize)]
pub struct AudioFeatures {
    /// Source time of hop 0 (centre of its window).
    pub t0: f64,
    /// Seconds between hops.
    pub hop_s: f64,
    /// RMS level, dBFS: the detectors' measure (activity, voicing, pauses, onsets).
    pub rms_db: Vec<f32>,
    /// K-weighted loudness of the same window (EBU R128, LUFS; [`SILENCE_LUFS`] at most): what
    /// loudness figures and reasons use, so they read like the loudness meters' numbers.
    pub loudness_lufs: Vec<f32>,
    /// Spectral flux (mean positive change of log magnitude).
    pub flux: Vec<f32>,
    /// Spectral centroid in Hz (brightness).
    pub centroid_hz: Vec<f32>,
    /// Voice pitch in Hz, 0 where unvoiced.
    pub pitch_hz: Vec<f32>,
    /// Zero-crossing rate (crossings per sample).
    pub zcr: Vec<f32>,
    /// Spectral flatness 0 (tonal) ..1 (noise).
    pub flatness: Vec<f32>,
    /// Cosine similarity of the spectrum with 100 ms earlier (held notes are stable).
    pub stability: Vec<f32>,
    /// Sound above the noise floor (with hysteresis).
    pub active: Vec<bool>,
    /// Voice activity: active sound with voicing nearby, widened by a short hangover.
    pub speech: Vec<bool>,
    /// Loudness of the next 200 ms minus that of the sound of the preceding ~3 s (LU).
    pub jump_lu: Vec<f32>,
    /// Music presence 0..1 (sustained tonal, stable sound).
    pub music: Vec<f32>,
    /// Estimated noise floor (dBFS).
    pub noise_floor_db: f32,
    /// Detected onsets.
    pub onsets: Vec<Onset>,
    /// Speech pauses / silences of at least [`MIN_PAUSE_S`].
    pub pauses: Vec<Pause>,
}

impl AudioFeatures {
    /// Number of hops.
    pub fn len(&self) -> usize {
        self.rms_db.len()
    }

    /// Whether there are no hops.
    pub fn is_empty(&self) -> bool {
        self.rms_db.is_empty()
    }

    /// Time of hop `i`.
    pub fn time(&self, i: usize) -> f64 {
        self.t0 + i as f64 * self.hop_s
    }

    /// Hop nearest to time `t`, if `t` is within the analysed audio.
    pub fn hop_at(&self, t: f64) -> Option<usize> {
        if self.is_empty() || !t.is_finite() || self.hop_s <= 0.0 {
            return None;
        }
        let i = ((t - self.t0) / self.hop_s).round();
        (i >= 0.0 && (i as usize) < self.len()).then_some(i as usize)
    }

    /// Whether speech is ongoing at `t` (false outside the analysed audio).
    pub fn speech_at(&self, t: f64) -> bool {
        self.hop_at(t).is_some_and(|i| self.speech[i])
    }

    /// The runs of speech, `(start, end)` in source seconds, in time order: each maximal run of
    /// speech hops, so a timeline can draw where people talk.
    pub fn speech_spans(&self) -> Vec<(f64, f64)> {
        let mut spans = Vec::new();
        let mut open: Option<usize> = None;
        for (i, &s) in self.speech.iter().chain([&false]).enumerate() {
            match (s, open) {
                (true, None) => open = Some(i),
                (false, Some(a)) => {
                    spans.push((self.time(a), self.time(i)));
                    open = None;
                }
                _ => {}
            }
        }
        spans
    }
}

/// Streams mono [`ANALYSIS_RATE`] samples into [`AudioFeatures`].
pub struct AudioAnalyzer {
    buf: Vec<f32>,
    filled: usize,
    fft: Arc<dyn Fft<f32>>,
    cbuf: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    window: Vec<f32>,
    mag: Vec<f32>,
    prev_log: Vec<f32>,
    ring: VecDeque<Vec<f32>>,
    yin: Vec<f32>,
    /// The analysis buffer at half rate, for pitch (see [`PITCH_DECIMATION`]).
    half: Vec<f32>,
    /// Pitch of the last hop where it was computed (reused on the hops in between).
    last_pitch: f32,
    /// K-weighting and loudness (EBU R128) of the stream, fed in step with the FFT window.
    meter: LoudnessMeter,
    f: AudioFeatures,
}

impl AudioAnalyzer {
    /// `stream_t0` is the source time of the first sample that will be pushed.
    pub fn new(stream_t0: f64) -> Self {
        // One fixed power-of-two size: Radix4 directly. The planner would link every algorithm
        // and butterfly size it might choose (about 230 KB of the wasm) for no gain at 512 points.
        let fft: Arc<dyn Fft<f32>> = Arc::new(Radix4::new(FFT_N, FftDirection::Forward));
        let scratch = vec![Complex::default(); fft.get_inplace_scratch_len()];
        let window = (0..FFT_N)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / FFT_N as f32).cos())
            .collect();
        let rate = ANALYSIS_RATE as f64;
        let f = AudioFeatures {
            // The first hop is computed when the first HOP samples sit at the end of the buffer.
            t0: stream_t0 + (HOP as f64 - (BUF - CENTRE) as f64) / rate,
            hop_s: HOP as f64 / rate,
            ..Default::default()
        };
        Self {
            buf: vec![0.0; BUF],
            filled: 0,
            fft,
            cbuf: vec![Complex::default(); FFT_N],
            scratch,
            window,
            mag: vec![0.0; FFT_N / 2 + 1],
            prev_log: vec![0.0; FFT_N / 2 + 1],
            ring: VecDeque::new(),
            yin: vec![0.0; (ANALYSIS_RATE as f32 / PITCH_MIN_HZ) as usize + 2],
            half: vec![0.0; BUF / 2],
            last_pitch: 0.0,
            meter: LoudnessMeter::new(1, ANALYSIS_RATE, false, LOUDNESS_WINDOW, false),
            f,
        }
    }

    /// Adds samples; computes one feature hop per [`HOP`] samples.
    pub fn push(&mut self, mut x: &[f32]) {
        while !x.is_empty() {
            let take = (HOP - self.filled).min(x.len());
            let at = BUF - HOP + self.filled;
            for (d, &s) in self.buf[at..at + take].iter_mut().zip(&x[..take]) {
                *d = if s.is_finite() {
                    s.clamp(-4.0, 4.0)
                } else {
                    0.0
                };
            }
            self.filled += take;
            x = &x[take..];
            if self.filled == HOP {
                self.hop();
                self.buf.copy_within(HOP.., 0);
                self.filled = 0;
            }
        }
    }

    fn hop(&mut self) {
        let w0 = CENTRE - FFT_N / 2;
        let win = &self.buf[w0..w0 + FFT_N];
        let power = win.iter().map(|v| v * v).sum::<f32>() / FFT_N as f32;
        let rms_db = 10.0 * (power + 1e-12).log10();
        let zc = win
            .windows(2)
            .filter(|p| (p[0] >= 0.0) != (p[1] >= 0.0))
            .count() as f32
            / FFT_N as f32;
        for ((c, &v), &w) in self.cbuf.iter_mut().zip(win).zip(&self.window) {
            *c = Complex::new(v * w, 0.0);
        }
        self.fft
            .process_with_scratch(&mut self.cbuf, &mut self.scratch);
        // Normalise so a full-scale sine peaks at about 0.5.
        let norm = 2.0 / FFT_N as f32;
        for (m, c) in self.mag.iter_mut().zip(&self.cbuf) {
            *m = c.norm() * norm;
        }
        let bin_hz = ANALYSIS_RATE as f32 / FFT_N as f32;
        let (mut num, mut den) = (0f32, 0f32);
        for (k, &m) in self.mag.iter().enumerate().skip(1) {
            num += k as f32 * bin_hz * m;
            den += m;
        }
        let centroid = if den > 1e-9 { num / den } else { 0.0 };
        let mut flux = 0f32;
        for (p, &m) in self.prev_log.iter_mut().zip(&self.mag) {
            let l = (1.0 + 1000.0 * m).ln();
            flux += (l - *p).max(0.0);
            *p = l;
        }
        flux /= self.mag.len() as f32;
        let band = &self.mag[2..200];
        let (mut lsum, mut psum) = (0f32, 0f32);
        for &m in band {
            let p = m * m + 1e-12;
            lsum += p.ln();
            psum += p;
        }
        let n = band.len() as f32;
        let flatness = ((lsum / n).exp() / (psum / n)).clamp(0.0, 1.0);
        let spec: Vec<f32> = self.mag[3..128].to_vec();
        let stability = match self.ring.front() {
            Some(old) if self.ring.len() == STABILITY_LAG => {
                let dot: f32 = old.iter().zip(&spec).map(|(a, b)| a * b).sum();
                let na: f32 = old.iter().map(|a| a * a).sum();
                let nb: f32 = spec.iter().map(|b| b * b).sum();
                if na > 1e-12 && nb > 1e-12 {
                    dot / (na * nb).sqrt()
                } else {
                    0.0
                }
            }
            _ => 0.0,
        };
        if self.ring.len() == STABILITY_LAG {
            self.ring.pop_front();
        }
        self.ring.push_back(spec);
        let voiced = rms_db > -55.0 && zc < 0.3 && flatness < 0.6;
        let pitch = if !voiced {
            0.0
        } else if self.f.rms_db.len().is_multiple_of(PITCH_EVERY_HOPS) || self.last_pitch == 0.0 {
            // Pitch is the costliest feature (YIN is O(window x lags)): it runs at 8 kHz on every
            // other hop, which keeps 70..500 Hz voices exact to a few Hz at a quarter of the cost.
            for (h, pair) in self
                .half
                .iter_mut()
                .zip(self.buf.chunks_exact(PITCH_DECIMATION))
            {
                *h = 0.5 * (pair[0] + pair[1]);
            }
            self.last_pitch = yin_pitch(
                &self.half,
                &mut self.yin,
                ANALYSIS_RATE as f32 / PITCH_DECIMATION as f32,
            );
            self.last_pitch
        } else {
            self.last_pitch
        };
        if !voiced {
            self.last_pitch = 0.0;
        }
        // The meter gets the samples that end the FFT window (a contiguous stream, delayed by
        // the window's distance from the buffer's end), so its last 32 ms are that window.
        let end = w0 + FFT_N;
        self.meter.add(&self.buf[end - HOP..end]);
        let lufs = (self.meter.window_lufs() as f32).max(SILENCE_LUFS);
        let f = &mut self.f;
        f.rms_db.push(rms_db);
        f.loudness_lufs.push(lufs);
        f.flux.push(flux);
        f.centroid_hz.push(centroid);
        f.pitch_hz.push(pitch);
        f.zcr.push(zc);
        f.flatness.push(flatness);
        f.stability.push(stability);
    }

    /// Derives activity, speech, pauses, onsets, jumps and music, and returns the features.
    pub fn finish(mut self) -> AudioFeatures {
        // Push the last partial hop through (zero-padded) so short tails are not lost.
        if self.filled > 0 {
            let pad = vec![0.0; HOP - self.filled];
            self.push(&pad);
        }
        derive(&mut self.f);
        self.f
    }
}

/// YIN pitch (Hz) of the buffer sampled at `rate`, or 0 when no clear period in 70..500 Hz.
fn yin_pitch(x: &[f32], d: &mut [f32], rate: f32) -> f32 {
    let tau_min = (rate / PITCH_MAX_HZ) as usize;
    let tau_max = ((rate / PITCH_MIN_HZ) as usize).min(d.len() - 2);
    let w = x.len().saturating_sub(tau_max + 2);
    if w < 64 {
        return 0.0;
    }
    d[0] = 1.0;
    let mut running = 0f32;
    for tau in 1..=tau_max + 1 {
        let a = &x[..w];
        let b = &x[tau..tau + w];
        let s = samples::squared_distance(a, b);
        running += s;
        d[tau] = if running > 1e-12 {
            s * tau as f32 / running
        } else {
            1.0
        };
    }
    let mut best = None;
    let mut tau = tau_min;
    while tau <= tau_max {
        if d[tau] < YIN_THRESHOLD {
            while tau < tau_max && d[tau + 1] < d[tau] {
                tau += 1;
            }
            best = Some(tau);
            break;
        }
        tau += 1;
    }
    let tau = match best {
        Some(t) => t,
        None => {
            let (t, v) = (tau_min..=tau_max)
                .map(|t| (t, d[t]))
                .fold((0, f32::INFINITY), |a, b| if b.1 < a.1 { b } else { a });
            if v > 0.3 || t == 0 {
                return 0.0;
            }
            t
        }
    };
    let (a, b, c) = (d[tau - 1], d[tau], d[tau + 1]);
    let den = a - 2.0 * b + c;
    let off = if den.abs() > 1e-9 {
        (0.5 * (a - c) / den).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    rate / (tau as f32 + off)
}

/// Median loudness (LUFS) of a source's active hops: how loud it usually is ([`SILENCE_LUFS`]
/// when nothing is active).
pub fn typical_loudness(f: &AudioFeatures) -> f32 {
    let v: Vec<f32> = (0..f.len())
        .filter(|&h| f.active.get(h).copied().unwrap_or(false))
        .map(|h| f.loudness_lufs[h])
        .collect();
    if v.is_empty() {
        SILENCE_LUFS
    } else {
        quantile(&v, 0.5)
    }
}

/// Value at fraction `q` of the sorted copy of `v` (0 for empty input).
pub(crate) fn quantile(v: &[f32], q: f32) -> f32 {
    let mut s: Vec<f32> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return 0.0;
    }
    sort::sort_by(&mut s, |a, b| a.total_cmp(b));
    let i = ((s.len() - 1) as f32 * q.clamp(0.0, 1.0)).round() as usize;
    s[i]
}

/// The whole-source derivations of [`AudioAnalyzer::finish`].
fn derive(f: &mut AudioFeatures) {
    let n = f.len();
    let hop = f.hop_s;
    let floor = quantile(&f.rms_db, 0.1).clamp(-120.0, -20.0);
    f.noise_floor_db = floor;
    let on = (floor + 12.0).max(-50.0);
    let off = on - 4.0;
    // Activity with hysteresis.
    f.active = Vec::with_capacity(n);
    let mut state = false;
    for &db in &f.rms_db {
        state = if state { db > off } else { db > on };
        f.active.push(state);
    }
    // Speech: active and voiced within +-150 ms, widened by 50 ms so word tails stay inside.
    let r = (0.15 / hop).round() as usize;
    let voiced: Vec<u32> = f
        .pitch_hz
        .iter()
        .zip(&f.active)
        .map(|(&p, &a)| (p > 0.0 && a) as u32)
        .collect();
    let mut pre = vec![0u32; n + 1];
    for i in 0..n {
        pre[i + 1] = pre[i] + voiced[i];
    }
    let raw: Vec<bool> = (0..n)
        .map(|i| {
            let (a, b) = (i.saturating_sub(r), (i + r + 1).min(n));
            f.active[i] && (pre[b] - pre[a]) as f32 >= 0.2 * (b - a) as f32
        })
        .collect();
    let hang = (0.05 / hop).round() as usize;
    f.speech = (0..n)
        .map(|i| {
            raw[i.saturating_sub(hang)..(i + hang + 1).min(n)]
                .iter()
                .any(|&x| x)
        })
        .collect();
    // Pauses: low-energy runs of at least MIN_PAUSE_S.
    f.pauses.clear();
    let mut start = None;
    for i in 0..=n {
        let quiet = i < n && !f.active[i];
        match (quiet, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let (a, b) = (f.time(s) - 0.5 * hop, f.time(i) - 0.5 * hop);
                if b - a >= MIN_PAUSE_S - 1e-9 {
                    f.pauses.push(Pause { start: a, end: b });
                }
                start = None;
            }
            _ => {}
        }
    }
    // Loudness jump: loudness of the next 200 ms against what was heard before it: the mean
    // K-weighted power of the active hops (speech, music, effects: sound above the floor) of the
    // preceding ~3 s. After a pause with less than 0.3 s of such sound, the source's typical active
    // loudness stands in, so the first word after a silence measures against how loud this source
    // usually speaks, never against room tone or digital silence.
    let pw: Vec<f64> = f
        .loudness_lufs
        .iter()
        .map(|&d| 10f64.powf(d.max(SILENCE_LUFS) as f64 / 10.0))
        .collect();
    let mut ps = vec![0f64; n + 1];
    let mut aps = vec![0f64; n + 1];
    let mut acount = vec![0usize; n + 1];
    for i in 0..n {
        ps[i + 1] = ps[i] + pw[i];
        aps[i + 1] = aps[i] + if f.active[i] { pw[i] } else { 0.0 };
        acount[i + 1] = acount[i] + f.active[i] as usize;
    }
    let typical = typical_loudness(f) as f64;
    let ahead = (0.2 / hop).round() as usize;
    let (ref_far, ref_near) = ((3.0 / hop).round() as usize, (0.2 / hop).round() as usize);
    let min_heard = (0.3 / hop).round() as usize;
    f.jump_lu = (0..n)
        .map(|i| {
            let b = (i + ahead).min(n);
            let (ra, rb) = (i.saturating_sub(ref_far), i.saturating_sub(ref_near));
            if b <= i {
                return 0.0;
            }
            let now = 10.0 * ((ps[b] - ps[i]) / (b - i) as f64).log10();
            let heard = acount[rb] - acount[ra.min(rb)];
            let before = if heard >= min_heard {
                10.0 * ((aps[rb] - aps[ra.min(rb)]) / heard as f64).log10()
            } else {
                typical
            };
            (now - before).clamp(-60.0, 60.0) as f32
        })
        .collect();
    // Onsets: local flux peaks well above their neighbourhood and the source's typical flux.
    let med = quantile(&f.flux, 0.5);
    let mad = quantile(
        &f.flux.iter().map(|x| (x - med).abs()).collect::<Vec<_>>(),
        0.5,
    );
    let global = med + 4.0 * mad.max(0.002);
    let local_r = (0.25 / hop).round() as usize;
    let peak_r = (0.05 / hop).round().max(1.0) as usize;
    let mut fs = vec![0f32; n + 1];
    for i in 0..n {
        fs[i + 1] = fs[i] + f.flux[i];
    }
    f.onsets.clear();
    for i in 0..n {
        let x = f.flux[i];
        if x < global || f.rms_db[i] < off {
            continue;
        }
        let (a, b) = (i.saturating_sub(local_r), (i + local_r + 1).min(n));
        let local = (fs[b] - fs[a]) / (b - a) as f32;
        let is_peak = (i.saturating_sub(peak_r)..(i + peak_r + 1).min(n))
            .all(|j| f.flux[j] < x || j >= i && (f.flux[j] <= x));
        if is_peak && x > 1.5 * local {
            let before = f.rms_db[i.saturating_sub(10)..i.max(1).min(n)]
                .iter()
                .copied()
                .fold(f32::INFINITY, f32::min);
            let after = f.rms_db[i..(i + 5).min(n)]
                .iter()
                .copied()
                .fold(f32::NEG_INFINITY, f32::max);
            let rise = if before.is_finite() && after.is_finite() {
                (after - before.max(SILENCE_DB)).max(0.0)
            } else {
                0.0
            };
            let body = ((ONSET_BODY_S / hop).round() as usize).max(1);
            let e = (i + body).min(n);
            let level = 10.0 * ((ps[e] - ps[i]) / (e - i).max(1) as f64).log10();
            f.onsets.push(Onset {
                t: f.time(i),
                strength: x,
                rise_db: rise,
                body_lufs: level as f32,
            });
        }
    }
    // Music presence: the share of the last second that was active, tonal and spectrally stable.
    let m_r = (0.5 / hop).round() as usize;
    let tonal: Vec<f32> = (0..n)
        .map(|i| {
            if f.active[i] && f.flatness[i] < 0.3 {
                f.stability[i].clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    let mut ts = vec![0f32; n + 1];
    for i in 0..n {
        ts[i + 1] = ts[i] + tonal[i];
    }
    f.music = (0..n)
        .map(|i| {
            let (a, b) = (i.saturating_sub(m_r), (i + m_r + 1).min(n));
            ((ts[b] - ts[a]) / (b - a) as f32).clamp(0.0, 1.0)
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_nan_input() {
        let a = AudioAnalyzer::new(0.0);
        let f = a.finish();
        assert!(f.is_empty() && f.pauses.is_empty());
        let mut a = AudioAnalyzer::new(0.0);
        a.push(&[f32::NAN; 1000]);
        let f = a.finish();
        assert_eq!(f.len(), 7);
        assert!(f.rms_db.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn yin_finds_period() {
        let x: Vec<f32> = (0..BUF)
            .map(|i| (2.0 * std::f32::consts::PI * 150.0 * i as f32 / 16000.0).sin())
            .collect();
        let mut d = vec![0.0; 240];
        let p = yin_pitch(&x, &mut d, 16000.0);
        assert!((p - 150.0).abs() < 1.5, "{p}");
    }
}
