//! The running job as Rust sees it: its `AbortSignal` (cancel) and its progress callback.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::ApiError;

pub struct JobSignal {
    signal: JsValue,
    on_progress: Box<dyn Fn(f64)>,
}

impl JobSignal {
    /// `signal` is the job's `AbortSignal`; `on_progress` takes the stage's fraction done.
    pub fn new(signal: JsValue, on_progress: impl Fn(f64) + 'static) -> Self {
        Self {
            signal,
            on_progress: Box::new(on_progress),
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
        (self.on_progress)(fraction);
    }
}
