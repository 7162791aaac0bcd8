//! What the scorer is asked for: a Retrieval's own highlights, or candidates for the planner.

use serde::{Deserialize, Serialize};

use crate::analysis::HighlightOptions;
use crate::job::spec::{JobSpec, SelectionMode};

/// Shortest highlight or clip, in seconds (SPEC section 7: "no clip shorter than about 1 s").
pub const MIN_CLIP_S: f64 = 1.0;
/// Longest highlight, in seconds (README: highlights last 1-15 s).
pub const MAX_CLIP_S: f64 = 15.0;
/// How many candidates the planner is offered: enough for several different reels of a long
/// input, few enough to keep planning instant.
pub const PLANNING_CANDIDATES: usize = 50;

/// Who the highlights are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    /// The result of a Retrieval: each highlight within `MaxDuration`, all of them together
    /// within `TargetDuration`.
    Retrieval,
    /// Candidates for the planner, which trims them to the reel's length itself: every candidate
    /// up to [`MAX_CLIP_S`], no total.
    Planning,
}

/// The scorer's options as they cross the wasm boundary (JSON); [`HighlightRequest::options`]
/// turns them into [`HighlightOptions`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HighlightRequest {
    /// Scene (by score) or Average (even slices).
    pub mode: SelectionMode,
    /// `Highlight.Content`: names the scoring profile.
    pub content: Option<String>,
    /// Shortest highlight, seconds.
    pub min_clip_s: f64,
    /// Longest highlight, seconds.
    pub max_clip_s: f64,
    /// How many highlights; `None` = the scorer's own rule.
    pub max_count: Option<usize>,
    /// Cap on the summed highlight length, seconds.
    pub target_total_s: Option<f64>,
    /// Per source, the analysed range `(start, end)` in source seconds.
    pub ranges: Vec<(f64, f64)>,
}

impl HighlightRequest {
    /// The scorer's options, with the profile `content` names (and its note when unknown).
    pub fn options(&self) -> HighlightOptions {
        let mut options = HighlightOptions::with_content(self.content.as_deref());
        options.mode = self.mode;
        options.min_clip_s = self.min_clip_s;
        options.max_clip_s = self.max_clip_s;
        options.max_count = self.max_count;
        options.target_total_s = self.target_total_s;
        options.ranges = self.ranges.clone();
        options
    }
}

/// What to ask the scorer for, given the job and the analysed range of each source.
pub fn highlight_request(
    spec: &JobSpec,
    purpose: Purpose,
    ranges: Vec<(f64, f64)>,
) -> HighlightRequest {
    // Durations are output seconds; highlights are source time, which plays slower at `Speed`
    // (only set when the highlights are written as files).
    let source_s = |out_s: f64| out_s * spec.speed;
    let (max_clip_s, max_count, target_total_s) = match purpose {
        Purpose::Retrieval => (
            spec.max_duration_s
                .map_or(MAX_CLIP_S, source_s)
                .clamp(MIN_CLIP_S, MAX_CLIP_S),
            None,
            spec.target_duration_s.map(source_s),
        ),
        Purpose::Planning => (MAX_CLIP_S, Some(PLANNING_CANDIDATES), None),
    };
    HighlightRequest {
        mode: spec.mode,
        content: spec.content.clone(),
        min_clip_s: MIN_CLIP_S,
        max_clip_s,
        max_count,
        target_total_s,
        ranges,
    }
}
