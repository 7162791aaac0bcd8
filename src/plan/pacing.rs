//! What ICE `HighlightStrategy.PlotPacingType` does to the clips of a reel.
//!
//! The cloud documentation names the parameter but not what its values do, so reelcut defines
//! them on the one thing pacing is made of, the length of the shots an editor keeps:
//! - **Normal** (the default): each highlight moment is kept whole where it fits; pieces under
//!   [`NORMAL_SHORT_S`] are taken only to fill the last seconds of a reel.
//! - **Fast**: quicker cutting. From each moment only its best piece of at most [`FAST_CLIP_S`]
//!   (cut at its shot cuts and speech pauses, like every trim), one piece per moment, so the reel
//!   jumps between more moments; only when the moments run out before the reel's target are more
//!   pieces of the same moments added.
//! - **Slow**: longer takes. Pieces under [`SLOW_SHORT_S`] count as short, so whole, long moments
//!   win and short ones only fill the end.
//!
//! The rules of every reel still hold: clips of at least the minimum length, cut only at legal
//! edit points, within `MaxDuration` and near `TargetDuration`.

pub use crate::job::spec::PlotPacing;

/// Fast pacing: the longest piece preferred from one moment.
pub const FAST_CLIP_S: f64 = 3.5;
/// Pieces shorter than this read as a flash rather than a moment (Normal and Fast).
pub const NORMAL_SHORT_S: f64 = 2.0;
/// Slow pacing: pieces shorter than this are "short".
pub const SLOW_SHORT_S: f64 = 5.0;

/// The planner's knobs for one pacing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PacingRule {
    /// Pieces longer than this are less preferred the longer they are (Fast).
    pub cap_s: Option<f64>,
    /// Pieces shorter than this lose value, so they only fill the end of a reel.
    pub short_s: f64,
    /// At most one piece of each moment until the moments run out (Fast).
    pub one_piece_per_moment: bool,
}

impl PacingRule {
    pub fn of(pacing: PlotPacing) -> Self {
        match pacing {
            PlotPacing::Fast => PacingRule {
                cap_s: Some(FAST_CLIP_S),
                short_s: NORMAL_SHORT_S,
                one_piece_per_moment: true,
            },
            PlotPacing::Normal => PacingRule {
                cap_s: None,
                short_s: NORMAL_SHORT_S,
                one_piece_per_moment: false,
            },
            PlotPacing::Slow => PacingRule {
                cap_s: None,
                short_s: SLOW_SHORT_S,
                one_piece_per_moment: false,
            },
        }
    }

    /// How much a piece of `len_s` seconds is wanted, in seconds of material: its length, or,
    /// past the cap, the cap less what runs over it (so the piece nearest the cap wins).
    pub fn length_value(&self, len_s: f64) -> f64 {
        match self.cap_s {
            Some(cap) if len_s > cap => cap - (len_s - cap),
            _ => len_s,
        }
    }
}
