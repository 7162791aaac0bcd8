//! The running job as Rust sees it: its `AbortSignal` (cancel) and its progress callback.

use js_sys::{Function, Reflect};
use wasm_bindgen::JsValue;

use crate::ApiError;

pub struct JobSignal {
    signal: JsValue,
    on_progress: Function,
}

impl JobSignal {
    pub fn new(signal: JsValue, on_progress: Function) -> Self {
        Self {
            signal,
            on_progress,
        }
    }

    /// `Job.Canceled` once the job's signal is aborted.
    pub fn check(&self) -> Result<(), ApiError> {
        let aborted = Reflect::get(&self.signal, &"aborted".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if aborted {
            Err(ApiError::new("Job.Canceled", "the job was canceled"))
        } else {
            Ok(())
        }
    }

    /// Reports `fraction` (0..1) of this stage done.
    pub fn progress(&self, fraction: f64) {
        let _ = self
            .on_progress
            .call1(&JsValue::UNDEFINED, &JsValue::from_f64(fraction));
    }
}
