//! wasm-bindgen exports used by `www/src/worker.ts`. Errors cross the boundary as plain objects
//! `{Code, Message}` (`ApiErrorBody`) so the worker can report them unchanged.

use wasm_bindgen::prelude::*;

use super::request_json::json_of;
use crate::job::spec::JobSpec;
use crate::job::validate::{parse_request, Capabilities};
use crate::ApiError;

pub(super) fn to_js(err: ApiError) -> JsValue {
    to_value(&err).unwrap_or_else(|_| JsValue::from_str(&err.to_string()))
}

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Validates a request of either API; returns the internal JobSpec.
#[wasm_bindgen(js_name = validateRequest, unchecked_return_type = "JobSpec")]
pub fn validate_request(
    action: &str,
    #[wasm_bindgen(unchecked_param_type = "unknown")] request: JsValue,
) -> Result<JsValue, JsValue> {
    to_value(&validate(action, request)?).map_err(to_js)
}

/// A request of either API, as JS gives it, to the JobSpec (or the error a caller reports).
pub(super) fn validate(action: &str, request: JsValue) -> Result<JobSpec, JsValue> {
    // "Error: " as serde-wasm-bindgen's errors (JS Errors) read as text.
    let request = json_of(&request).map_err(|e| {
        to_js(ApiError::invalid_parameter(
            "Request",
            format!("not a JSON object: Error: {e}"),
        ))
    })?;
    parse_request(action, &request, &Capabilities::with_render()).map_err(to_js)
}

/// A Rust value as a plain JS value (objects, not `Map`s; `None` as `null`), made by `JSON.parse`:
/// it defines every key as an own property, so a user's `__proto__` tag or UserData key stays a
/// key (building objects by assignment, as serde-wasm-bindgen does, would set the prototype).
pub(super) fn to_value<T: serde::Serialize>(value: &T) -> Result<JsValue, ApiError> {
    let text = serde_json::to_string(value)
        .map_err(|e| ApiError::internal(format!("cannot pass a value to JS: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|e| {
        ApiError::internal(format!(
            "cannot pass a value to JS: {}",
            super::codec::js_message(&e)
        ))
    })
}
