//! A crop that follows the subject: the path of the `Cover` window's centre through one clip.
//!
//! When a clip is cropped across an aspect change (landscape into a portrait reel, `ScaleType:
//! crop`), the window that is kept is a third of the picture's width: a subject off-centre falls
//! out of a centred crop. The analysis gives one subject point per analysed frame
//! ([`crate::analysis::focus`]); [`follow`] turns those into a camera path a viewer accepts:
//!
//! 1. per shot (a hard cut or a fade starts a new one: the path restarts there, never pans across
//!    a cut), the subject points are median-filtered over [`MEDIAN_SAMPLES`] frames (one-frame
//!    outliers go) and limited to where the window's centre can go;
//! 2. the window starts at the median subject of the shot's first [`START_S`] (its own subject);
//! 3. it moves only when the subject leaves the dead zone ([`DEAD_ZONE`] of the window either side
//!    of its centre), towards the point that puts the subject back on the zone's edge, as a
//!    critically damped spring ([`OMEGA`]: no overshoot, no oscillation) that also matches the
//!    subject's velocity (so a steady walk is followed without lag), its speed capped at
//!    [`MAX_SPEED`] windows per second. A still scene holds still: nothing leaves the dead zone.
//!
//! Both axes work the same way; an axis the window keeps (almost) whole ([`MIN_CROP`]) stays
//! centred. Everything is in display coordinates, 0..1 of the display picture, at source times;
//! the renderer reads the path at each output frame's source time ([`CameraPath::at`]), a binary
//! search and a lerp.

use crate::num_text::clamp;
use crate::sort;
use serde::{Deserialize, Serialize};

use super::layout::{coded_to_display_point, cover_share};
use super::SourceGeometry;
use crate::analysis::SubjectTrack;

/// Half-width of the dead zone, as a share of the window's width (height): the subject may drift
/// this far from the window's centre before the camera moves.
pub const DEAD_ZONE: f64 = 0.12;
/// Fastest pan: window widths (heights) per source second. A subject faster than this is let go
/// rather than chased with a whip pan.
pub const MAX_SPEED: f64 = 0.5;
/// Natural frequency of the follow (rad/s); critically damped, it closes most of a gap in
/// `3 / OMEGA` = 1.2 s.
pub const OMEGA: f64 = 2.5;
/// Subject points in the median filter (5 at 15 analysed fps: a third of a second).
pub const MEDIAN_SAMPLES: usize = 5;
/// A shot's window starts at the median subject of its first this many seconds.
pub const START_S: f64 = 0.5;
/// An axis on which the window keeps more than this share of the picture stays centred (the
/// crop removes at most 5%, as `default_placement` treats shapes within 5% as the same).
pub const MIN_CROP: f64 = 0.95;
/// Integration step of the follow (seconds).
const STEP_S: f64 = 1.0 / 120.0;
/// Time tolerance for samples and resets on a clip's edges.
const EPS_S: f64 = 1e-6;

/// One point of a camera path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CameraPoint {
    /// Source seconds.
    pub t: f64,
    /// Centre of the window, 0..1 of the display picture's width and height.
    pub x: f64,
    pub y: f64,
    /// A new shot starts here: the path steps to this point instead of gliding from the one
    /// before.
    pub cut: bool,
}

/// The window's centre through one clip, in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CameraPath {
    pub points: Vec<CameraPoint>,
}

impl CameraPath {
    /// The window's centre at source time `t`: linear between points, a step at a cut, held
    /// before the first point and after the last.
    pub fn at(&self, t: f64) -> (f64, f64) {
        let p = &self.points;
        let Some(first) = p.first() else {
            return (0.5, 0.5);
        };
        // First point after t.
        let i = p.partition_point(|q| q.t <= t);
        if i == 0 {
            return (first.x, first.y);
        }
        let a = &p[i - 1];
        let Some(b) = p.get(i) else {
            return (a.x, a.y);
        };
        if b.cut || b.t <= a.t {
            return (a.x, a.y);
        }
        let r = (t - a.t) / (b.t - a.t);
        (a.x + r * (b.x - a.x), a.y + r * (b.y - a.y))
    }
}

