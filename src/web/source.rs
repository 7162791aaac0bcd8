//! A [`ByteSource`] backed by a JavaScript reader object.
//!
//! The worker passes `{ size: number, read(offset: number, length: number): Uint8Array }`, backed by
//! `FileReaderSync` over a `Blob`, an OPFS sync access handle or synchronous HTTP Range requests.
//! Reads are synchronous so the demuxer stays a plain pull parser.

use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::media::ByteSource;
use crate::ApiError;

pub struct JsByteSource {
    reader: JsValue,
    read: Function,
    size: u64,
}

impl JsByteSource {
    pub fn new(reader: JsValue) -> Result<Self, ApiError> {
        let size = Reflect::get(&reader, &"size".into())
            .ok()
            .and_then(|v| v.as_f64())
            .ok_or_else(|| ApiError::internal("reader object has no numeric `size`"))?;
        let read = Reflect::get(&reader, &"read".into())
            .ok()
            .and_then(|v| v.dyn_into::<Function>().ok())
            .ok_or_else(|| ApiError::internal("reader object has no `read` function"))?;
        Ok(Self {
            reader,
            read,
            size: size as u64,
        })
    }
}

/// Awaits a reader the shell opens: its failures are the input's (`InvalidMedia.*`).
pub(super) async fn settle(
    promise: Result<js_sys::Promise, ApiError>,
) -> Result<JsValue, ApiError> {
    wasm_bindgen_futures::JsFuture::from(promise?)
        .await
        .map_err(js_error_to_api)
}

/// Turns an exception thrown by the JS reader into an ApiError; readers throw `Error`s whose
/// message starts with a cloud-style code (`InvalidMedia.NotFound: ...`) when they know it.
pub fn js_error_to_api(err: JsValue) -> ApiError {
    js_error(err, |m| {
        ApiError::corrupt(format!("reading the input failed: {m}"))
    })
}

/// A JS exception as an [`ApiError`]: a message that starts with a cloud-style code
/// (`InvalidMedia.NotFound: ...`, thrown by the shell's readers and delivery) keeps its code;
/// anything else becomes `fallback(message)`.
pub fn js_error(err: JsValue, fallback: impl FnOnce(String) -> ApiError) -> ApiError {
    let message = err
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| format!("{err:?}"));
    let coded = |code: &str| {
        ["InvalidMedia.", "InvalidParameter.", "Job.", "Output."]
            .iter()
            .any(|p| code.starts_with(p))
            || code == "Internal"
    };
    match message.split_once(": ") {
        Some((code, rest)) if coded(code) => ApiError::new(code, rest),
        _ => fallback(message),
    }
}

/// The reader belongs to the demuxer reading it: dropping the demuxer releases it (an OPFS sync
/// access handle blocks other readers of the file until it is closed).
impl Drop for JsByteSource {
    fn drop(&mut self) {
        if let Ok(close) = Reflect::get(&self.reader, &"close".into()) {
            if let Some(close) = close.dyn_ref::<Function>() {
                let _ = close.call0(&self.reader);
            }
        }
    }
}

impl ByteSource for JsByteSource {
    fn len(&self) -> u64 {
        self.size
    }

    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ApiError> {
        let len = len.min(self.size.saturating_sub(offset) as usize);
        if len == 0 {
            return Ok(Vec::new());
        }
        let bytes = self
            .read
            .call2(
                &self.reader,
                &JsValue::from_f64(offset as f64),
                &JsValue::from_f64(len as f64),
            )
            .map_err(js_error_to_api)?;
        let bytes: Uint8Array = bytes
            .dyn_into()
            .map_err(|_| ApiError::internal("reader.read did not return a Uint8Array"))?;
        Ok(bytes.to_vec())
    }
}
