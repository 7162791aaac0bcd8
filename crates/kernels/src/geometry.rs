//! Rectangles in pixel coordinates.

use serde::{Deserialize, Serialize};

/// An axis-aligned rectangle in pixels (output pixels or decoded-frame pixels, as documented where
/// it is used). `x, y` is the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        Self { x, y, w, h }
    }
    /// Right edge (`x + w`).
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    /// Bottom edge (`y + h`).
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}
