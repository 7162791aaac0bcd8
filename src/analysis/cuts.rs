//! Legal edit points of one source: where a clip may start or end (SPEC section 7: on shot cuts or
//! in speech pauses, never mid-word). The scorer cuts highlights at these and the planner trims
//! clips at them, so the rule is written here once.

use crate::sort;
use serde::{Deserialize, Serialize};

use super::frames::{pan_residual, FLASH_RISE};
use super::{BoundaryKind, FrameFeatures, SourceFeatures, Thumbnail};

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
    cut_index(frames).map(|k| frames[k].0)
}

/// Index in `frames` of the first frame of the new shot (see [`exact_cut`]).
fn cut_index(frames: &[(f64, Thumbnail)]) -> Option<usize> {
    (1..frames.len())
        .map(|k| (k, luma_difference(&frames[k - 1].1, &frames[k].1)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
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

/// How much more the picture must change at a candidate's cut frame than between any other two
/// decoded frames of its window (after the best pan) for the cut to be sharp: one instant change
/// with a steady picture on both sides, as a hard cut is, and as steady motion is not.
pub const SHARP_CUT_RATIO: f32 = 3.0;

/// One resolved candidate.
#[derive(Debug, Clone, Copy)]
struct Refined {
    /// The analysed frames on either side.
    before: f64,
    after: f64,
    window: CutWindow,
    /// See [`SHARP_CUT_RATIO`]; false when no frame between was decoded (nothing to compare).
    sharp: bool,
}

/// Takes hard cuts from the analysis sampling grid to the decoder's frames while a source is
/// analysed. Analysis samples at most [`super::DEFAULT_MAX_ANALYSIS_FPS`], so a cut found between
/// two analysed frames may lie at any decoded frame between them. When an analysed frame changes
/// enough from the one before to be a cut candidate ([`super::shots::MIN_CUT_CHANGE`]), the caller
/// hands over the decoded frames in between ([`CutRefiner::between`]); [`exact_cut`] over them
/// gives the cut frame, and the window shrinks to it. Only the two latest analysed thumbnails and
/// one candidate's frames are held at a time, so memory stays flat.
pub struct CutRefiner {
    frame_dur: f64,
    last: Option<(f64, Thumbnail)>,
    /// The open candidate: the analysed frames on both sides, then the frames between.
    open: Option<Vec<(f64, Thumbnail)>>,
    /// Refined candidates in time order.
    refined: Vec<Refined>,
}

impl CutRefiner {
    /// For a source whose frames last `frame_dur` seconds.
    pub fn new(frame_dur: f64) -> Self {
        Self {
            frame_dur,
            last: None,
            open: None,
            refined: Vec::new(),
        }
    }

    /// An analysed frame at `t` (after every earlier one) that changed by `change` from the
    /// analysed frame before it.
    pub fn analysed(&mut self, t: f64, thumb: Thumbnail, change: f32) {
        self.close();
        let before = self.last.take();
        if let Some(before) = before.filter(|_| change >= super::shots::MIN_CUT_CHANGE) {
            self.open = Some(vec![before, (t, thumb.clone())]);
        }
        self.last = Some((t, thumb));
    }

    /// Whether the frames decoded between the last two analysed frames are wanted.
    pub fn wants_between(&self) -> bool {
        self.open.is_some()
    }

    /// A decoded frame at `t` between the last two analysed ones (others are ignored).
    pub fn between(&mut self, t: f64, thumb: Thumbnail) {
        if let Some(open) = self.open.as_mut() {
            if t > open[0].0 && t < open[1].0 && open.iter().all(|f| f.0 != t) {
                open.push((t, thumb));
            }
        }
    }

    /// Resolves the open candidate: the cut lies at the frame that differs most from the one
    /// before; where that pair is consecutive decoded frames (at most 1.5 frame durations apart),
    /// the cut is exact and the old shot ends where the new one starts. A flash between them (a
    /// frame a flash's rise brighter than both analysed ends, which the sampling did not see)
    /// belongs to neither shot: it is left out, and the old shot ends where it begins.
    fn close(&mut self) {
        let Some(mut frames) = self.open.take() else {
            return;
        };
        if frames.len() < 3 {
            return;
        }
        let (before, after) = (frames[0].0, frames[1].0);
        let mean = |th: &Thumbnail| th.luma.iter().sum::<f32>() / th.luma.len().max(1) as f32;
        let ends = mean(&frames[0].1).max(mean(&frames[1].1));
        let (flashes, mut frames): (Vec<_>, Vec<_>) = frames
            .drain(..)
            .partition(|f| f.0 != before && f.0 != after && mean(&f.1) >= ends + FLASH_RISE);
        sort::sort_by(&mut frames, |a, b| a.0.total_cmp(&b.0));
        let Some(k) = cut_index(&frames) else {
            return;
        };
        let (a, b) = (frames[k - 1].0, frames[k].0);
        let flash = flashes
            .iter()
            .map(|f| f.0)
            .filter(|&t| t > a && t < b)
            .fold(f64::INFINITY, f64::min);
        let start = if flash.is_finite() {
            flash
        } else if b - a <= 1.5 * self.frame_dur {
            b
        } else {
            (a + self.frame_dur).min(b)
        };
        let residual = |j: usize| pan_residual(&frames[j - 1].1.luma, &frames[j].1.luma);
        let side = (1..frames.len())
            .filter(|&j| j != k)
            .map(residual)
            .fold(0.0, f32::max);
        self.refined.push(Refined {
            before,
            after,
            window: CutWindow { start, end: b },
            sharp: frames.len() > 2 && residual(k) >= SHARP_CUT_RATIO * side.max(1.0),
        });
    }

    /// Marks the analysed frames that end a sharp candidate ([`FrameFeatures::sharp_cut`]), for
    /// [`super::shots::detect`]; call once all frames are in.
    pub fn mark(&mut self, frames: &mut [FrameFeatures]) {
        self.close();
        for r in self.refined.iter().filter(|r| r.sharp) {
            let i = frames.partition_point(|f| f.t < r.after);
            if let Some(f) = frames.get_mut(i).filter(|f| f.t == r.after) {
                f.sharp_cut = true;
            }
        }
    }

    /// Moves each hard cut of `shots` (from [`super::shots::detect`]) found at a candidate's
    /// analysed frame to the candidate's refined window.
    pub fn apply(mut self, shots: &mut [super::ShotBoundary]) {
        self.close();
        for b in shots.iter_mut().filter(|b| b.kind == BoundaryKind::Cut) {
            let i = self.refined.partition_point(|r| r.after < b.end);
            let Some(r) = self.refined.get(i).filter(|r| r.after == b.end) else {
                continue;
            };
            let ends_at = |r: &Refined| ((r.before + self.frame_dur).min(r.after) - b.start).abs();
            if ends_at(r) < 1e-9 {
                b.start = r.window.start;
            } else if let Some(into) = self.refined.iter().find(|x| ends_at(x) < 1e-9) {
                // Across a flash the old shot ends where the flash begins: the candidate that
                // opened on the old shot's last analysed frame found that frame.
                b.start = into.window.start;
            }
            b.end = r.window.end;
            b.t = r.window.end;
        }
    }
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
        sort::sort_by(&mut times, f64::total_cmp);
        times.dedup();
        times
    }
}
