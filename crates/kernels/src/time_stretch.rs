//! Pitch-kept time-stretch by WSOLA (waveform-similarity overlap-add), streaming, over
//! interleaved frames.
//!
//! The output is built from Hann frames of two hops (30 ms) laid one hop (15 ms) apart, so the
//! windows sum to one. Frame `k` would ideally start at source position `k · hop · tempo`; within
//! ±12 ms of that, the start is chosen whose first hop best continues the previous frame, that
//! is, correlates best with the source that followed the previous frame (normalised
//! cross-correlation over all channels at once, so stereo stays coherent). The waveforms then
//! join in phase and pitch is kept.
//!
//! The search is where the time goes (about 1150 candidates of 720 frames each per 15 ms of
//! output at 48 kHz), so it is written for speed: each candidate's correlation is a lane sum
//! ([`crate::samples::dot`]), and the candidates' energies are one running sum, updated by the
//! frame entering and the frame leaving the window as the candidate moves by one.

use crate::samples::dot;

/// Output hop (half a frame), milliseconds.
const HOP_MS: f64 = 15.0;
/// How far from its ideal position a frame may start, milliseconds.
const SEARCH_MS: f64 = 12.0;
/// Keeps the correlation finite over silence.
const EPSILON: f64 = 1e-9;

/// A streaming stretcher: source frames in, `tempo` times fewer (more, below 1) frames out.
#[derive(Debug, Clone)]
pub struct TimeStretch {
    channels: usize,
    hop: usize,
    search: usize,
    /// Source frames per output frame.
    tempo: f64,
    /// Periodic Hann window of two hops.
    window: Vec<f32>,
    /// Interleaved source frames from frame `origin` on.
    input: Vec<f32>,
    origin: usize,
    /// Whether the first frame has been laid.
    started: bool,
    /// No more input will come: steps may search a shortened range, and the tail is let out.
    draining: bool,
    finished: bool,
    /// Ideal source start of the next frame.
    ideal: f64,
    /// Source start of the last frame laid.
    last: usize,
    /// The last frame's second half, windowed, waiting for the next frame's first half.
    tail: Vec<f32>,
}

