//! Legal edit points of one source: where a clip may start or end (SPEC section 7: on shot cuts or
//! in speech pauses, never mid-word). The scorer cuts highlights at these and the planner trims
//! clips at them, so the rule is written here once.

use serde::{Deserialize, Serialize};

use super::{BoundaryKind, SourceFeatures, Thumbnail};

/// Most seconds a clip edge inside a speech pause keeps away from the speech around it: a long
/// pause is entered late and left early, so a clip carries little dead air; a pause shorter than
/// twice this is cut in its middle.
pub const PAUSE_EDGE_S: f64 = 0.2;

/// What makes a time a legal edit point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    /// A side of a shot boundary (a shot's first or last frame); speech may run across it.
    Shot,
    /// Inside a speech pause: never mid-word.
    Pause,
}

/// One legal edit point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EditPoint {
    /// Source seconds.
    pub t: f64,
    pub kind: EditKind,
}

/// Where a hard cut lies as analysis saw it: between `start` (the old shot's last analysed frame)
/// and `end` (the new shot's first analysed frame). Frames in between were not analysed (or not
/// decoded), so the exact cut frame is found while rendering ([`exact_cut`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CutWindow {
    pub start: f64,
    pub end: f64,
}

impl CutWindow {
    /// Whether a clip edge at `t` lies on this cut (within `slack` seconds of the window).
    pub fn holds(&self, t: f64, slack: f64) -> bool {
        t >= self.start - slack && t <= self.end + slack
    }
}

/// The presentation time of the first frame of the new shot among `frames` (time order, the
/// frames around one [`CutWindow`]): the frame that differs most from the one before it, by mean
/// absolute luma difference of their thumbnails. `None` with fewer than two frames.
pub fn exact_cut(frames: &[(f64, Thumbnail)]) -> Option<f64> {
    frames
        .windows(2)
        .map(|w| (w[1].0, luma_difference(&w[0].1, &w[1].1)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, _)| t)
}

fn luma_difference(a: &Thumbnail, b: &Thumbnail) -> f32 {
    let n = a.luma.len().min(b.luma.len()).max(1) as f32;
    a.luma
        .iter()
        .zip(&b.luma)
        .map(|(x, y)| (x - y).abs())
        .sum::<f32>()
        / n
}

impl SourceFeatures {
    /// The hard cuts of the source (fades and dissolves have no single cut frame).
    pub fn cut_windows(&self) -> Vec<CutWindow> {
        self.shots
            .iter()
            .filter(|s| s.kind == BoundaryKind::Cut && s.start.is_finite() && s.end.is_finite())
            .map(|s| CutWindow {
                start: s.start,
                end: s.end,
            })
            .collect()
    }

    /// Where a clip may start: just after each shot boundary (its `end`, the new shot's first
    /// frame) and, in each speech pause, [`PAUSE_EDGE_S`] before the speech resumes (the middle of
    /// a shorter pause). In time order per kind; not merged.
    pub fn clip_starts(&self) -> Vec<EditPoint> {
        let shots = self.shots.iter().map(|s| EditPoint {
            t: s.end,
            kind: EditKind::Shot,
        });
        let pauses = self.pauses.iter().map(|p| EditPoint {
            t: (0.5 * (p.start + p.end)).max(p.end - PAUSE_EDGE_S),
            kind: EditKind::Pause,
        });
        shots.chain(pauses).collect()
    }

    /// Where a clip may end: just before each shot boundary (its `start`, the old shot's last
    /// frame) and, in each speech pause, [`PAUSE_EDGE_S`] after the speech stopped (the middle of a
    /// shorter pause).
    pub fn clip_ends(&self) -> Vec<EditPoint> {
        let shots = self.shots.iter().map(|s| EditPoint {
            t: s.start,
            kind: EditKind::Shot,
        });
        let pauses = self.pauses.iter().map(|p| EditPoint {
            t: (0.5 * (p.start + p.end)).min(p.start + PAUSE_EDGE_S),
            kind: EditKind::Pause,
        });
        shots.chain(pauses).collect()
    }

    /// Every legal edit point, sorted and without repeats: the planner trims either side of a
    /// clip at any of them, so it gets starts and ends together.
    pub fn cut_points(&self) -> Vec<f64> {
        let mut times: Vec<f64> = self
            .clip_starts()
            .into_iter()
            .chain(self.clip_ends())
            .map(|e| e.t)
            .filter(|t| t.is_finite())
            .collect();
        times.sort_by(f64::total_cmp);
        times.dedup();
        times
    }
}
