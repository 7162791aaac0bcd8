//! Where the subject of a frame is: one point per analysed frame, from the thumbnails the frame
//! features are computed on (so it costs one more pass over 64x36 cells, nothing per pixel).
//!
//! The point is the centroid of two weight maps over the thumbnail cells:
//! - **motion**: the luma change since the previous thumbnail after the best whole-picture shift
//!   (the pan search of [`super::frames`]), above a noise floor. A camera pan is taken out, so
//!   what is left is what moves *in* the picture (a walking actor, a gesture); a change over most
//!   of the picture (a cut, a flash, a camera shake) says nothing about where the subject is and
//!   is ignored;
//! - **saliency prior**: cells that stand out from the picture's mean luma by more than one
//!   standard deviation (a bright face on a dark set, a lit object) and skin-coloured cells, both
//!   weighted by a broad centre prior (subjects are framed towards the centre). It decides where
//!   nothing moves, and pulls a little where something does.
//!
//! The motion mass competes with a fixed [`PRIOR_MASS`], so a clear movement wins, a flicker does
//! not; the prior mass itself competes with [`CENTRE_MASS`] at the picture's centre, so a flat
//! picture (black, a wall) puts the subject in the middle. Smoothing over time is the camera
//! path's job (`crate::render::camera`), not this module's: each point is one frame's evidence.

use serde::{Deserialize, Serialize};

use super::video::{Thumbnail, CHROMA_H, CHROMA_W, THUMB_H, THUMB_W};
use super::{BoundaryKind, SourceFeatures};

/// Luma change (0..255) of a thumbnail cell below which it is noise (compression, grain).
const MOTION_FLOOR: f32 = 4.0;
/// Share of the cells that may move before the change counts as global (a cut, a flash).
const GLOBAL_MOTION_SHARE: f32 = 0.5;
/// Weight of the saliency prior against the motion mass (level x cells): a 6x6-cell object whose
/// edges move by a tenth of a cell per frame outweighs it about 2:1.
const PRIOR_MASS: f32 = 150.0;
/// Weight of the picture's centre against the saliency mass (z-score x cells).
const CENTRE_MASS: f32 = 8.0;
/// Standard deviation of the centre prior, as a share of the picture's width and height.
const CENTRE_SIGMA: f32 = 0.35;
/// Weight of a skin-coloured cell in the saliency map (as a z-score above 1).
const SKIN_WEIGHT: f32 = 1.0;

/// One frame's subject point, in the decoded frame (before rotation): `x`, `y` in 0..1 of its
/// width and height.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FocusSample {
    /// Source seconds.
    pub t: f64,
    pub x: f32,
    pub y: f32,
}

/// The subject points of a source and where its shots start: what a camera path follows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SubjectTrack {
    /// One per analysed frame, in time order.
    pub samples: Vec<FocusSample>,
    /// Source times where a new shot starts (the first analysed frame after a hard cut or a fade):
    /// a camera path restarts there at the new shot's own subject. Dissolves are not listed (the
    /// two shots are on screen together; a jump at either end would show).
    pub resets: Vec<f64>,
}

impl SourceFeatures {
    /// The source's subject points and shot starts.
    pub fn subject_track(&self) -> SubjectTrack {
        SubjectTrack {
            samples: self
                .frames
                .iter()
                .map(|f| FocusSample {
                    t: f.t,
                    x: f.focus_x,
                    y: f.focus_y,
                })
                .collect(),
            resets: self
                .shots
                .iter()
                .filter(|s| s.kind != BoundaryKind::Dissolve && s.end.is_finite())
                .map(|s| s.end)
                .collect(),
        }
    }
}

/// Centre of a cell, in 0..1 of the picture.
fn cell_centre(i: usize) -> (f32, f32) {
    (
        ((i % THUMB_W) as f32 + 0.5) / THUMB_W as f32,
        ((i / THUMB_W) as f32 + 0.5) / THUMB_H as f32,
    )
}

/// Whether a chroma cell (Cb, Cr centred on 0, about -128..127) is skin-coloured: the usual
/// Cb 77..127, Cr 133..173 box of 8-bit YCbCr, for every skin tone under white light.
fn is_skin(cb: f32, cr: f32) -> bool {
    (-51.0..=-1.0).contains(&cb) && (5.0..=45.0).contains(&cr)
}

