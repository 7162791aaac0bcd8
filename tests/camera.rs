//! A crop that follows the subject, natively: synthetic landscape frames through the analysis
//! (subject points), the camera path of a portrait crop, the draws of the render plan, and the
//! engine's record of which crop was used.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use reelcut::analysis::{FrameView, PixelFormat, PlaneLayout, SourceAnalyzer, SourceFeatures};
use reelcut::engine::{reel_outputs, render_settings, CropMode, SourceInput};
use reelcut::job::validate::{parse_request, Capabilities};
use reelcut::plan::{PlannedClip, Reel};
use reelcut::render::camera::{crop_window, follow, CameraPath, MAX_SPEED};
use reelcut::render::{frame_ops, Placement, RenderClip, RenderPlan, SourceGeometry};
use serde_json::json;

const W: usize = 320;
const H: usize = 180;
const FPS: f64 = 15.0;
/// Side of the bright square, pixels.
const SIDE: usize = 24;
/// The cut to a new shot.
const CUT_S: f64 = 8.0;
const END_S: f64 = 11.0;

/// Where the square's centre is at `t`, 0..1 of the width: still at 0.2 for 2 s, then a slow walk
/// to 0.75 by the cut; after the cut, still at 0.3 in a different shot.
fn square_x(t: f64) -> f64 {
    if t < 2.0 {
        0.2
    } else if t < CUT_S {
        0.2 + 0.55 * (t - 2.0) / (CUT_S - 2.0)
    } else {
        0.3
    }
}

/// A small deterministic noise source (grain), so the still parts are not bit-identical.
struct Lcg(u32);
impl Lcg {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (self.0 >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    }
}

/// One I420 frame (limited range): a dark textured background (a brighter one after the cut)
/// with the bright square at `square_x(t)`, vertically centred.
fn frame(t: f64, noise: &mut Lcg) -> Vec<u8> {
    let mut data = vec![128u8; W * H * 3 / 2];
    let (sx, sy) = (
        (square_x(t) * W as f64) as usize - SIDE / 2,
        H / 2 - SIDE / 2,
    );
    let after = t >= CUT_S;
    for y in 0..H {
        for x in 0..W {
            let tex = ((x / 6 + y / 6) % 3) as f32 * 10.0;
            let bg = if after { 120.0 + 1.5 * tex } else { 30.0 + tex };
            let v = if (sx..sx + SIDE).contains(&x) && (sy..sy + SIDE).contains(&y) {
                225.0
            } else {
                bg
            };
            data[y * W + x] = (v + 3.0 * noise.next()).round().clamp(16.0, 235.0) as u8;
        }
    }
    data
}

fn analyse() -> SourceFeatures {
    let mut a = SourceAnalyzer::new(END_S, FPS);
    let mut noise = Lcg(7);
    let n = (END_S * FPS) as usize;
    for i in 0..n {
        let t = i as f64 / FPS;
        let data = frame(t, &mut noise);
        let view = FrameView {
            format: PixelFormat::I420,
            width: W as u32,
            height: H as u32,
            data: &data,
            planes: vec![
                PlaneLayout {
                    offset: 0,
                    stride: W,
                },
                PlaneLayout {
                    offset: W * H,
                    stride: W / 2,
                },
                PlaneLayout {
                    offset: W * H * 5 / 4,
                    stride: W / 2,
                },
            ],
            full_range: false,
        };
        a.push_frame(t, &view).unwrap();
    }
    a.finish()
}

fn geometry() -> SourceGeometry {
    SourceGeometry::simple(W as u32, H as u32)
}

fn path(features: &SourceFeatures) -> (CameraPath, (f64, f64)) {
    let window = crop_window(&geometry(), 1080, 1920).unwrap();
    let p = follow(&features.subject_track(), &geometry(), window, 0.0, END_S).unwrap();
    (p, window)
}

#[test]
fn the_portrait_window_keeps_a_moving_off_centre_subject() {
    let f = analyse();
    let (p, (ww, wh)) = path(&f);
    assert!((ww - 0.3164).abs() < 0.001 && wh == 1.0, "{ww} x {wh}");
    let half_square = SIDE as f64 / 2.0 / W as f64;
    let mut worst = f64::INFINITY;
    for q in &p.points {
        let sx = square_x(q.t);
        // The square lies wholly inside the window...
        let margin = ww / 2.0 - (q.x - sx).abs() - half_square;
        worst = worst.min(margin);
        assert!(
            margin > 0.0,
            "t {:.2}: square at {sx:.3}, window centre {:.3}",
            q.t,
            q.x
        );
        // ...which is full height and centred vertically.
        assert_eq!(q.y, 0.5);
    }
    // Where a centred crop loses it: the test is about the path, not luck.
    for t in [1.0, 7.5, 9.0] {
        assert!(
            (square_x(t) - 0.5).abs() > ww / 2.0 + half_square,
            "centred crop loses it at {t}"
        );
        let (x, _) = p.at(t);
        assert!(
            (x - square_x(t)).abs() + half_square < ww / 2.0,
            "t {t}: window {x}"
        );
    }
    println!("smallest margin between the square and the window's edge: {worst:.4} of the width");
}