/// The share of the display picture's width and height a `Cover` window keeps on a
/// `out_w x out_h` canvas, when it cuts more than [`MIN_CROP`] leaves on some axis: a crop across
/// an aspect change, the case a camera path is for. `None` otherwise.
pub fn crop_window(g: &SourceGeometry, out_w: u32, out_h: u32) -> Option<(f64, f64)> {
    cover_share(g, out_w, out_h).filter(|&(w, h)| w < MIN_CROP || h < MIN_CROP)
}

/// The camera path of a clip showing source time `[in_s, out_s)` of a source with geometry `g`,
/// whose window keeps `window` (from [`crop_window`]) of the picture. `None` when the track has
/// no subject point in the clip (the crop then stays centred).
pub fn follow(
    track: &SubjectTrack,
    g: &SourceGeometry,
    window: (f64, f64),
    in_s: f64,
    out_s: f64,
) -> Option<CameraPath> {
    let samples: Vec<(f64, (f64, f64))> = track
        .samples
        .iter()
        .filter(|s| s.t >= in_s - EPS_S && s.t < out_s + EPS_S && s.t.is_finite())
        .map(|s| (s.t, coded_to_display_point(g, (s.x as f64, s.y as f64))))
        .collect();
    if samples.is_empty() {
        return None;
    }
    // Shots: index ranges of `samples`, split at the first sample of each new shot.
    let mut starts = vec![0];
    for &r in &track.resets {
        if r > in_s + EPS_S && r < out_s {
            let i = samples.partition_point(|s| s.0 < r - EPS_S);
            if i > *starts.last().unwrap_or(&0) && i < samples.len() {
                starts.push(i);
            }
        }
    }
    starts.push(samples.len());
    let mut points = Vec::with_capacity(samples.len());
    for (k, w) in starts.windows(2).enumerate() {
        let shot = &samples[w[0]..w[1]];
        let times: Vec<f64> = shot.iter().map(|s| s.0).collect();
        let xs = follow_axis(
            &times,
            &shot.iter().map(|s| s.1 .0).collect::<Vec<_>>(),
            window.0,
        );
        let ys = follow_axis(
            &times,
            &shot.iter().map(|s| s.1 .1).collect::<Vec<_>>(),
            window.1,
        );
        for (j, &t) in times.iter().enumerate() {
            points.push(CameraPoint {
                t,
                x: xs[j],
                y: ys[j],
                cut: k > 0 && j == 0,
            });
        }
    }
    Some(CameraPath { points })
}

fn median(v: &mut [f64]) -> f64 {
    sort::sort_by(v, f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.5)
}

