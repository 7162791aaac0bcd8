//! Which video packets analysis decodes at all.
//!
//! Analysis samples at most [`super::DEFAULT_MAX_ANALYSIS_FPS`] frames a second. A frame that no
//! other frame refers to ([`FrameReference::NonReference`], from the packet's headers) is decoded
//! only when the analysis needs it as a sample: when the decoded frames around it would otherwise
//! leave a gap longer than `max_gap`. Reference frames (and frames that could not be classified)
//! are always decoded, since later frames depend on them. Decisions are made in decode order:
//! for B-frames the reference that follows a frame in display order is already known then; where
//! it is not (non-reference P-frames of temporal layers), the frame is decoded.

use std::collections::BTreeSet;

use crate::media::bitstream::FrameReference;

/// How far back decode decisions are remembered (a GOP's reordering never reaches further).
const MEMORY_US: i64 = 10_000_000;

pub struct DecodePlan {
    max_gap_us: i64,
    range_us: (i64, i64),
    /// Presentation times of recent frames that were (or will be) decoded.
    decoded: BTreeSet<i64>,
    /// Presentation times of recent reference frames.
    references: BTreeSet<i64>,
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
            decoded: BTreeSet::new(),
            references: BTreeSet::new(),
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
        let before = self.decoded.range(..pts_us).next_back().copied();
        let after = self.references.range(pts_us + 1..).next().copied();
        let covered = matches!((before, after), (Some(b), Some(a)) if a - b <= self.max_gap_us);
        if !covered {
            self.decoded.insert(pts_us);
        }
        !covered
    }

    fn forget_before(&mut self, limit: i64) {
        for set in [&mut self.decoded, &mut self.references] {
            while set.first().is_some_and(|&t| t < limit) {
                set.pop_first();
            }
        }
    }
}
