//! The nine visual effects, rendered through the plan's per-frame description and the compositor,
//! against ffmpeg's equivalent filter where there is one (`negate`, `hue`, `vignette`, `lutyuv`,
//! `drawbox`, `gblur` + `overlay`) and against their own definitions otherwise (vertigo).

mod common;

use common::{ffmpeg_yuv, natural, psnr, psnr_planes};
use reelcut::render::compose::picture::Picture;
use reelcut::render::compose::{Compositor, SourceFrame};
use reelcut::render::layout::{background_blur, TWOLAYER_SCALE};
use reelcut::render::vfx::pixel::{letterbox_band, sigmoid, SIGMOID_CONTRAST, SIGMOID_MIDPOINT};
use reelcut::render::vfx::vertigo::Pulse;
use reelcut::render::vfx::Vfx;
use reelcut::render::{
    frame_ops, ClipTransition, DrawOp, FrameOps, RenderClip, RenderPlan, SourceGeometry,
};

/// Frames per second of the test plans: with a 36 s clip, frame `n` is at clip progress `n / 360`.
const FPS: f64 = 10.0;
const CLIP_S: f64 = 36.0;

fn clip(source: usize, out_start_s: f64, vfx: Option<Vfx>) -> RenderClip {
    RenderClip {
        vfx,
        ..RenderClip::plain(source, 0.0, CLIP_S, out_start_s)
    }
}

/// One clip of a `w x h` source with `effect`, on a `out_w x out_h` canvas.
fn plan(effect: Vfx, (w, h): (u32, u32), (out_w, out_h): (u32, u32)) -> RenderPlan {
    RenderPlan {
        width: out_w,
        height: out_h,
        fps: FPS,
        scale: None,
        clips: vec![clip(0, 0.0, Some(effect))],
        sources: vec![SourceGeometry::simple(w, h)],
        duration_s: CLIP_S,
        loudness: None,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays: Vec::new(),
    }
}

fn compose(ops: &FrameOps, plan: &RenderPlan, pictures: &[Picture]) -> Picture {
    let frames: Vec<SourceFrame> = pictures
        .iter()
        .cloned()
        .map(SourceFrame::from_picture)
        .collect();
    let mut c = Compositor::new(plan.width, plan.height);
    c.compose(ops, &plan.sources, &|_, op: &DrawOp| frames.get(op.source))
        .clone()
}

/// Output frame `n` of `effect` on `src` (same-size canvas unless given).
fn render(effect: Vfx, src: &Picture, n: u64, out: Option<(u32, u32)>) -> Picture {
    let size = (src.width() as u32, src.height() as u32);
    let plan = plan(effect, size, out.unwrap_or(size));
    compose(
        &frame_ops(&plan, n).expect("ops"),
        &plan,
        std::slice::from_ref(src),
    )
}

/// Compares frame `n` of `effect` with ffmpeg's `filter` on the source; returns the PSNR.
fn against_ffmpeg(effect: Vfx, src: &Picture, n: u64, filter: &str) -> f64 {
    let ours = render(effect, src, n, None);
    let reference = ffmpeg_yuv(&[(src, 1)], 25, filter, src.width(), src.height());
    let db = psnr(&ours, &reference[0]);
    println!(
        "{} (frame {n}) vs ffmpeg {filter}: PSNR {db:.2} dB",
        effect.name()
    );
    db
}

#[test]
fn invert_is_ffmpeg_negate() {
    let src = natural(640, 360, 0.4);
    let db = against_ffmpeg(Vfx::Invert, &src, 17, "[0:v]negate");
    assert_eq!(db, f64::INFINITY, "negate is exact");
}

#[test]
fn luminance_is_ffmpeg_hue_without_saturation() {
    let src = natural(640, 360, 0.9);
    let db = against_ffmpeg(Vfx::Luminance, &src, 3, "[0:v]hue=s=0");
    assert_eq!(db, f64::INFINITY);
}

