//! The background-music track looped to the reel's length as a stream: the decoded track comes
//! in again from its start for every repetition (and every pass over the reel) instead of being
//! held, and frame `n` of the output is frame `n` of [`super::music::Loop`] over the whole track.
//!
//! The stream is the first decode whole, then each further decode without its first `x` frames
//! (the seam crossfade): output frame `n` is stream frame `n`, and where that frame lies in the
//! track's last `x` frames, the track's head (the only part kept, at most
//! [`super::music::LOOP_CROSSFADE_S`]) fades in over it. Until the first decode has ended, the
//! track's length is unknown, so a frame goes out only once `x` more have come (and `x` is known
//! once four seconds have: a quarter of a shorter track): about five seconds of music are the
//! most ever waiting.

use std::collections::VecDeque;

use super::music::{loop_crossfade, seam, LOOP_CROSSFADE_S};
use super::resample::StereoResampler;

/// The looped track, resampled to the output rate.
#[derive(Debug)]
pub struct MusicStream {
    rate: u32,
    /// Decoding of the current repetition, resampled.
    resampler: Option<StereoResampler>,
    /// Track frames the current decode produced so far.
    decoded: usize,
    /// Decodes started (the first is the whole track, later ones skip the seam's head).
    decodes: usize,
    /// Whether the current decode has ended (the next push starts a new one).
    ended: bool,
    /// The track's length, once a decode has ended.
    len: Option<usize>,
    /// The track's first frames (as many as a seam can need).
    head: Vec<[f32; 2]>,
    /// Stream frames not yet given out, from `base`.
    queue: VecDeque<[f32; 2]>,
    base: usize,
    /// A decode gave nothing: the rest of the stream is silence.
    exhausted: bool,
}

impl MusicStream {
    pub fn new(rate: u32) -> Self {
        Self {
            rate,
            resampler: None,
            decoded: 0,
            decodes: 0,
            ended: true,
            len: None,
            head: Vec::new(),
            queue: VecDeque::new(),
            base: 0,
            exhausted: false,
        }
    }

    fn max_crossfade(&self) -> usize {
        (LOOP_CROSSFADE_S * self.rate as f64) as usize
    }

    /// The seam length, once known.
    fn crossfade(&self) -> Option<usize> {
        match self.len {
            Some(m) => Some(loop_crossfade(m, self.rate)),
            None => (self.decoded >= 4 * self.max_crossfade()).then(|| self.max_crossfade()),
        }
    }

    /// Decoded music: stereo frames at `rate`, in order from the track's start; after
    /// [`MusicStream::end_decode`], a new decode from the start.
    pub fn push(&mut self, rate: u32, frames: &[[f32; 2]]) {
        if self.ended {
            self.ended = false;
            self.decodes += 1;
            self.decoded = 0;
            self.resampler = Some(StereoResampler::new(rate, self.rate, 0.0));
        }
        if let Some(rs) = self.resampler.as_mut() {
            rs.push(frames);
        }
        self.produce(false);
    }

    /// The current decode has ended.
    pub fn end_decode(&mut self) {
        if self.ended {
            // A decode that gave nothing at all: an empty track, or (a later decode) a file that
            // no longer reads; either way there is no more music.
            self.len.get_or_insert(0);
            self.exhausted = true;
            return;
        }
        self.produce(true);
        self.len.get_or_insert(self.decoded);
        self.resampler = None;
        self.ended = true;
    }

    fn produce(&mut self, finished: bool) {
        let (max_x, first) = (self.max_crossfade(), self.decodes == 1);
        let Some(rs) = self.resampler.as_mut() else {
            return;
        };
        // A later decode's head is already in the stream as the seam; it is not needed twice.
        let skip = if first {
            0
        } else {
            self.len.map_or(0, |m| loop_crossfade(m, self.rate))
        };
        loop {
            let ts = self.decoded as f64 / self.rate as f64;
            if finished && rs.past_end(ts) {
                break;
            }
            if self.len.is_some_and(|m| self.decoded >= m) {
                break; // a later decode never outlasts the first
            }
            let Some(v) = rs.value_at(ts, finished) else {
                break;
            };
            if first && self.head.len() < max_x {
                self.head.push(v);
            }
            if self.decoded >= skip {
                self.queue.push_back(v);
            }
            self.decoded += 1;
        }
        rs.discard_before(self.decoded as f64 / self.rate as f64);
    }

    /// Whether output frames up to `end` (exclusive) can be given out, or the track is empty.
    pub fn ready(&self, end: usize) -> bool {
        if self.exhausted {
            return true;
        }
        let queued = self.base + self.queue.len();
        if queued < end {
            return false;
        }
        // Before the first decode ended: frames at least a seam before its end are plain track.
        self.len.is_some() || self.crossfade().is_some_and(|x| end + x <= self.decoded)
    }

    /// The next `n` output frames (call only when [`MusicStream::ready`]).
    pub fn take(&mut self, n: usize) -> Vec<[f32; 2]> {
        let Some(m) = self.len.filter(|&m| m > 0) else {
            // First decode still running (all plain track), or no music at all.
            self.base += n;
            let from_queue = n.min(self.queue.len());
            let mut out: Vec<[f32; 2]> = self.queue.drain(..from_queue).collect();
            out.resize(n, [0.0; 2]);
            return out;
        };
        let x = loop_crossfade(m, self.rate);
        let p = m - x;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let i = self.base;
            let Some(v) = self.queue.pop_front() else {
                out.push([0.0; 2]); // exhausted
                self.base += 1;
                continue;
            };
            // The track frame this stream frame is.
            let t = if i < m { i } else { x + (i - m) % p };
            out.push(if t >= p {
                seam(self.head[t - p], v, t - p, x)
            } else {
                v
            });
            self.base += 1;
        }
        out
    }

    /// Whether more decoded music is wanted for output frames up to `end`.
    pub fn wants(&self, end: usize) -> bool {
        !self.ready(end)
    }

    /// Frames held: the queue and the head.
    pub fn held_frames(&self) -> usize {
        self.queue.len() + self.head.len()
    }
}
