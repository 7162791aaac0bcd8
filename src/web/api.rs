//! wasm-bindgen exports used by `www/src/worker.ts`. Errors cross the boundary as JSON strings
//! `{"Code": ..., "Message": ...}` so the worker can report them unchanged.

use wasm_bindgen::prelude::*;

use super::source::JsByteSource;
use crate::analysis::{self, FrameView, PixelFormat, PlaneLayout, SourceAnalyzer};
use crate::engine;
use crate::job::validate::{parse_request, Capabilities};
use crate::media::{self, Demuxer, Packet};
use crate::ApiError;

pub(super) fn to_js(err: ApiError) -> JsValue {
    JsValue::from_str(&serde_json::to_string(&err).unwrap_or_else(|_| err.to_string()))
}

/// Splits `channels` planes laid end to end (as the worker copies `AudioData`) into slices.
pub(super) fn planar(data: &[f32], channels: usize) -> Option<Vec<&[f32]>> {
    if channels == 0 || data.len() < channels {
        return None;
    }
    Some(
        data.chunks_exact(data.len() / channels)
            .take(channels)
            .collect(),
    )
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

/// Streams one source's decoded frames and audio into features.
#[wasm_bindgen]
pub struct WasmAnalyzer {
    inner: SourceAnalyzer,
    /// Where `VideoFrame.copyTo` writes the next frame: inside wasm memory, so the pixels are
    /// copied once (decoder → here) instead of twice (decoder → JS buffer → wasm).
    frame_buf: Vec<u8>,
}

#[wasm_bindgen]
impl WasmAnalyzer {
    #[wasm_bindgen(constructor)]
    pub fn new(duration_s: f64, frame_rate: f64) -> WasmAnalyzer {
        WasmAnalyzer {
            inner: SourceAnalyzer::new(duration_s, frame_rate),
            frame_buf: Vec::new(),
        }
    }

    #[wasm_bindgen(js_name = wantsFrame)]
    pub fn wants_frame(&self, t_s: f64) -> bool {
        self.inner.wants_frame(t_s)
    }

    /// One frame as `VideoFrame.copyTo` wrote it: pixel format name, visible size, plane offsets
    /// and strides; `full_range` from `VideoFrame.colorSpace.fullRange`.
    #[wasm_bindgen(js_name = pushFrame)]
    #[allow(clippy::too_many_arguments)] // mirrors the VideoFrame fields one to one
    pub fn push_frame(
        &mut self,
        t_s: f64,
        format: &str,
        width: u32,
        height: u32,
        full_range: bool,
        data: &[u8],
        offsets: &[u32],
        strides: &[u32],
    ) -> Result<(), JsValue> {
        let format = PixelFormat::parse(format).map_err(to_js)?;
        let planes = offsets
            .iter()
            .zip(strides)
            .map(|(&offset, &stride)| PlaneLayout {
                offset: offset as usize,
                stride: stride as usize,
            })
            .collect();
        let frame = FrameView {
            format,
            width,
            height,
            data,
            planes,
            full_range,
        };
        self.inner.push_frame(t_s, &frame).map_err(to_js)
    }

    /// A buffer of `len` bytes in wasm memory for the next frame; returns its address. The worker
    /// views it as a `Uint8Array` over the wasm memory, has `copyTo` fill it, then calls
    /// [`WasmAnalyzer::push_frame_buffer`] (no other wasm call may run in between).
    #[wasm_bindgen(js_name = frameBuffer)]
    pub fn frame_buffer(&mut self, len: usize) -> *mut u8 {
        if self.frame_buf.len() < len {
            self.frame_buf.resize(len, 0);
        }
        self.frame_buf.as_mut_ptr()
    }

    /// Like [`WasmAnalyzer::push_frame`], for a frame already in [`WasmAnalyzer::frame_buffer`].
    #[wasm_bindgen(js_name = pushFrameBuffer)]
    #[allow(clippy::too_many_arguments)] // mirrors the VideoFrame fields one to one
    pub fn push_frame_buffer(
        &mut self,
        t_s: f64,
        format: &str,
        width: u32,
        height: u32,
        full_range: bool,
        len: usize,
        offsets: &[u32],
        strides: &[u32],
    ) -> Result<(), JsValue> {
        let buf = std::mem::take(&mut self.frame_buf);
        let data = &buf[..len.min(buf.len())];
        let result = self.push_frame(
            t_s, format, width, height, full_range, data, offsets, strides,
        );
        self.frame_buf = buf;
        result
    }

    /// Planar f32 audio: `channels` planes of equal length laid end to end in `data`.
    #[wasm_bindgen(js_name = pushAudio)]
    pub fn push_audio(&mut self, t_s: f64, sample_rate: u32, channels: usize, data: &[f32]) {
        if let Some(planes) = planar(data, channels) {
            self.inner.push_audio(t_s, sample_rate, &planes);
        }
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

    /// Finishes an analyzer and keeps its features; returns the source's index.
    #[wasm_bindgen(js_name = addSource)]
    pub fn add_source(&mut self, analyzer: WasmAnalyzer) -> usize {
        self.sources.push(analyzer.inner.finish());
        self.sources.len() - 1
    }

    /// Legal edit points of a source for the planner ([`analysis::SourceFeatures::cut_points`]).
    #[wasm_bindgen(js_name = cutPoints)]
    pub fn cut_points(&self, source: usize) -> Vec<f64> {
        self.sources
            .get(source)
            .map(analysis::SourceFeatures::cut_points)
            .unwrap_or_default()
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
