//! The pixel side of the visual effects: per-pixel tone and colour functions ([`pixel`]) and the
//! zoom-and-rotate pulse ([`vertigo`]). Which effect a clip gets, and when, is the engine's
//! `reelcut::render::vfx`.

pub mod pixel;
pub mod vertigo;
