//! Browser glue (wasm32 only): WebCodecs driven from Rust (`codec`), the analysis pipeline
//! (`analyse`), and the wasm-bindgen facade the worker calls. No analysis or container logic here.

mod analyse;
mod api;
mod codec;
mod cursor;
mod encoders;
mod engine;
mod job_signal;
mod output_mux;
mod render_reel;
mod source;

pub use analyse::*;
pub use api::*;
pub use encoders::*;
pub use engine::*;
pub use render_reel::*;
