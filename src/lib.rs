//! reelcut: find highlight moments in videos and render highlight reels, in the browser.
//!
//! The crate is a pure core (`job`, `media`, `analysis`, `plan`, `render`, and `engine`, which maps
//! a validated job to the options of each stage) that compiles natively and is tested with
//! `cargo test`, plus `web`, the thin wasm-bindgen facade the browser worker calls.
//! No unsafe code anywhere, the facade included: wasm-bindgen's generated glue compiles under
//! `forbid(unsafe_code)`, and the frame buffer hands JavaScript an address, which is safe to create.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod dsp;
pub mod engine;
pub mod fuzzing;
pub mod job;
pub mod media;
pub mod num_text;
pub mod plan;
pub mod render;
pub mod sort;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use job::error::ApiError;