#[test]
fn vignette_matches_ffmpeg_vignette() {
    let src = natural(640, 360, 1.3);
    let db = against_ffmpeg(Vfx::Vignette, &src, 0, "[0:v]vignette");
    assert!(db >= 40.0, "vignette PSNR {db:.2} dB");
    // The centre is unchanged, the corners are darker.
    let ours = render(Vfx::Vignette, &src, 0, None);
    let at = |p: &Picture, x: usize, y: usize| p.plane(0).data[y * p.width() + x];
    assert_eq!(at(&ours, 320, 180), at(&src, 320, 180));
    assert!(f64::from(at(&ours, 1, 1)) < 0.5 * f64::from(at(&src, 1, 1)));
}

#[test]
fn sigmoidal_transfer_matches_the_same_curve_in_ffmpeg_lutyuv() {
    let src = natural(640, 360, 2.1);
    let (b, m) = (SIGMOID_CONTRAST, SIGMOID_MIDPOINT);
    let f = |u: f64| 1.0 / (1.0 + (b * (m - u)).exp());
    let (f0, f1) = (f(0.0), f(1.0));
    let filter = format!(
        "[0:v]lutyuv=y='16+219*((1/(1+exp({b}*({m}-clip((val-16)/219,0,1)))))-{f0})/({f1}-{f0})'"
    );
    let db = against_ffmpeg(Vfx::SigmoidalTransfer, &src, 100, &filter);
    assert!(db >= 45.0, "sigmoidaltransfer PSNR {db:.2} dB");
    assert!((sigmoid(0.3) - (f(0.3) - f0) / (f1 - f0)).abs() < 1e-12);
}

#[test]
fn colorshift_turns_the_hue_like_ffmpeg_hue_at_fixed_angles() {
    let src = natural(640, 360, 0.2);
    // Frame n of the 36 s clip at 10 fps is at n / 360 of the clip: n degrees.
    for degrees in [45u64, 90, 200, 315] {
        let db = against_ffmpeg(
            Vfx::ColorShift,
            &src,
            degrees,
            &format!("[0:v]hue=h={degrees}"),
        );
        assert!(
            db >= 50.0,
            "colorshift at {degrees} degrees: PSNR {db:.2} dB"
        );
    }
    // The first frame is the picture itself.
    assert_eq!(render(Vfx::ColorShift, &src, 0, None), src);
}

#[test]
fn letterboxed_matches_ffmpeg_drawbox() {
    let src = natural(640, 360, 0.7);
    let band = letterbox_band(640, 360);
    assert_eq!(band, 44, "2.35:1 inside 16:9 leaves 272 of 360 rows");
    let filter = format!(
        "[0:v]drawbox=x=0:y=0:w=iw:h={band}:color=black:t=fill,drawbox=x=0:y=ih-{band}:w=iw:h={band}:color=black:t=fill"
    );
    let db = against_ffmpeg(Vfx::Letterboxed, &src, 5, &filter);
    assert_eq!(db, f64::INFINITY);
    // Portrait keeps three quarters of its height.
    assert_eq!(letterbox_band(360, 640), 80);
}

