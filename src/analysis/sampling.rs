//! Which video packets analysis decodes at all.
//!
//! Analysis samples at most [`super::DEFAULT_MAX_ANALYSIS_FPS`] frames a second. A frame that no
//! other frame refers to ([`FrameReference::NonReference`], from the packet's headers) is decoded
//! only when the analysis needs it as a sample: when the decoded frames around it would otherwise
//! leave a gap longer than `max_gap`. Reference frames (and frames that could not be classified)
//! are always decoded, since later frames depend on them. Decisions are made in decode order:
//! for B-frames the reference that follows a frame in display order is already known then; where
//! it is not (non-reference P-frames of temporal layers), the frame is decoded.

use crate::media::bitstream::FrameReference;

/// How far back decode decisions are remembered (a GOP's reordering never reaches further).
const MEMORY_US: i64 = 10_000_000;

pub struct DecodePlan {
    max_gap_us: i64,
    range_us: (i64, i64),
    /// Presentation times of recent frames that were (or will be) decoded.
    decoded: Times,
    /// Presentation times of recent reference frames.
    references: Times,
}

impl DecodePlan {
    /// For the analyzer's sampling ([`super::SourceAnalyzer::new`]) of a `frame_rate` source.
    pub fn for_analysis(frame_rate: f64, start_s: f64, end_s: f64) -> Self {
        let frame_rate = if frame_rate.is_finite() && frame_rate > 0.0 {
            frame_rate
        } else {
            30.0
        };
        Self::new(super::DEFAULT_MAX_ANALYSIS_FPS, frame_rate, start_s, end_s)
    }

    /// For sampling at `max_fps` from a `frame_rate` source inside `[start_s, end_s)`.
    pub fn new(max_fps: f64, frame_rate: f64, start_s: f64, end_s: f64) -> Self {
        // The analyzer's own spacing rule accepts a frame one interval after the last, minus half
        // a source frame; allowing half a frame more than the interval keeps one decoded frame in
        // every such interval.
        let gap_s = 1.0 / max_fps + 0.5 / frame_rate.max(max_fps);
        Self {
            max_gap_us: (gap_s * 1e6) as i64,
            range_us: ((start_s * 1e6) as i64, (end_s * 1e6) as i64),
            decoded: Times::default(),
            references: Times::default(),
        }
    }

    /// Whether the packet presented at `pts_us`, of this kind, must be decoded. Call it for every
    /// packet of the track, in decode order.
    pub fn should_decode(&mut self, pts_us: i64, kind: FrameReference) -> bool {
        self.forget_before(pts_us - MEMORY_US);
        if kind != FrameReference::NonReference {
            self.references.insert(pts_us);
            self.decoded.insert(pts_us);
            return true;
        }
        // Outside the analysed range a frame matters only as a reference.
        if pts_us < self.range_us.0 || pts_us >= self.range_us.1 {
            return false;
        }
        let before = self.decoded.last_before(pts_us);
        let after = self.references.first_after(pts_us);
        let covered = matches!((before, after), (Some(b), Some(a)) if a - b <= self.max_gap_us);
        if !covered {
            self.decoded.insert(pts_us);
        }
        !covered
    }

    fn forget_before(&mut self, limit: i64) {
        self.decoded.forget_before(limit);
        self.references.forget_before(limit);
    }
}

/// A sorted set of presentation times: ten seconds of frames at most, so a sorted `Vec` (frames
/// arrive nearly in order, so an insert moves a few entries) rather than a `BTreeSet`, whose tree
/// code would be linked for this alone.
#[derive(Default)]
struct Times(Vec<i64>);

impl Times {
    fn insert(&mut self, t: i64) {
        if let Err(at) = self.0.binary_search(&t) {
            self.0.insert(at, t);
        }
    }

    /// The latest time before `t`.
    fn last_before(&self, t: i64) -> Option<i64> {
        let at = self.0.partition_point(|&x| x < t);
        at.checked_sub(1).map(|i| self.0[i])
    }

    /// The earliest time after `t`.
    fn first_after(&self, t: i64) -> Option<i64> {
        let at = self.0.partition_point(|&x| x <= t);
        self.0.get(at).copied()
    }

    fn forget_before(&mut self, limit: i64) {
        let at = self.0.partition_point(|&x| x < limit);
        self.0.drain(..at);
    }
}
