//! `vertigo`: a slow zoom-and-rotate pulse over the clip.
//!
//! At clip progress `p` the picture is zoomed by `z(p) = 1 + Z (1 - cos 2 pi p) / 2` and turned by
//! `a(p) = A sin 2 pi p` around the frame's centre, with `Z` = [`ZOOM`] and `A` = [`ANGLE_DEG`]:
//! the camera pushes in to `1 + Z` at the middle of the clip while it rocks one way and back, and
//! the clip starts and ends unchanged. Output pixel centre `q` shows the source at
//! `c + R(-a) (q - c) / z` (`c` the frame centre, in each plane's own coordinates), sampled
//! bilinearly with the edges clamped. Both planes of chroma use the same mapping at half scale.

use crate::picture::{Picture, Plane, PlaneMut};

/// Extra zoom at the pulse's peak (12 %).
pub const ZOOM: f64 = 0.12;
/// Largest rotation, degrees (reached at a quarter and three quarters of the clip).
pub const ANGLE_DEG: f64 = 4.0;

/// The zoom and rotation at one moment of the clip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pulse {
    pub zoom: f64,
    /// Counter-clockwise on screen for positive values, radians.
    pub angle: f64,
}

impl Pulse {
    /// The pulse at clip progress `p` (0..1).
    pub fn at(p: f32) -> Self {
        let phase = std::f64::consts::TAU * f64::from(p);
        Self {
            zoom: 1.0 + ZOOM * (1.0 - phase.cos()) / 2.0,
            angle: ANGLE_DEG.to_radians() * phase.sin(),
        }
    }

    fn is_identity(self) -> bool {
        (self.zoom - 1.0).abs() < 1e-9 && self.angle.abs() < 1e-9
    }
}

/// Draws `src` zoomed and turned by `pulse` into `out` (same size).
pub fn draw(src: &Picture, pulse: Pulse, out: &mut Picture) {
    if pulse.is_identity() {
        out.copy_from(src);
        return;
    }
    for (i, dst) in out.planes_mut().into_iter().enumerate() {
        warp_plane(src.plane(i), pulse, dst);
    }
}

/// One plane of [`draw`]. Along an output row the source position moves linearly with `x`, so
/// each row is two start values and two steps; the four taps are read with clamped indices.
fn warp_plane(src: Plane, pulse: Pulse, mut dst: PlaneMut) {
    let (w, h) = (dst.width, dst.height);
    if w == 0 || h == 0 || src.width != w || src.height != h {
        return;
    }
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    // Source offset = R(-a) (q - c) / z: with screen y down, a counter-clockwise turn of the
    // picture by `a` samples the source turned clockwise.
    let (sin, cos) = pulse.angle.sin_cos();
    let (k_cos, k_sin) = (cos / pulse.zoom, sin / pulse.zoom);
    let (max_x, max_y) = ((w - 1) as f32, (h - 1) as f32);
    for y in 0..h {
        let qy = y as f64 + 0.5 - cy;
        let qx0 = 0.5 - cx;
        // Source pixel-centre coordinates (minus 0.5: sample index space) at x = 0, and per step.
        let sx0 = (cx - 0.5 + k_cos * qx0 - k_sin * qy) as f32;
        let sy0 = (cy - 0.5 + k_sin * qx0 + k_cos * qy) as f32;
        let (dx, dy) = (k_cos as f32, k_sin as f32);
        let row = dst.row_mut(y);
        for (x, out) in row.iter_mut().enumerate() {
            let fx = (sx0 + dx * x as f32).clamp(0.0, max_x);
            let fy = (sy0 + dy * x as f32).clamp(0.0, max_y);
            let (x0, y0) = (fx as usize, fy as usize);
            let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
            let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
            let top = f32::from(src.data[y0 * w + x0]) * (1.0 - tx)
                + f32::from(src.data[y0 * w + x1]) * tx;
            let bottom = f32::from(src.data[y1 * w + x0]) * (1.0 - tx)
                + f32::from(src.data[y1 * w + x1]) * tx;
            *out = (top * (1.0 - ty) + bottom * ty + 0.5) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pulse_starts_and_ends_at_rest_and_peaks_mid_clip() {
        assert!(Pulse::at(0.0).is_identity());
        assert!((Pulse::at(1.0).zoom - 1.0).abs() < 1e-12);
        assert!(Pulse::at(1.0).angle.abs() < 1e-9);
        assert!((Pulse::at(0.5).zoom - (1.0 + ZOOM)).abs() < 1e-12);
        assert!((Pulse::at(0.25).angle.to_degrees() - ANGLE_DEG).abs() < 1e-9);
    }
}
