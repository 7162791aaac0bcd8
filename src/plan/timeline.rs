//! Output-time layout of a reel, for the renderer and for duration bookkeeping.

use serde::{Deserialize, Serialize};

use super::Reel;

/// Where one clip of a reel sits in the output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// Index of the clip in [`Reel::clips`].
    pub clip: usize,
    /// Output time at which the clip's first frame shows (the transition into it starts here).
    pub out_start_s: f64,
    /// Output time just after the clip's last frame: `out_start_s + clip length`.
    pub out_end_s: f64,
    /// Overlap with the previous clip (its transition's duration; 0 for a hard cut and clip 0).
    pub transition_in_s: f64,
}

/// Lays a reel out on the output time line.
///
/// Clip `i` starts where clip `i - 1` ends minus the duration of clip `i`'s transition, because a
/// transition shows both clips at once. The last entry's `out_end_s` equals
/// [`Reel::duration_s`]. Clips with an inverted range count as zero length rather than moving
/// time backwards.
pub fn reel_timeline(reel: &Reel) -> Vec<TimelineEntry> {
    let mut entries = Vec::with_capacity(reel.clips.len());
    let mut prev_end = 0.0_f64;
    for (i, clip) in reel.clips.iter().enumerate() {
        let len = clip.len_s().max(0.0);
        let overlap = if i == 0 {
            0.0
        } else {
            transition_s(clip.transition_in.as_ref())
        };
        let out_start_s = (prev_end - overlap).max(0.0);
        let out_end_s = out_start_s + len;
        entries.push(TimelineEntry {
            clip: i,
            out_start_s,
            out_end_s,
            transition_in_s: overlap,
        });
        prev_end = out_end_s;
    }
    entries
}

/// Effective overlap of a transition: its duration when positive and finite, else 0 (hard cut).
pub(super) fn transition_s(t: Option<&super::TransitionItem>) -> f64 {
    match t {
        Some(t) if t.duration_s.is_finite() && t.duration_s > 0.0 => t.duration_s,
        _ => 0.0,
    }
}

/// Output duration of a reel: the end of its last clip on the time line.
pub(super) fn reel_duration(reel: &Reel) -> f64 {
    reel_timeline(reel).last().map_or(0.0, |e| e.out_end_s)
}