/// The window centre along one axis for one shot: `subject[i]` is the subject's position at
/// `times[i]`, `share` the window's size on the axis (0..1 of the picture).
fn follow_axis(times: &[f64], subject: &[f64], share: f64) -> Vec<f64> {
    let n = subject.len();
    if !(share.is_finite() && share > 0.0 && share < MIN_CROP) {
        return vec![0.5; n];
    }
    // Where the window's centre can be, so the window stays inside the picture.
    let (lo, hi) = (share / 2.0, 1.0 - share / 2.0);
    let half = MEDIAN_SAMPLES / 2;
    let target: Vec<f64> = (0..n)
        .map(|i| {
            let mut w: Vec<f64> = subject[i.saturating_sub(half)..(i + half + 1).min(n)]
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            if w.is_empty() {
                0.5
            } else {
                clamp(median(&mut w), lo, hi)
            }
        })
        .collect();
    let Some(&t0) = times.first() else {
        return Vec::new();
    };
    let mut opening: Vec<f64> = (0..n)
        .take_while(|&i| times[i] <= t0 + START_S + EPS_S)
        .map(|i| target[i])
        .collect();
    let mut x = clamp(median(&mut opening), lo, hi);
    let mut v = 0.0;
    let dead = DEAD_ZONE * share;
    let vmax = MAX_SPEED * share;
    // The subject's velocity (central differences over the filtered points: the whole clip is
    // known, so the follow needs no lag to see where the subject is going).
    let velocity: Vec<f64> = (0..n)
        .map(|i| {
            let (a, b) = (i.saturating_sub(half), (i + half).min(n - 1));
            let dt = times[b] - times[a];
            if dt > 0.0 {
                (target[b] - target[a]) / dt
            } else {
                0.0
            }
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    out.push(x);
    for i in 1..n {
        let dt = times[i] - times[i - 1];
        let steps = (dt / STEP_S).ceil().clamp(1.0, 1e4) as usize;
        let h = dt.max(0.0) / steps as f64;
        // The subject moves from one sample to the next; the spring chases where it is now.
        for s in 1..=steps {
            let r = s as f64 / steps as f64;
            let subject = target[i - 1] + r * (target[i] - target[i - 1]);
            let off = subject - x;
            // Inside the dead zone the goal is where the window is and it stands still: only
            // damping acts. Outside, the goal is the zone's edge, moving with the subject (so a
            // steady walk is followed without falling behind).
            let (goal, goal_v) = if off.abs() > dead {
                (subject - dead * off.signum(), velocity[i])
            } else {
                (x, 0.0)
            };
            let a = OMEGA * OMEGA * (goal - x) + 2.0 * OMEGA * (goal_v - v);
            v = clamp(v + a * h, -vmax, vmax);
            x += v * h;
            if x <= lo || x >= hi {
                x = clamp(x, lo, hi);
                v = 0.0;
            }
        }
        out.push(x);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(n: usize) -> Vec<f64> {
        (0..n).map(|i| i as f64 / 15.0).collect()
    }

    #[test]
    fn an_uncropped_axis_stays_centred() {
        let t = times(30);
        let s = vec![0.1; 30];
        assert!(follow_axis(&t, &s, 1.0).iter().all(|&x| x == 0.5));
        assert!(follow_axis(&t, &s, 0.97).iter().all(|&x| x == 0.5));
    }

    #[test]
    fn the_window_stays_inside_the_picture() {
        let t = times(60);
        let s = vec![0.0; 60];
        let x = follow_axis(&t, &s, 0.3);
        assert!(x.iter().all(|&x| (0.15..=0.85).contains(&x)), "{x:?}");
        assert!(
            (x[0] - 0.15).abs() < 1e-9,
            "starts at the subject, limited: {}",
            x[0]
        );
    }

    #[test]
    fn a_one_frame_outlier_does_not_move_the_window() {
        let t = times(45);
        let mut s = vec![0.4; 45];
        s[20] = 0.9;
        let x = follow_axis(&t, &s, 0.3);
        assert!(x.iter().all(|&x| (x - 0.4).abs() < 1e-12), "{x:?}");
    }

    #[test]
    fn path_steps_at_cuts_and_interpolates_between_points() {
        let p = CameraPath {
            points: vec![
                CameraPoint {
                    t: 0.0,
                    x: 0.2,
                    y: 0.5,
                    cut: false,
                },
                CameraPoint {
                    t: 1.0,
                    x: 0.4,
                    y: 0.5,
                    cut: false,
                },
                CameraPoint {
                    t: 2.0,
                    x: 0.8,
                    y: 0.5,
                    cut: true,
                },
            ],
        };
        assert_eq!(p.at(-1.0), (0.2, 0.5));
        assert!((p.at(0.5).0 - 0.3).abs() < 1e-12);
        assert_eq!(p.at(1.999).0, 0.4);
        assert_eq!(p.at(2.0).0, 0.8);
        assert_eq!(p.at(9.0).0, 0.8);
        assert_eq!(CameraPath { points: vec![] }.at(1.0), (0.5, 0.5));
    }
}
