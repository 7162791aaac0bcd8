//! Browser glue (wasm32 only): the thin wasm-bindgen facade the worker calls. It moves bytes,
//! frames and JSON between the browser and the pure core; no analysis or container logic here.

mod api;
mod engine;
mod render;
mod source;

pub use api::*;
pub use engine::*;
pub use render::*;
