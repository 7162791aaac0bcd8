//! The loops that touch every pixel or sample: reducing decoded frames to analysis thumbnails,
//! matching thumbnails moved (the pan and zoom searches), converting frames to I420 pictures,
//! scaling, blurring, blending, rotating, the transitions and the pixel effects; the resamplers'
//! taps, the pitch search, the time-stretch and the loudness meter (K-weighting, true peak).
//!
//! They are a crate of their own for one reason: build settings. The release profile builds the
//! engine for size (`opt-level = "z"`, which also turns LLVM's loop vectoriser off) and this crate
//! for speed (`opt-level = 3`, where the row loops become wasm SIMD); see the root `Cargo.toml`.
//! The engine re-exports each module where it is used (`reelcut::render::compose::picture`,
//! `reelcut::render::transitions::gl`, `reelcut::analysis::video`, ...), so nothing else needs to
//! know the split exists.

#![forbid(unsafe_code)]

pub mod blend;
pub mod blur;
pub mod error;
pub mod geometry;
pub mod image;
pub mod loudness;
pub mod picture;
pub mod rotate;
pub mod samples;
pub mod scale;
pub mod thumb_match;
pub mod time_stretch;
pub mod transitions;
pub mod vfx;
pub mod video;

pub use error::KernelError;
pub use geometry::Rect;