/// The subject point of `cur`: `prev` is the previous analysed thumbnail and `(dx, dy)` the whole
/// picture shift that best maps it onto `cur` (cell `(x, y)` of `cur` matches `(x + dx, y + dy)`
/// of `prev`); `stats` is the mean and standard deviation of `cur`'s luma. Returns `(x, y)` in
/// 0..1 of the picture.
pub fn focus(
    prev: Option<(&Thumbnail, isize, isize)>,
    cur: &Thumbnail,
    stats: (f32, f32),
) -> (f32, f32) {
    let (mean, std) = stats;
    let n = THUMB_W * THUMB_H;
    // Motion mass and moment.
    let (mut m, mut mx, mut my, mut moving) = (0f32, 0f32, 0f32, 0usize);
    if let Some((p, dx, dy)) = prev {
        for y in 0..THUMB_H {
            let py = y as isize + dy;
            if py < 0 || py >= THUMB_H as isize {
                continue;
            }
            for x in 0..THUMB_W {
                let px = x as isize + dx;
                if px < 0 || px >= THUMB_W as isize {
                    continue;
                }
                let i = y * THUMB_W + x;
                let d = (cur.luma[i] - p.luma[py as usize * THUMB_W + px as usize]).abs();
                let w = d - MOTION_FLOOR;
                if w > 0.0 {
                    let (cx, cy) = cell_centre(i);
                    m += w;
                    mx += w * cx;
                    my += w * cy;
                    moving += 1;
                }
            }
        }
    }
    if moving as f32 > GLOBAL_MOTION_SHARE * n as f32 {
        m = 0.0;
    }
    // Saliency mass and moment, under the centre prior.
    let (mut s, mut sx, mut sy) = (0f32, 0f32, 0f32);
    let spread = std.max(8.0);
    let k = 1.0 / (2.0 * CENTRE_SIGMA * CENTRE_SIGMA);
    let (bx, by) = (THUMB_W / CHROMA_W, THUMB_H / CHROMA_H);
    for (i, &l) in cur.luma.iter().enumerate() {
        let z = ((l - mean).abs() / spread - 1.0).max(0.0);
        let c = (i % THUMB_W) / bx + (i / THUMB_W) / by * CHROMA_W;
        let skin = match (cur.cb.get(c), cur.cr.get(c)) {
            (Some(&cb), Some(&cr)) if is_skin(cb, cr) && (40.0..=240.0).contains(&l) => SKIN_WEIGHT,
            _ => 0.0,
        };
        let w = z + skin;
        if w > 0.0 {
            let (cx, cy) = cell_centre(i);
            let w = w * (-k * ((cx - 0.5).powi(2) + (cy - 0.5).powi(2))).exp();
            s += w;
            sx += w * cx;
            sy += w * cy;
        }
    }
    let prior_x = (sx + CENTRE_MASS * 0.5) / (s + CENTRE_MASS);
    let prior_y = (sy + CENTRE_MASS * 0.5) / (s + CENTRE_MASS);
    if m <= 0.0 {
        return (prior_x, prior_y);
    }
    (
        (mx + PRIOR_MASS * prior_x) / (m + PRIOR_MASS),
        (my + PRIOR_MASS * prior_y) / (m + PRIOR_MASS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dark, mildly textured thumbnail with a bright `size`-cell square whose top-left cell is
    /// `(x0, y0)`.
    fn picture(x0: usize, y0: usize, size: usize) -> Thumbnail {
        let luma = (0..THUMB_W * THUMB_H)
            .map(|i| {
                let (x, y) = (i % THUMB_W, i / THUMB_W);
                if (x0..x0 + size).contains(&x) && (y0..y0 + size).contains(&y) {
                    230.0
                } else {
                    30.0 + 12.0 * ((x * 7 + y * 13) % 5) as f32
                }
            })
            .collect();
        Thumbnail {
            luma,
            cb: vec![0.0; CHROMA_W * CHROMA_H],
            cr: vec![0.0; CHROMA_W * CHROMA_H],
        }
    }

    fn stats(t: &Thumbnail) -> (f32, f32) {
        let n = t.luma.len() as f32;
        let mean = t.luma.iter().sum::<f32>() / n;
        let var = t.luma.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n;
        (mean, var.sqrt())
    }

    #[test]
    fn a_still_bright_object_off_centre_is_the_focus() {
        let th = picture(6, 14, 6); // centre at cell (9, 17): x 0.148, y 0.486
        let (x, y) = focus(None, &th, stats(&th));
        assert!((x - 0.148).abs() < 0.06, "x {x}");
        assert!((y - 0.49).abs() < 0.06, "y {y}");
    }

    #[test]
    fn motion_outweighs_a_still_highlight_elsewhere() {
        // A still bright square on the right; a second one moving on the left.
        let mut a = picture(50, 14, 6);
        let mut b = picture(50, 14, 6);
        for (t, x0) in [(&mut a, 8usize), (&mut b, 9)] {
            for y in 4..10 {
                for x in x0..x0 + 6 {
                    t.luma[y * THUMB_W + x] = 200.0;
                }
            }
        }
        let (x, y) = focus(Some((&a, 0, 0)), &b, stats(&b));
        assert!(x < 0.4, "follows the moving square on the left: x {x}");
        assert!(y < 0.45, "and its height: y {y}");
        let (still_x, _) = focus(Some((&b, 0, 0)), &b, stats(&b));
        assert!(
            still_x > 0.5,
            "without motion the brighter right square wins: {still_x}"
        );
    }

    #[test]
    fn a_flat_picture_and_a_global_change_give_the_centre() {
        let flat = Thumbnail {
            luma: vec![90.0; THUMB_W * THUMB_H],
            cb: vec![0.0; CHROMA_W * CHROMA_H],
            cr: vec![0.0; CHROMA_W * CHROMA_H],
        };
        assert_eq!(focus(None, &flat, stats(&flat)), (0.5, 0.5));
        let other = Thumbnail {
            luma: vec![200.0; THUMB_W * THUMB_H],
            ..flat.clone()
        };
        // Every cell changed: a cut, not a subject.
        assert_eq!(
            focus(Some((&flat, 0, 0)), &other, stats(&other)),
            (0.5, 0.5)
        );
    }
}
