//! wasm-bindgen exports for planning: the reels of a job, a Concat, the output size.
//! Configuration crosses the boundary as JSON.

use wasm_bindgen::prelude::*;

use super::api::{json, to_js};
use crate::plan::{self, Candidate, CutPoints, PlanConfig, SourceMeta};
use crate::render::{self, SourceGeometry};
use crate::ApiError;

fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, JsValue> {
    serde_json::from_str(text).map_err(|e| to_js(ApiError::internal(format!("bad {what}: {e}"))))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlanInput {
    sources: Vec<SourceMeta>,
    candidates: Vec<Candidate>,
    cuts: Vec<CutPoints>,
    config: PlanConfig,
}

/// Plans the reels of a Compose / screen-highlights job; returns the `Plan` JSON.
#[wasm_bindgen(js_name = planReels)]
pub fn plan_reels(input_json: &str) -> Result<String, JsValue> {
    let input: PlanInput = parse("plan input", input_json)?;
    json(&plan::plan_reels(
        &input.sources,
        &input.candidates,
        &input.cuts,
        &input.config,
    ))
}

/// Plans a Concat: `ranges_json` is `[[source, start_s, duration_s], ...]`.
#[wasm_bindgen(js_name = planConcat)]
pub fn plan_concat(sources_json: &str, ranges_json: &str) -> Result<String, JsValue> {
    let sources: Vec<SourceMeta> = parse("sources", sources_json)?;
    let ranges: Vec<(usize, f64, f64)> = parse("ranges", ranges_json)?;
    json(&plan::plan_concat(&sources, &ranges).map_err(to_js)?)
}

/// The output size for these sources: the requested one, or the largest input's display size;
/// always even. Returns `[width, height]`.
#[wasm_bindgen(js_name = outputSize)]
pub fn output_size(sources_json: &str, width: u32, height: u32) -> Result<Vec<u32>, JsValue> {
    let sources: Vec<SourceGeometry> = parse("source geometry", sources_json)?;
    let requested = (width > 0 || height > 0).then_some((width, height));
    let (w, h) = render::output_size(&sources, requested);
    Ok(vec![w, h])
}
