//! wasm-bindgen exports of `src/engine/`: the job's stage options, computed from the validated
//! JobSpec (JSON, as `validateRequest` returned it) and facts about the inputs. JSON in, JSON out.

use wasm_bindgen::prelude::*;

use super::api::{json, parse, to_js};
use crate::engine::{self, Purpose, SourceInput};
use crate::job::spec::JobSpec;
use crate::plan::{Candidate, CutPoints, Reel};

fn metas(sources: &[SourceInput]) -> Vec<crate::plan::SourceMeta> {
    sources.iter().map(SourceInput::meta).collect()
}

/// The scorer's options for this job (`purpose`: `Retrieval` or `Planning`); `ranges_json` is
/// `[[start_s, end_s], ...]` per source. Pass the result to `WasmHighlightSession.findHighlights`.
#[wasm_bindgen(js_name = highlightRequest)]
pub fn highlight_request(
    spec_json: &str,
    purpose: &str,
    ranges_json: &str,
) -> Result<String, JsValue> {
    let spec: JobSpec = parse("job spec", spec_json)?;
    let purpose: Purpose = parse("purpose", &format!("\"{purpose}\""))?;
    let ranges: Vec<(f64, f64)> = parse("ranges", ranges_json)?;
    json(&engine::highlight_request(&spec, purpose, ranges))
}

/// Plans the reels of a Compose / screen-highlights job: `sources_json` is `SourceInput[]`,
/// `candidates_json` the scorer's highlights, `cuts_json` `CutPoints[]`. Returns the `Plan`.
#[wasm_bindgen(js_name = planJobReels)]
pub fn plan_job_reels(
    spec_json: &str,
    sources_json: &str,
    candidates_json: &str,
    cuts_json: &str,
) -> Result<String, JsValue> {
    let spec: JobSpec = parse("job spec", spec_json)?;
    let sources: Vec<SourceInput> = parse("sources", sources_json)?;
    let candidates: Vec<Candidate> = parse("candidates", candidates_json)?;
    let cuts: Vec<CutPoints> = parse("cut points", cuts_json)?;
    json(&engine::plan_reels(
        &spec,
        &metas(&sources),
        &candidates,
        &cuts,
    ))
}

/// Plans a Concat from the request's ranges; returns the `Plan`.
#[wasm_bindgen(js_name = planJobConcat)]
pub fn plan_job_concat(spec_json: &str, sources_json: &str) -> Result<String, JsValue> {
    let spec: JobSpec = parse("job spec", spec_json)?;
    let sources: Vec<SourceInput> = parse("sources", sources_json)?;
    json(&engine::plan_concat(&spec, &metas(&sources)).map_err(to_js)?)
}

/// One single-clip reel per highlight (a Retrieval's per-highlight files); returns `Reel[]`.
#[wasm_bindgen(js_name = exportReels)]
pub fn export_reels(candidates_json: &str) -> Result<String, JsValue> {
    let candidates: Vec<Candidate> = parse("candidates", candidates_json)?;
    json(&engine::export_reels(&candidates))
}

/// What to render and record for each reel: `{settings: RenderSettings, outputs: ReelOutput[]}`.
#[wasm_bindgen(js_name = jobOutputs)]
pub fn job_outputs(
    spec_json: &str,
    sources_json: &str,
    reels_json: &str,
) -> Result<String, JsValue> {
    let spec: JobSpec = parse("job spec", spec_json)?;
    let sources: Vec<SourceInput> = parse("sources", sources_json)?;
    let reels: Vec<Reel> = parse("reels", reels_json)?;
    let settings = engine::render_settings(&spec, &sources);
    let outputs = engine::reel_outputs(&spec, &settings, &sources, &reels);
    json(&serde_json::json!({ "settings": settings, "outputs": outputs }))
}
