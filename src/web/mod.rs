//! Browser glue (wasm32 only): WebCodecs driven from Rust (`codec`), the analysis pipeline
//! (`analyse`), and the wasm-bindgen facade the worker calls. No analysis or container logic here.

mod analyse;
mod api;
mod bench;
mod clip_audio;
mod codec;
mod cursor;
mod encoders;
mod job;
mod job_signal;
mod music;
mod output_mux;
mod overlays;
mod render_reel;
mod request_json;
mod segmented;
mod sink;
mod source;

pub use api::*;
pub use bench::*;
pub use encoders::*;
pub use job::*;
