//! Legal edit points of one source: where a clip may start or end (SPEC section 7: on shot cuts or
//! in speech pauses, never mid-word). The scorer cuts highlights at these and the planner trims
//! clips at them, so the rule is written here once.

use super::SourceFeatures;

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

impl SourceFeatures {
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