impl TimeStretch {
    /// A stretcher for `channels` interleaved channels at `rate` Hz playing at `tempo` (source
    /// seconds per output second, > 0).
    pub fn new(rate: u32, channels: usize, tempo: f64) -> Self {
        let channels = channels.max(1);
        let hop = ((f64::from(rate) * HOP_MS / 1000.0).round() as usize).max(1);
        let search = ((f64::from(rate) * SEARCH_MS / 1000.0).round() as usize).max(1);
        let frame = 2 * hop;
        let window = (0..frame)
            .map(|i| {
                (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / frame as f64).cos()) as f32
            })
            .collect();
        Self {
            channels,
            hop,
            search,
            tempo: if tempo.is_finite() && tempo > 0.0 {
                tempo
            } else {
                1.0
            },
            window,
            input: Vec::new(),
            origin: 0,
            started: false,
            draining: false,
            finished: false,
            ideal: 0.0,
            last: 0,
            tail: vec![0.0; hop * channels],
        }
    }

    /// Samples (frames × channels) of one output block: [`Self::pull`] writes whole blocks.
    pub fn block_len(&self) -> usize {
        self.hop * self.channels
    }

    /// Adds interleaved source samples (whole frames).
    pub fn push(&mut self, samples: &[f32]) {
        self.input.extend_from_slice(samples);
    }

    /// All input has been pushed: the next pulls lay what remains and let the last tail out.
    pub fn set_draining(&mut self) {
        self.draining = true;
    }

    /// Fills `out` with as many whole blocks as are ready; returns the samples written (0 when
    /// more input is needed, or everything has been let out).
    pub fn pull(&mut self, out: &mut [f32]) -> usize {
        let block = self.block_len();
        let mut written = 0;
        while written + block <= out.len() && !self.finished {
            if self.step(&mut out[written..written + block]) {
                written += block;
            } else {
                if self.draining {
                    if self.started {
                        out[written..written + block].copy_from_slice(&self.tail);
                        written += block;
                    }
                    self.finished = true;
                }
                break;
            }
        }
        written
    }

    /// Source frames buffered from `origin`.
    fn end(&self) -> usize {
        self.origin + self.input.len() / self.channels
    }

    /// Interleaved samples of `len` frames from source frame `at`.
    fn frames(&self, at: usize, len: usize) -> &[f32] {
        let from = (at - self.origin) * self.channels;
        &self.input[from..from + len * self.channels]
    }

    /// Lays the next frame: `out` (one block) gets the overlap of the last frame's tail and this
    /// frame's first half. `false` when the input does not reach far enough yet.
    fn step(&mut self, out: &mut [f32]) -> bool {
        let (hop, end) = (self.hop, self.end());
        let src = if !self.started {
            if self.origin + 2 * hop > end {
                return false;
            }
            self.origin
        } else {
            let base = self.ideal.round() as i64;
            let target = self.last + hop;
            // Outside draining, wait for the whole search range, so a stream gives the same
            // output however its input is cut into pushes.
            let needed = (base + (self.search + 2 * hop) as i64).max((target + hop) as i64);
            let highest = end as i64 - 2 * hop as i64;
            if (!self.draining && needed > end as i64)
                || highest < self.origin as i64
                || target + hop > end
            {
                return false;
            }
            let lo = (base - self.search as i64).max(self.origin as i64);
            let hi = (base + self.search as i64).min(highest);
            if hi < lo {
                return false;
            }
            self.best_start(lo as usize, hi as usize, target)
        };
        let mut tail = std::mem::take(&mut self.tail);
        let ch = self.channels;
        let (first, second) = self.window.split_at(hop);
        let (head, rest) = self.frames(src, 2 * hop).split_at(hop * ch);
        for (i, (o, (&s, t))) in out.iter_mut().zip(head.iter().zip(&mut tail)).enumerate() {
            *o = *t + s * first[i / ch];
        }
        for (i, (t, &s)) in tail.iter_mut().zip(rest).enumerate() {
            *t = s * second[i / ch];
        }
        self.tail = tail;
        if self.started {
            self.ideal += hop as f64 * self.tempo;
        } else {
            self.ideal = src as f64 + hop as f64 * self.tempo;
            self.started = true;
        }
        self.last = src;
        self.compact();
        true
    }

    /// The start in `lo..=hi` whose first hop correlates best with the hop at `target` (the
    /// first of equal scores).
    fn best_start(&self, lo: usize, hi: usize, target: usize) -> usize {
        let (hop, ch) = (self.hop, self.channels);
        let wanted = self.frames(target, hop);
        let wanted_norm = f64::from(dot(wanted, wanted)).sqrt();
        let span = self.frames(lo, hi - lo + hop);
        let energy_of = |frame: usize| -> f64 {
            span[frame * ch..(frame + 1) * ch]
                .iter()
                .map(|&v| f64::from(v) * f64::from(v))
                .sum()
        };
        let mut energy: f64 = (0..hop).map(energy_of).sum();
        let (mut best, mut best_score) = (lo, f64::NEG_INFINITY);
        for k in 0..=hi - lo {
            if k > 0 {
                energy = (energy - energy_of(k - 1) + energy_of(k + hop - 1)).max(0.0);
            }
            let candidate = &span[k * ch..(k + hop) * ch];
            let score = f64::from(dot(candidate, wanted)) / (energy.sqrt() * wanted_norm + EPSILON);
            if score > best_score {
                best_score = score;
                best = lo + k;
            }
        }
        best
    }

    /// Drops source frames no later step can read (in batches, so it costs little).
    fn compact(&mut self) {
        let next_lo = (self.ideal.round() as i64 - self.search as i64).max(0) as usize;
        let keep_from = self.last.min(next_lo);
        if keep_from > self.origin + (1 << 16) {
            self.input
                .drain(..(keep_from - self.origin) * self.channels);
            self.origin = keep_from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However the input is cut into pushes, the output is the same.
    #[test]
    fn streaming_does_not_change_the_output() {
        let input: Vec<f32> = (0..2 * 8000)
            .map(|i| ((i / 2) as f32 * 0.05).sin() * if i % 2 == 0 { 0.5 } else { 0.3 })
            .collect();
        let run = |piece: usize| {
            let mut s = TimeStretch::new(8000, 2, 0.5);
            let mut out = Vec::new();
            let mut buf = vec![0.0; s.block_len() * 4];
            for chunk in input.chunks(piece * 2) {
                s.push(chunk);
                loop {
                    let n = s.pull(&mut buf);
                    out.extend_from_slice(&buf[..n]);
                    if n < buf.len() {
                        break;
                    }
                }
            }
            s.set_draining();
            loop {
                let n = s.pull(&mut buf);
                out.extend_from_slice(&buf[..n]);
                if n == 0 {
                    break;
                }
            }
            out
        };
        let whole = run(8000);
        assert_eq!(whole, run(333));
        // Half speed: about twice as long.
        let frames = whole.len() / 2;
        assert!((15_500..=16_500).contains(&frames), "{frames}");
    }
}