/// The vertigo definition written out directly in f64: output pixel centre `q` shows the source
/// at `c + R(-a) (q - c) / z`, bilinear, edges clamped.
fn vertigo_reference(src: &Picture, pulse: Pulse) -> Picture {
    let mut data = Vec::new();
    for i in 0..3 {
        let pl = src.plane(i);
        let (w, h) = (pl.width, pl.height);
        let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
        let get = |x: f64, y: f64| {
            let x = x.clamp(0.0, (w - 1) as f64);
            let y = y.clamp(0.0, (h - 1) as f64);
            let (x0, y0) = (x.floor() as usize, y.floor() as usize);
            let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
            let (tx, ty) = (x - x0 as f64, y - y0 as f64);
            let p = |x: usize, y: usize| f64::from(pl.data[y * w + x]);
            (p(x0, y0) * (1.0 - tx) + p(x1, y0) * tx) * (1.0 - ty)
                + (p(x0, y1) * (1.0 - tx) + p(x1, y1) * tx) * ty
        };
        for y in 0..h {
            for x in 0..w {
                let (qx, qy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
                let (s, c) = pulse.angle.sin_cos();
                let sx = cx + (c * qx - s * qy) / pulse.zoom - 0.5;
                let sy = cy + (s * qx + c * qy) / pulse.zoom - 0.5;
                data.push(get(sx, sy).round() as u8);
            }
        }
    }
    Picture::from_i420(src.width(), src.height(), data).expect("size")
}

#[test]
fn vertigo_zooms_and_turns_as_defined() {
    let src = natural(640, 360, 1.7);
    for n in [45u64, 90, 180, 300] {
        let p = n as f32 / 360.0;
        let ours = render(Vfx::Vertigo, &src, n, None);
        let db = psnr(&ours, &vertigo_reference(&src, Pulse::at(p)));
        println!("vertigo at p = {p:.3}: PSNR {db:.2} dB against its definition");
        assert!(db >= 45.0, "vertigo at {p}: {db:.2} dB");
        let still = psnr(&ours, &src);
        println!("  (against the unmoved picture: {still:.2} dB)");
        assert!(still < db - 20.0, "the picture moved at {p}");
    }
    assert_eq!(render(Vfx::Vertigo, &src, 0, None), src);
}

/// ffmpeg's rendering of one blurred draw (crop, scale to the overshooting rect, Gaussian blur,
/// cut the canvas part out), as in tests/compose.rs's blurred-fill test; `label` names the output.
fn blurred_chain(op: &DrawOp, band: (f64, f64, f64, f64), input: &str, label: &str) -> String {
    let r = |v: f64| v.round() as i64;
    let (s, d) = (op.src_rect, op.dst_rect);
    let (bx, by, bw, bh) = band;
    format!(
        "[{input}]crop={}:{}:{}:{},scale={}:{}:flags=bilinear,gblur=sigma={}:steps=6,crop={}:{}:{}:{}[{label}]",
        r(s.w),
        r(s.h),
        r(s.x),
        r(s.y),
        r(d.w),
        r(d.h),
        op.blur_px,
        r(bw),
        r(bh),
        r(bx - d.x),
        r(by - d.y)
    )
}

fn sharp_chain(op: &DrawOp, input: &str, label: &str) -> String {
    let r = |v: f64| v.round() as i64;
    let (s, d) = (op.src_rect, op.dst_rect);
    format!(
        "[{input}]crop={}:{}:{}:{},scale={}:{}:flags=bilinear[{label}]",
        r(s.w),
        r(s.h),
        r(s.x),
        r(s.y),
        r(d.w),
        r(d.h)
    )
}

#[test]
fn twolayer_fits_the_picture_over_its_blurred_copy() {
    let src = natural(1280, 720, 0.5);
    let (w, h) = (720u32, 1280u32);
    let plan = plan(Vfx::TwoLayer, (1280, 720), (w, h));
    let ops = frame_ops(&plan, 10).expect("ops");
    let draws = &ops.layers[0].draws;
    assert_eq!(draws.len(), 2);
    let (bg, fg) = (&draws[0], &draws[1]);
    // The definition: the whole picture, fitted into the central 80 % of the frame.
    assert_eq!(bg.blur_px, background_blur(w, h));
    let fit_w = (f64::from(w) * TWOLAYER_SCALE).round();
    assert_eq!(fg.src_rect.w, 1280.0);
    assert_eq!(fg.dst_rect.w, fit_w);
    assert_eq!(fg.dst_rect.h, (fit_w * 720.0 / 1280.0).round());
    assert_eq!(fg.dst_rect.x, (f64::from(w) - fit_w) / 2.0);
    assert!((fg.dst_rect.y + fg.dst_rect.h / 2.0 - f64::from(h) / 2.0).abs() <= 1.0);
    let ours = compose(&ops, &plan, std::slice::from_ref(&src));
    let filter = format!(
        "[0:v]split[a][b];{};{};[bg][fg]overlay={}:{}",
        blurred_chain(bg, (0.0, 0.0, f64::from(w), f64::from(h)), "a", "bg"),
        sharp_chain(fg, "b", "fg"),
        fg.dst_rect.x,
        fg.dst_rect.y
    );
    let reference = ffmpeg_yuv(&[(&src, 1)], 25, &filter, w as usize, h as usize);
    let db = psnr(&ours, &reference[0]);
    println!(
        "twolayer 1280x720 -> 720x1280 vs ffmpeg gblur + overlay: PSNR {db:.2} dB (Y {:.2})",
        psnr_planes(&ours, &reference[0], &[0])
    );
    assert!(db >= 30.0, "twolayer PSNR {db:.2} dB");
}

#[test]
fn threelayer_puts_the_picture_between_two_blurred_copies() {
    let src = natural(1280, 720, 2.5);
    let (w, h) = (720u32, 1280u32);
    let plan = plan(Vfx::ThreeLayer, (1280, 720), (w, h));
    let ops = frame_ops(&plan, 10).expect("ops");
    let draws = &ops.layers[0].draws;
    assert_eq!(draws.len(), 3);
    // The outer bands are a third of the height each, on even rows.
    let third = (f64::from(h) / 6.0).round() * 2.0;
    let bands = [
        (0.0, 0.0, f64::from(w), third),
        (0.0, f64::from(h) - third, f64::from(w), third),
    ];
    let middle = &draws[2];
    assert_eq!(middle.blur_px, 0.0);
    assert_eq!(
        (middle.dst_rect.y, middle.dst_rect.h),
        (third, f64::from(h) - 2.0 * third)
    );
    assert!(draws[..2].iter().all(|d| d.blur_px > 0.0));
    let ours = compose(&ops, &plan, std::slice::from_ref(&src));
    let filter = format!(
        "[0:v]split=3[a][b][c];{};{};{};[top][mid][bottom]vstack=inputs=3",
        blurred_chain(&draws[0], bands[0], "a", "top"),
        blurred_chain(&draws[1], bands[1], "b", "bottom"),
        sharp_chain(middle, "c", "mid"),
    );
    let reference = ffmpeg_yuv(&[(&src, 1)], 25, &filter, w as usize, h as usize);
    let db = psnr(&ours, &reference[0]);
    println!(
        "threelayer 1280x720 -> 720x1280 vs ffmpeg gblur + overlay: PSNR {db:.2} dB (Y {:.2})",
        psnr_planes(&ours, &reference[0], &[0])
    );
    assert!(db >= 30.0, "threelayer PSNR {db:.2} dB");
}

#[test]
fn an_effect_stays_on_its_clip_through_a_transition() {
    // Two clips joined by a 1 s fade: the outgoing clip is inverted, the incoming one is not.
    let a = natural(320, 180, 0.1);
    let b = natural(320, 180, 3.0);
    let mut second = clip(1, CLIP_S - 1.0, None);
    second.transition_in = Some(ClipTransition::new("fade", 1.0));
    let plan = RenderPlan {
        width: 320,
        height: 180,
        fps: FPS,
        scale: None,
        clips: vec![clip(0, 0.0, Some(Vfx::Invert)), second],
        sources: vec![SourceGeometry::simple(320, 180); 2],
        duration_s: 2.0 * CLIP_S - 1.0,
        loudness: None,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays: Vec::new(),
    };
    let pictures = [a.clone(), b.clone()];
    let frame = |n: u64| compose(&frame_ops(&plan, n).expect("ops"), &plan, &pictures);
    let ffmpeg_negated = ffmpeg_yuv(&[(&a, 1)], 25, "[0:v]negate", 320, 180).remove(0);
    assert_eq!(frame(10), ffmpeg_negated);
    assert_eq!(frame((CLIP_S * FPS) as u64 + 5), b);
    // Half way through the fade: the mean of the negated A and of B.
    let mid = frame(((CLIP_S - 0.5) * FPS) as u64);
    let i = 180 * 320 / 2 + 100;
    let expect = (u16::from(ffmpeg_negated.data()[i]) + u16::from(b.data()[i])) / 2;
    assert!((i32::from(mid.data()[i]) - i32::from(expect)).abs() <= 1);
}
