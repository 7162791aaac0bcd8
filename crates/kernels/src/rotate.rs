//! Quarter-turn rotation of a plane, done once per decoded frame that needs it (phone video shot
//! upright is stored sideways), so drawing itself never rotates.

use crate::picture::{Plane, PlaneMut};

/// Side of the square tiles a quarter turn walks in: a tile's source rows and destination rows
/// both stay in cache, where a plain column walk would miss on every pixel.
const TILE: usize = 32;

/// Writes `src` rotated clockwise by `degrees` (0, 90, 180, 270; anything else copies) into `dst`,
/// whose size must be the rotated size.
pub fn rotate_plane(src: Plane, mut dst: PlaneMut, degrees: u32) {
    let (w, h) = (src.width, src.height);
    match degrees {
        90 | 270 => {
            debug_assert!(dst.width == h && dst.height == w);
            for ty in (0..h).step_by(TILE) {
                for tx in (0..w).step_by(TILE) {
                    for y in ty..(ty + TILE).min(h) {
                        let row = src.row(y);
                        for (x, &v) in row.iter().enumerate().take((tx + TILE).min(w)).skip(tx) {
                            // Clockwise: source (x, y) lands at (h - 1 - y, x); counter: (y, w - 1 - x).
                            let (dx, dy) = if degrees == 90 {
                                (h - 1 - y, x)
                            } else {
                                (y, w - 1 - x)
                            };
                            dst.data[dy * h + dx] = v;
                        }
                    }
                }
            }
        }
        180 => {
            for y in 0..h {
                let row = src.row(y);
                let out = dst.row_mut(h - 1 - y);
                for (o, &v) in out.iter_mut().zip(row.iter().rev()) {
                    *o = v;
                }
            }
        }
        _ => dst.data.copy_from_slice(&src.data[..dst.data.len()]),
    }
}

/// The region of a `w x h` picture that `r` (in its pixels) becomes once the picture is rotated
/// clockwise by `degrees`.
pub fn rotate_rect(r: crate::Rect, w: f64, h: f64, degrees: u32) -> crate::Rect {
    use crate::Rect;
    match degrees {
        90 => Rect::new(h - r.y - r.h, r.x, r.h, r.w),
        180 => Rect::new(w - r.x - r.w, h - r.y - r.h, r.w, r.h),
        270 => Rect::new(r.y, w - r.x - r.w, r.h, r.w),
        _ => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rect;

    #[test]
    fn quarter_turns_move_corners_and_rects_alike() {
        // 3x2 plane: 0 1 2 / 3 4 5.
        let data: Vec<u8> = (0..6).collect();
        let src = Plane {
            data: &data,
            width: 3,
            height: 2,
        };
        let mut out = vec![0u8; 6];
        for (deg, want, (w, h)) in [
            (90, [3, 0, 4, 1, 5, 2], (2, 3)),
            (180, [5, 4, 3, 2, 1, 0], (3, 2)),
            (270, [2, 5, 1, 4, 0, 3], (2, 3)),
        ] {
            rotate_plane(
                src,
                PlaneMut {
                    data: &mut out,
                    width: w,
                    height: h,
                },
                deg,
            );
            assert_eq!(out, want, "{deg}");
            // Pixel 1 (x 1, y 0) as a rect lands where its value went.
            let r = rotate_rect(Rect::new(1.0, 0.0, 1.0, 1.0), 3.0, 2.0, deg);
            let i = r.y as usize * w + r.x as usize;
            assert_eq!(out[i], 1, "{deg}: {r:?}");
        }
    }
}
