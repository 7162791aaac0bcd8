//! Where an output file goes while it is written: the shell's `OutputSink` (`www/src/sink.ts`, a
//! work file in OPFS or Blobs in memory). The muxer streams the body into it; the job asks it for
//! the whole file at the end and releases it whatever happened.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::codec::{js_message, wasm_view};
use super::source::js_error;
use crate::ApiError;

#[wasm_bindgen(typescript_custom_section)]
const OUTPUT_SINK: &str = r#"
/** Receives one output file as it is written (`www/src/sink.ts`). */
export interface OutputSink {
  /** `bytes` views wasm memory and is valid only during the call: keep a copy, never the view. */
  write(bytes: Uint8Array<ArrayBuffer>): void;
  /** The whole file: the container's head, the body written so far, its tail. */
  finish(head: Uint8Array<ArrayBuffer>, tail: Uint8Array<ArrayBuffer>, type: string): Promise<Blob>;
  /** Releases what the sink holds (its work file); called once the finished file is delivered. */
  dispose(): Promise<void>;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "OutputSink")]
    #[derive(Clone)]
    pub type OutputSink;
    #[wasm_bindgen(method, catch, js_name = write)]
    fn write_view(this: &OutputSink, bytes: &Uint8Array) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = finish)]
    fn finish_file(
        this: &OutputSink,
        head: &Uint8Array,
        tail: &Uint8Array,
        mime: &str,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = dispose)]
    fn dispose_file(this: &OutputSink) -> Result<Promise, JsValue>;
}

impl OutputSink {
    /// Appends body bytes, lent to the sink as a view of wasm memory (no copy on this side).
    pub fn write(&self, bytes: &[u8]) -> Result<(), ApiError> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.write_view(&wasm_view(bytes.as_ptr() as u32, bytes.len() as u32))
            .map_err(|e| {
                ApiError::internal(format!("writing the output failed: {}", js_message(&e)))
            })
    }

    /// The whole file (a `Blob`): `head`, the body written so far, `tail`.
    pub async fn finish(&self, head: &[u8], tail: &[u8], mime: &str) -> Result<JsValue, ApiError> {
        let fail = |e| {
            js_error(e, |m| {
                ApiError::internal(format!("finishing the output file failed: {m}"))
            })
        };
        let promise = self
            .finish_file(&Uint8Array::from(head), &Uint8Array::from(tail), mime)
            .map_err(fail)?;
        JsFuture::from(promise).await.map_err(fail)
    }

    /// Releases the sink's work file; a failure only leaves a file the next start clears.
    pub async fn dispose(&self) {
        if let Ok(p) = self.dispose_file() {
            let _ = JsFuture::from(p).await;
        }
    }
}
