//! wasm-bindgen exports used by `www/src/worker.ts`. Errors cross the boundary as JSON strings
//! `{"Code": ..., "Message": ...}` so the worker can report them unchanged.

use wasm_bindgen::prelude::*;

use super::analyse::WasmAnalysedSource;
use super::source::JsByteSource;
use crate::analysis;
use crate::engine;
use crate::job::validate::{parse_request, Capabilities};
use crate::media::{self, Demuxer, Packet};
use crate::ApiError;

pub(super) fn to_js(err: ApiError) -> JsValue {
    JsValue::from_str(&serde_json::to_string(&err).unwrap_or_else(|_| err.to_string()))
}

/// Parses a JSON value the worker built from engine output (a failure is a bug: `Internal`).
pub(super) fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, JsValue> {
    serde_json::from_str(text).map_err(|e| to_js(ApiError::internal(format!("bad {what}: {e}"))))
}

pub(super) fn json<T: serde::Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| to_js(ApiError::internal(e.to_string())))
}

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Validates a request of either API; returns the internal JobSpec as JSON.
#[wasm_bindgen(js_name = validateRequest)]
pub fn validate_request(action: &str, request_json: &str) -> Result<String, JsValue> {
    let request: serde_json::Value = serde_json::from_str(request_json).map_err(|e| {
        to_js(ApiError::invalid_parameter(
            "Request",
            format!("not valid JSON: {e}"),
        ))
    })?;
    let spec = parse_request(action, &request, &Capabilities::with_render()).map_err(to_js)?;
    json(&spec)
}

/// A demuxed input, read through a JS reader object (see `source.rs`).
#[wasm_bindgen]
pub struct WasmDemuxer {
    inner: Box<dyn Demuxer>,
}

#[wasm_bindgen]
impl WasmDemuxer {
    #[wasm_bindgen(constructor)]
    pub fn open(reader: JsValue) -> Result<WasmDemuxer, JsValue> {
        let source = JsByteSource::new(reader).map_err(to_js)?;
        let inner = media::open(Box::new(source)).map_err(to_js)?;
        Ok(WasmDemuxer { inner })
    }

    /// `MediaInfo` as JSON: container, duration, tracks with codec strings and geometry.
    #[wasm_bindgen(js_name = infoJson)]
    pub fn info_json(&self) -> Result<String, JsValue> {
        json(self.inner.info())
    }

    /// The next packet in file order, or `undefined` at the end.
    #[wasm_bindgen(js_name = nextPacket)]
    pub fn next_packet(&mut self) -> Result<Option<WasmPacket>, JsValue> {
        Ok(self
            .inner
            .next_packet()
            .map_err(to_js)?
            .map(|p| WasmPacket { inner: p }))
    }

    pub fn seek(&mut self, time_s: f64) -> Result<(), JsValue> {
        self.inner.seek(time_s).map_err(to_js)
    }
}

#[wasm_bindgen]
pub struct WasmPacket {
    inner: Packet,
}

#[wasm_bindgen]
impl WasmPacket {
    #[wasm_bindgen(getter, js_name = trackId)]
    pub fn track_id(&self) -> u32 {
        self.inner.track_id
    }
    /// Microseconds (f64: exact for any realistic media length).
    #[wasm_bindgen(getter)]
    pub fn pts(&self) -> f64 {
        self.inner.pts_us as f64
    }
    #[wasm_bindgen(getter)]
    pub fn duration(&self) -> f64 {
        self.inner.duration_us as f64
    }
    #[wasm_bindgen(getter, js_name = isKey)]
    pub fn is_key(&self) -> bool {
        self.inner.is_key
    }
    /// The compressed bytes, copied out to a fresh `Uint8Array`.
    #[wasm_bindgen(getter)]
    pub fn data(&self) -> Vec<u8> {
        self.inner.data.clone()
    }
}

/// Collects the analysed sources of one job and ranks their highlights.
#[wasm_bindgen]
#[derive(Default)]
pub struct WasmHighlightSession {
    sources: Vec<analysis::SourceFeatures>,
}

#[wasm_bindgen]
impl WasmHighlightSession {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmHighlightSession {
        WasmHighlightSession::default()
    }

    /// Keeps an analysed source's features; returns the source's index.
    #[wasm_bindgen(js_name = addSource)]
    pub fn add_source(&mut self, source: &mut WasmAnalysedSource) -> Result<usize, JsValue> {
        let analyzer = source
            .analyzer
            .take()
            .ok_or_else(|| to_js(ApiError::internal("source added to a session twice")))?;
        self.sources.push(analyzer.finish());
        Ok(self.sources.len() - 1)
    }

    /// Legal edit points of a source for the planner ([`analysis::SourceFeatures::cut_points`]).
    #[wasm_bindgen(js_name = cutPoints)]
    pub fn cut_points(&self, source: usize) -> Vec<f64> {
        self.sources
            .get(source)
            .map(analysis::SourceFeatures::cut_points)
            .unwrap_or_default()
    }

    /// The hard cuts of a source as JSON ([`analysis::SourceFeatures::cut_windows`]), for the
    /// engine's `SourceInput.cuts`: clip edges on them are trimmed to the exact frame.
    #[wasm_bindgen(js_name = cutWindows)]
    pub fn cut_windows(&self, source: usize) -> Result<String, JsValue> {
        json(
            &self
                .sources
                .get(source)
                .map(analysis::SourceFeatures::cut_windows)
                .unwrap_or_default(),
        )
    }

    /// Runs the scorer; `request_json` is an [`engine::HighlightRequest`] (see
    /// `highlightRequest`). Returns the report JSON.
    #[wasm_bindgen(js_name = findHighlights)]
    pub fn find_highlights(&self, request_json: &str) -> Result<String, JsValue> {
        let request: engine::HighlightRequest = serde_json::from_str(request_json)
            .map_err(|e| to_js(ApiError::internal(format!("bad highlight request: {e}"))))?;
        json(&analysis::score::find_highlights(
            &self.sources,
            &request.options(),
        ))
    }
}
