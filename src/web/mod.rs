//! Browser glue (wasm32 only): WebCodecs driven from Rust (`codec`), the analysis pipeline
//! (`analyse`), and the wasm-bindgen facade the worker calls. No analysis or container logic here.

mod analyse;
mod api;
mod codec;
mod job_signal;
mod render;
mod source;

pub use analyse::*;
pub use api::*;
pub use render::*;
