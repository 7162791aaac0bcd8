//! The one place that maps a validated [`crate::job::spec::JobSpec`] to the options of each stage: what to ask the
//! scorer for, how to configure the planner, and what to render and record for each reel.
//!
//! Pure functions of the request and of facts about the inputs ([`SourceInput`]); no browser
//! types, so every rule is tested natively (`tests/engine.rs`). The browser worker
//! (`www/src/jobs.ts`) only decides which stage runs when and moves data between them; it calls
//! these through `src/web/engine.rs` and never re-derives a rule.
//!
//! The rules, each in one function:
//! - highlight options: [`highlight_request`] (a Retrieval's own highlights vs candidates for the
//!   planner);
//! - plan config: [`plan_config`] (count, durations, hook, transitions, [`request_seed`]);
//!   Concat ranges: [`concat_ranges`]; per-highlight exports: [`export_reels`];
//! - output: [`render_settings`] (size per [`output_size`], frame rate per [`frame_rate`], GOP,
//!   placement per [`placement`], source volume, encoder wishes), and per reel [`reel_outputs`]
//!   (location with `{index}`, the render plan with its transition overlaps, the record's clips);
//! - progress: [`progress`] shares the job's progress between its stages by their estimated cost.

mod highlights;
mod output;
mod planning;
pub mod progress;
mod result;

use serde::{Deserialize, Serialize};

use crate::analysis::SubjectTrack;
use crate::plan::SourceMeta;
use crate::render::{CutWindow, SourceGeometry};

pub use highlights::{highlight_request, HighlightRequest, Purpose};
pub use output::{
    crop_mode, frame_rate, length_field, music_bed, output_clips, output_size, placement,
    reel_outputs, render_plan, render_settings, round_ms, with_bookend_sound, AudioEncoding,
    CropMode, OutputClip, ReelOutput, RenderSettings, VideoEncoding,
};
pub use planning::{
    concat_ranges, export_reels, plan_concat, plan_config, plan_reels, request_seed,
};
pub use result::{
    analysed_source_summary, attach_score_curves, highlight_records, rendered_output, source_input,
    source_summary, unrendered_output, Delivery, HighlightRecord, JobResult, MusicRecord,
    OutputFile, OutputRecord, OutputStatus, ScoreCurve, SourceSummary, SubJob, TimeSpan,
    WrittenOutput,
};

/// What the engine needs to know about one demuxed input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceInput {
    /// Length in seconds (0 or not finite = unknown).
    pub duration_s: f64,
    /// Whether the input has an audio track.
    pub has_audio: bool,
    /// Nominal frame rate of the video track (0 = unknown).
    pub frame_rate: f64,
    /// Display geometry of the video track.
    pub geometry: SourceGeometry,
    /// The source's hard cuts, from the analysis (none for a Concat, which is not analysed).
    #[serde(default)]
    pub cuts: Vec<CutWindow>,
    /// The subject of each analysed frame, which a crop across an aspect change follows; `None`
    /// when the source was not analysed (a Concat): the crop is then centred.
    #[serde(default)]
    pub subject: Option<SubjectTrack>,
}

impl SourceInput {
    /// The planner's view of the input.
    pub fn meta(&self) -> SourceMeta {
        SourceMeta {
            duration_s: self.duration_s,
            has_audio: self.has_audio,
        }
    }
}