#[test]
fn the_path_never_exceeds_its_speed_and_holds_on_a_still_scene() {
    let f = analyse();
    let (p, (ww, _)) = path(&f);
    let vmax = MAX_SPEED * ww;
    let mut fastest: f64 = 0.0;
    for w in p.points.windows(2) {
        if w[1].cut {
            continue;
        }
        let v = (w[1].x - w[0].x).abs() / (w[1].t - w[0].t);
        fastest = fastest.max(v);
        assert!(v <= vmax + 1e-9, "t {:.2}: {v} > {vmax}", w[1].t);
    }
    println!("fastest pan {fastest:.4} of the width per second (bound {vmax:.4})");
    // Still for the first two seconds, grain and all: not a single step.
    let still: Vec<f64> = p.points.iter().filter(|q| q.t < 1.9).map(|q| q.x).collect();
    assert!(still.len() > 20);
    assert!(still.iter().all(|&x| x == still[0]), "{still:?}");
    // And still again after the cut (the square does not move there).
    let after: Vec<f64> = p
        .points
        .iter()
        .filter(|q| q.t > CUT_S + 0.1)
        .map(|q| q.x)
        .collect();
    assert!(after.iter().all(|&x| x == after[0]), "{after:?}");
}

#[test]
fn the_path_jumps_at_the_cut_to_the_new_shots_subject() {
    let f = analyse();
    let (p, (ww, _)) = path(&f);
    let cuts: Vec<_> = p.points.iter().filter(|q| q.cut).collect();
    assert_eq!(cuts.len(), 1, "one shot cut: {:?}", f.shots);
    let cut = cuts[0];
    assert!((cut.t - CUT_S).abs() < 0.1, "at {}", cut.t);
    let before = p.at(cut.t - 1e-3).0;
    // The new shot starts at its own subject: the square well inside the window (the centre prior
    // pulls the subject point a little towards the middle).
    let off = (cut.x - 0.3).abs() + SIDE as f64 / 2.0 / W as f64;
    println!("after the cut: window centre {:.3}, square at 0.300", cut.x);
    assert!(
        off < ww / 2.0 - 0.05,
        "the new shot starts at its own subject: {}",
        cut.x
    );
    assert!(
        before - cut.x > 0.3,
        "a jump, not a pan: {before} -> {}",
        cut.x
    );
}

#[test]
fn frame_ops_crop_where_the_path_says() {
    let f = analyse();
    let (p, (ww, _)) = path(&f);
    let plan = RenderPlan {
        width: 1080,
        height: 1920,
        fps: 30.0,
        scale: Some(Placement::Cover),
        clips: vec![RenderClip {
            camera: Some(p.clone()),
            ..RenderClip::plain(0, 0.0, END_S, 0.0)
        }],
        sources: vec![geometry()],
        duration_s: END_S,
        loudness: None,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays: Vec::new(),
    };
    for t in [0.5, 4.0, 7.5, 9.5] {
        let ops = frame_ops(&plan, (t * 30.0) as u64).unwrap();
        let r = ops.layers[0].draws[0].src_rect;
        assert!((r.w - ww * W as f64).abs() < 1e-6 && r.h == H as f64);
        assert!(
            (r.x + r.w / 2.0 - p.at(t).0 * W as f64).abs() < 1e-6,
            "t {t}: {r:?}"
        );
        let (s0, s1) = (square_x(t) * W as f64 - 12.0, square_x(t) * W as f64 + 12.0);
        assert!(
            r.x <= s0 && s1 <= r.right(),
            "t {t}: square {s0}..{s1} in {r:?}"
        );
    }
    // Without a path the same plan crops the centre.
    let mut centred = plan.clone();
    centred.clips[0].camera = None;
    let r = frame_ops(&centred, 30).unwrap().layers[0].draws[0].src_rect;
    assert!((r.x + r.w / 2.0 - W as f64 / 2.0).abs() < 1e-6);
}

#[test]
fn the_record_says_which_crop_was_used() {
    let request = |scale: &str| {
        parse_request(
            "CreateHighlightTask",
            &json!({ "Type": "Compose", "Sources": [{ "URI": "a.mp4" }],
                     "Output": { "URI": "memory:", "Container": "mp4",
                                 "Video": { "TranscodeVideo": { "Resolution": "1080x1920", "ScaleType": scale } } } }),
            &Capabilities::with_render(),
        )
        .unwrap()
    };
    let f = analyse();
    let input = |subject| SourceInput {
        duration_s: END_S,
        has_audio: false,
        frame_rate: FPS,
        geometry: geometry(),
        cuts: f.cut_windows(),
        subject,
    };
    let reel = Reel {
        clips: vec![PlannedClip {
            source: 0,
            in_s: 0.5,
            out_s: 10.0,
            score: 0.5,
            reasons: vec!["motion".into()],
            transition_in: None,
            hook: false,
            vfx: None,
        }],
        duration_s: 9.5,
        notes: vec![],
    };
    let out = |scale: &str, subject| {
        let spec = request(scale);
        let inputs = [input(subject)];
        let settings = render_settings(&spec, &inputs);
        reel_outputs(
            &spec,
            &settings,
            &inputs,
            std::slice::from_ref(&reel),
            &Default::default(),
        )
        .remove(0)
    };
    let analysed = out("crop", Some(f.subject_track()));
    assert_eq!(analysed.crop, Some(CropMode::FollowsSubject));
    assert!(analysed.render.as_ref().unwrap().clips[0].camera.is_some());
    assert!(analysed
        .notes
        .iter()
        .any(|n| n.starts_with("crop follows the subject")));
    let concat_like = out("crop", None);
    assert_eq!(concat_like.crop, Some(CropMode::Centred));
    assert!(concat_like.render.as_ref().unwrap().clips[0]
        .camera
        .is_none());
    assert!(concat_like
        .notes
        .iter()
        .any(|n| n.starts_with("crop is centred")));
    // No crop across an aspect change, nothing to say.
    let fill = out("fill", Some(f.subject_track()));
    assert_eq!(fill.crop, None);
    assert!(fill.render.as_ref().unwrap().clips[0].camera.is_none());
}
