//! The YUV compositor against ffmpeg: scale + pad, the blurred fill, every transition vs `xfade`,
//! rotation vs `transpose`; frame conversions from every `copyTo` layout; the drawing model's
//! corner cases (veils, clip rects, opacity, transparent layers, odd input).

mod common;

use common::{block_means, ffmpeg_yuv, natural, picture_from_fn, psnr, psnr_planes, psnr_values};
use reelcut::analysis::{FrameView, PixelFormat, PlaneLayout};
use reelcut::render::compose::picture::{rgb_to_yuv, Picture};
use reelcut::render::compose::store::{FrameLayout, FrameStore};
use reelcut::render::compose::{Compositor, SourceFrame};
use reelcut::render::{
    frame_ops, ClipTransition, ColorFill, DrawOp, FrameOps, Layer, Placement, Rect, RenderClip,
    RenderPlan, SourceGeometry, BLACK,
};

// ---------------------------------------------------------------- helpers

fn clip(
    source: usize,
    in_s: f64,
    out_s: f64,
    out_start_s: f64,
    tr: Option<ClipTransition>,
) -> RenderClip {
    RenderClip {
        source,
        in_s,
        out_s,
        out_start_s,
        transition_in: tr,
        volume: 1.0,
        in_cut: None,
        out_cut: None,
        vfx: None,
        speed: 1.0,
        camera: None,
    }
}

fn one_source_plan(g: SourceGeometry, w: u32, h: u32, scale: Option<Placement>) -> RenderPlan {
    RenderPlan {
        width: w,
        height: h,
        fps: 25.0,
        scale,
        clips: vec![clip(0, 0.0, 10.0, 0.0, None)],
        sources: vec![g],
        duration_s: 10.0,
        loudness: None,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays: Vec::new(),
    }
}

fn rotated(w: u32, h: u32, rotation: u32) -> SourceGeometry {
    SourceGeometry {
        rotation,
        display_w: 0,
        display_h: 0,
        ..SourceGeometry::simple(w, h)
    }
}

/// Composes `ops` with one still picture per source (index = source number).
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

fn render(plan: &RenderPlan, n: u64, pictures: &[Picture]) -> Picture {
    compose(&frame_ops(plan, n).expect("ops"), plan, pictures)
}

fn luma(p: &Picture, x: usize, y: usize) -> u8 {
    p.plane(0).data[y * p.width() + x]
}

fn yuv_at(p: &Picture, x: usize, y: usize) -> [u8; 3] {
    let cw = p.width() / 2;
    [
        luma(p, x, y),
        p.plane(1).data[(y / 2) * cw + x / 2],
        p.plane(2).data[(y / 2) * cw + x / 2],
    ]
}

fn near(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tol)
}

// ---------------------------------------------------------------- geometry vs ffmpeg

#[test]
fn scale_and_pad_matches_ffmpeg() {
    let src = natural(1920, 1080, 0.3);
    let plan = one_source_plan(
        SourceGeometry::simple(1920, 1080),
        1080,
        1920,
        Some(Placement::Letterbox),
    );
    let ours = render(&plan, 0, std::slice::from_ref(&src));
    let reference = ffmpeg_yuv(
        &[(&src, 1)],
        25,
        "[0:v]scale=1080:608:flags=bilinear,pad=1080:1920:0:656:black",
        1080,
        1920,
    );
    let (y, all) = (
        psnr_planes(&ours, &reference[0], &[0]),
        psnr(&ours, &reference[0]),
    );
    println!("scale+pad 1920x1080 -> 1080x1920: PSNR Y {y:.2} dB, YUV {all:.2} dB");
    assert!(all >= 35.0, "scale+pad PSNR {all:.2} dB");
    // The bars are exactly black.
    assert_eq!(yuv_at(&ours, 540, 100), rgb_to_yuv([0, 0, 0]));
}

#[test]
fn blurred_fill_matches_ffmpeg_gblur() {
    let src = natural(1920, 1080, 1.1);
    let plan = one_source_plan(SourceGeometry::simple(1920, 1080), 1080, 1920, None);
    let ops = frame_ops(&plan, 0).expect("ops");
    let bg = &ops.layers[0].draws[0];
    assert!(
        bg.blur_px > 0.0,
        "landscape into portrait gets the blurred fill"
    );
    let ours = compose(&ops, &plan, std::slice::from_ref(&src));
    // ffmpeg: cover-crop the same region, scale it to the overshooting rect, Gaussian blur, cut the
    // canvas out of it, and overlay the fitted picture.
    let (s, d) = (bg.src_rect, bg.dst_rect);
    let r = |v: f64| v.round() as i64;
    let filter = format!(
        "[0:v]split[a][b];\
         [a]crop={}:{}:{}:{},scale={}:{}:flags=bilinear,gblur=sigma={}:steps=6,crop=1080:1920:{}:{}[bg];\
         [b]scale=1080:608:flags=bilinear[fg];[bg][fg]overlay=0:656",
        r(s.w),
        r(s.h),
        r(s.x),
        r(s.y),
        r(d.w),
        r(d.h),
        bg.blur_px,
        r(-d.x),
        r(-d.y)
    );
    let reference = ffmpeg_yuv(&[(&src, 1)], 25, &filter, 1080, 1920);
    let (y, all) = (
        psnr_planes(&ours, &reference[0], &[0]),
        psnr(&ours, &reference[0]),
    );
    println!(
        "blurred fill 1920x1080 -> 1080x1920 (sigma {}): PSNR Y {y:.2} dB, YUV {all:.2} dB",
        bg.blur_px
    );
    assert!(all >= 28.0, "blurred fill PSNR {all:.2} dB");
    // The bands are the blurred picture, not black; the centre is the sharp picture.
    let black = rgb_to_yuv([0, 0, 0]);
    assert!(!near(yuv_at(&ours, 540, 300), black, 10));
    assert!(!near(yuv_at(&ours, 540, 1700), black, 10));
    let fit = render(
        &one_source_plan(
            SourceGeometry::simple(1920, 1080),
            1080,
            1920,
            Some(Placement::Letterbox),
        ),
        0,
        std::slice::from_ref(&src),
    );
    let band = |p: &Picture| Picture::from_i420(1080, 500, crop_rows(p, 700, 500)).expect("crop");
    assert!(
        psnr(&band(&ours), &band(&fit)) > 60.0,
        "the fitted picture is drawn sharp over the fill"
    );
}

/// Rows `y0 .. y0 + h` (even) of a picture, as I420 bytes.
fn crop_rows(p: &Picture, y0: usize, h: usize) -> Vec<u8> {
    let w = p.width();
    let mut out = p.plane(0).data[y0 * w..(y0 + h) * w].to_vec();
    for i in 1..3 {
        let cw = w / 2;
        out.extend_from_slice(&p.plane(i).data[y0 / 2 * cw..(y0 + h) / 2 * cw]);
    }
    out
}

#[test]
fn rotation_matches_ffmpeg_transpose() {
    let src = natural(320, 180, 0.7);
    for (rot, filter) in [
        (90, "[0:v]transpose=clock"),
        (180, "[0:v]hflip,vflip"),
        (270, "[0:v]transpose=cclock"),
    ] {
        let g = rotated(320, 180, rot);
        let (w, h) = if rot == 180 { (320, 180) } else { (180, 320) };
        let plan = one_source_plan(g, w, h, Some(Placement::Stretch));
        let ours = render(&plan, 0, std::slice::from_ref(&src));
        let reference = ffmpeg_yuv(&[(&src, 1)], 25, filter, w as usize, h as usize);
        let db = psnr(&ours, &reference[0]);
        println!("rotation {rot}: PSNR vs ffmpeg {db:.2} dB");
        assert!(db >= 50.0, "rotation {rot}: PSNR {db:.2} dB");
    }
}

#[test]
fn rotation_puts_corners_where_a_viewer_sees_them() {
    // 8x4 coded frame: a red 2x2 block top-left, green top-right, blue bottom-left.
    let (red, green, blue, grey) = (
        rgb_to_yuv([255, 0, 0]),
        rgb_to_yuv([0, 255, 0]),
        rgb_to_yuv([0, 0, 255]),
        rgb_to_yuv([128, 128, 128]),
    );
    let img = picture_from_fn(8, 4, |x, y| match (x / 2, y / 2) {
        (0, 0) => red,
        (3, 0) => green,
        (0, 1) => blue,
        _ => grey,
    });
    type Corner = (usize, usize);
    let cases: [(u32, Corner, Corner, Corner); 4] = [
        (0, (0, 0), (7, 0), (0, 3)),
        (90, (3, 0), (3, 7), (0, 0)),
        (180, (7, 3), (0, 3), (7, 0)),
        (270, (0, 7), (0, 0), (3, 7)),
    ];
    for (rot, r, g, b) in cases {
        let geo = rotated(8, 4, rot);
        let (w, h) = reelcut::render::output_size(&[geo], None);
        let out = render(
            &one_source_plan(geo, w, h, Some(Placement::Stretch)),
            0,
            std::slice::from_ref(&img),
        );
        assert_eq!(yuv_at(&out, r.0, r.1), red, "rotation {rot}: red");
        assert_eq!(yuv_at(&out, g.0, g.1), green, "rotation {rot}: green");
        assert_eq!(yuv_at(&out, b.0, b.1), blue, "rotation {rot}: blue");
    }
}

#[test]
fn fit_blur_fill_has_no_black_bars_and_a_sharp_centre() {
    let (red, blue) = (rgb_to_yuv([255, 0, 0]), rgb_to_yuv([0, 0, 255]));
    let img = picture_from_fn(64, 36, |x, _| if x < 32 { red } else { blue });
    let plan = one_source_plan(SourceGeometry::simple(64, 36), 36, 64, None);
    let out = render(&plan, 0, std::slice::from_ref(&img));
    let top = yuv_at(&out, 18, 0);
    assert!(
        !near(top, rgb_to_yuv([0, 0, 0]), 20),
        "blurred fill at the top: {top:?}"
    );
    // Fitted band in the middle (rows 22..42): sharp colours left and right.
    assert!(
        near(yuv_at(&out, 2, 32), red, 2),
        "{:?}",
        yuv_at(&out, 2, 32)
    );
    assert!(near(yuv_at(&out, 33, 32), blue, 2));
    let fit = render(
        &one_source_plan(
            SourceGeometry::simple(64, 36),
            36,
            64,
            Some(Placement::Letterbox),
        ),
        0,
        &[img],
    );
    assert_eq!(yuv_at(&fit, 18, 0), rgb_to_yuv([0, 0, 0]));
}

// ---------------------------------------------------------------- transitions vs xfade

const TW: usize = 320;
const TH: usize = 180;
/// Frames at 25, 50 and 75 % of the transition (20 fps, B starts at 0.5 s, 1 s long).
const AT_PROGRESS: [(u64, f64); 3] = [(15, 0.25), (20, 0.5), (25, 0.75)];

fn xfade_plan(name: &str, colour: Option<[u8; 3]>) -> RenderPlan {
    let mut tr = ClipTransition::new(name, 1.0);
    tr.color = colour;
    RenderPlan {
        width: TW as u32,
        height: TH as u32,
        fps: 20.0,
        scale: Some(Placement::Stretch),
        clips: vec![
            clip(0, 0.0, 2.0, 0.0, None),
            clip(1, 0.0, 2.0, 0.5, Some(tr)),
        ],
        sources: vec![SourceGeometry::simple(TW as u32, TH as u32); 2],
        duration_s: 2.5,
        loudness: None,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays: Vec::new(),
    }
}

/// ffmpeg's fadeblack formula with another colour, as an xfade custom expression (ffmpeg has no
/// fadecolor): `mix(mix(A, C, s(0.8, 1, P)), mix(C, B, s(0.2, 1, P)), P)`, P running 1 -> 0.
fn fadecolor_expr(c: [u8; 3]) -> String {
    let s = |e0: f64, reg: u8| {
        format!(
            "st({reg},clip((P-{e0})/(1-{e0}),0,1));st({reg},ld({reg})*ld({reg})*(3-2*ld({reg})));"
        )
    };
    format!(
        "{}{}st(2,if(eq(PLANE,0),{},if(eq(PLANE,1),{},{})));\
         (A*ld(0)+ld(2)*(1-ld(0)))*P+(ld(2)*ld(1)+B*(1-ld(1)))*(1-P)",
        s(0.8, 0),
        s(0.2, 1),
        c[0],
        c[1],
        c[2]
    )
}

fn check_transition(name: &str) {
    let (a, b) = (natural(TW, TH, 0.3), natural(TW, TH, 2.4));
    let colour = [200, 40, 90];
    let (plan, filter) = if name == "fadecolor" {
        let yuv = rgb_to_yuv(colour);
        let expr = fadecolor_expr(yuv).replace(',', "\\,");
        (
            xfade_plan(name, Some(colour)),
            format!("[0:v][1:v]xfade=transition=custom:expr='{expr}':duration=1:offset=0.5"),
        )
    } else if name == "fadeblack" || name == "fadewhite" {
        // On YUV input xfade fades luma to 0 / 255 (outside the legal 16..235); its colours are
        // meant as RGB black and white, so run it on RGB and convert the result to BT.709.
        let to_rgb = "scale=in_color_matrix=bt709:in_range=tv:out_range=pc:flags=bilinear+accurate_rnd+full_chroma_int,format=gbrp";
        let to_yuv = "scale=out_color_matrix=bt709:in_range=pc:out_range=tv:flags=bilinear+accurate_rnd,format=yuv420p";
        (
            xfade_plan(name, None),
            format!(
                "[0:v]{to_rgb}[a];[1:v]{to_rgb}[b];[a][b]xfade=transition={name}:duration=1:offset=0.5,{to_yuv}"
            ),
        )
    } else {
        (
            xfade_plan(name, None),
            format!("[0:v][1:v]xfade=transition={name}:duration=1:offset=0.5"),
        )
    };
    let reference = ffmpeg_yuv(&[(&a, 40), (&b, 40)], 20, &filter, TW, TH);
    for (n, p) in AT_PROGRESS {
        let ours = render(&plan, n, &[a.clone(), b.clone()]);
        let want = &reference[n as usize];
        let db = if name == "dissolve" {
            // Different noise, same statistics: compare 16x16 block means.
            psnr_values(&block_means(&ours, 16), &block_means(want, 16))
        } else {
            psnr(&ours, want)
        };
        println!(
            "{name} at {:.0} %: PSNR vs ffmpeg xfade {db:.2} dB",
            p * 100.0
        );
        assert!(db >= 30.0, "{name} at p {p}: PSNR {db:.2} dB");
    }
}

#[test]
fn fade_matches_xfade() {
    check_transition("fade");
}

#[test]
fn fadeblack_matches_xfade() {
    check_transition("fadeblack");
}

#[test]
fn fadewhite_matches_xfade() {
    check_transition("fadewhite");
}

#[test]
fn fadecolor_matches_the_xfade_formula() {
    check_transition("fadecolor");
}

#[test]
fn wipeleft_matches_xfade() {
    check_transition("wipeleft");
}

#[test]
fn wiperight_matches_xfade() {
    check_transition("wiperight");
}

#[test]
fn slideleft_matches_xfade() {
    check_transition("slideleft");
}

#[test]
fn slideright_matches_xfade() {
    check_transition("slideright");
}

#[test]
fn dissolve_matches_xfade_statistics() {
    check_transition("dissolve");
}

#[test]
fn dissolve_switches_a_fraction_p_of_pixels() {
    let (ya, yb) = (60u8, 200u8);
    let a = Picture::filled(TW, TH, [ya, 128, 128]);
    let b = Picture::filled(TW, TH, [yb, 128, 128]);
    let plan = xfade_plan("dissolve", None);
    for (n, p) in AT_PROGRESS {
        let out = render(&plan, n, &[a.clone(), b.clone()]);
        let y = out.plane(0).data;
        assert!(
            y.iter().all(|&v| v == ya || v == yb),
            "luma is A or B, never a blend"
        );
        let f = y.iter().filter(|&&v| v == yb).count() as f64 / y.len() as f64;
        assert!(
            (f - p).abs() < 0.02,
            "frame {n}: B fraction {f:.3}, expected {p}"
        );
    }
}

// ---------------------------------------------------------------- the drawing model's corners

fn layer(draws: Vec<DrawOp>) -> Layer {
    Layer {
        clip: Some(0),
        background: Some(BLACK),
        draws,
        fill_after: None,
        dissolve: None,
        offset_x: 0.0,
        offset_y: 0.0,
        clip_rect: None,
        opacity: 1.0,
        vfx: None,
        backdrop: false,
    }
}

fn op(w: f64, h: f64, blur_px: f32) -> DrawOp {
    DrawOp {
        source: 0,
        source_time_s: 0.0,
        src_rect: Rect::new(0.0, 0.0, w, h),
        dst_rect: Rect::new(0.0, 0.0, w, h),
        rotation: 0,
        blur_px,
    }
}

fn frame(w: u32, h: u32, background: [u8; 4], layers: Vec<Layer>) -> FrameOps {
    FrameOps {
        xfade: None,
        t: 0.0,
        width: w,
        height: h,
        background,
        layers,
        overlays: Vec::new(),
    }
}

#[test]
fn blur_keeps_a_flat_picture_flat() {
    let img = Picture::filled(32, 16, [100, 150, 200]);
    let plan = one_source_plan(SourceGeometry::simple(32, 16), 32, 16, None);
    let out = compose(
        &frame(32, 16, BLACK, vec![layer(vec![op(32.0, 16.0, 6.0)])]),
        &plan,
        std::slice::from_ref(&img),
    );
    assert_eq!(out, img);
}

#[test]
fn clip_rect_opacity_and_veil() {
    let grey = rgb_to_yuv([200, 200, 200]);
    let img = Picture::filled(10, 10, grey);
    let mut l = layer(vec![op(10.0, 10.0, 0.0)]);
    l.clip_rect = Some(Rect::new(6.0, 0.0, 4.0, 10.0));
    l.opacity = 0.5;
    l.fill_after = Some(ColorFill {
        rgb: [0, 0, 0],
        alpha: 0.5,
    });
    let plan = one_source_plan(SourceGeometry::simple(10, 10), 10, 10, None);
    let out = compose(&frame(10, 10, [0, 0, 255, 255], vec![l]), &plan, &[img]);
    let blue = rgb_to_yuv([0, 0, 255]);
    assert_eq!(yuv_at(&out, 2, 5), blue, "outside the clip rect");
    // Inside: 0.5 * (grey veiled 50 % black) + 0.5 * blue, per channel in YUV.
    let black = rgb_to_yuv([0, 0, 0]);
    let want: Vec<u8> = (0..3)
        .map(|c| {
            let veiled = (f64::from(grey[c]) + f64::from(black[c])) / 2.0;
            ((veiled + f64::from(blue[c])) / 2.0).round() as u8
        })
        .collect();
    assert!(
        near(yuv_at(&out, 8, 5), [want[0], want[1], want[2]], 1),
        "{:?} vs {want:?}",
        yuv_at(&out, 8, 5)
    );
}

#[test]
fn a_layer_without_background_shows_what_is_below_outside_its_draws() {
    let img = Picture::filled(8, 8, rgb_to_yuv([255, 255, 255]));
    let mut d = op(8.0, 8.0, 0.0);
    d.dst_rect = Rect::new(0.0, 0.0, 4.0, 8.0);
    let mut l = layer(vec![d]);
    l.background = None;
    l.opacity = 0.5;
    let plan = one_source_plan(SourceGeometry::simple(8, 8), 8, 8, None);
    let bg = [0, 0, 0, 255];
    let out = compose(&frame(8, 8, bg, vec![l]), &plan, &[img]);
    assert_eq!(
        yuv_at(&out, 6, 4),
        rgb_to_yuv([0, 0, 0]),
        "uncovered: the background"
    );
    let mid = yuv_at(&out, 1, 4)[0];
    assert!(
        (124..=127).contains(&mid),
        "covered: half white over black, luma {mid}"
    );
}

#[test]
fn missing_frames_and_odd_rects_do_not_panic() {
    let mut bad = op(10.0, 10.0, 0.0);
    bad.src_rect = Rect::new(-5.0, 1e9, f64::NAN, 3.0);
    bad.dst_rect = Rect::new(-1e12, 2.0, 1e13, 4.0);
    let mut blurred = op(10.0, 10.0, 3.0);
    blurred.dst_rect = Rect::new(-1e12, -1e12, 2e12, 2e12);
    let mut l = layer(vec![bad, blurred, op(4.0, 4.0, 0.0)]);
    l.offset_x = f64::NAN;
    l.opacity = f32::NAN;
    let ops = frame(4, 4, BLACK, vec![layer(vec![op(4.0, 4.0, 0.0)]), l]);
    let plan = one_source_plan(SourceGeometry::simple(2, 2), 4, 4, None);
    let out = compose(&ops, &plan, &[Picture::filled(2, 2, [90, 128, 128])]);
    assert_eq!(out.data().len(), 4 * 4 * 3 / 2);
    let none = compose(&ops, &plan, &[]);
    assert_eq!(yuv_at(&none, 0, 0), rgb_to_yuv([0, 0, 0]));
}

#[test]
fn a_reel_starting_with_a_transition_fades_from_black() {
    let mut plan = xfade_plan("fade", None);
    plan.clips = vec![clip(
        0,
        0.0,
        2.0,
        0.0,
        Some(ClipTransition::new("fade", 1.0)),
    )];
    let white = Picture::filled(TW, TH, rgb_to_yuv([255, 255, 255]));
    let out = render(&plan, 10, &[white]); // t = 0.5: half way
    let y = luma(&out, 10, 10);
    assert!((125..=126).contains(&y), "luma {y}");
}

// ---------------------------------------------------------------- decoded frame layouts

fn view<'a>(
    format: PixelFormat,
    w: u32,
    h: u32,
    data: &'a [u8],
    planes: &[(usize, usize)],
    full_range: bool,
) -> FrameView<'a> {
    FrameView {
        format,
        width: w,
        height: h,
        data,
        planes: planes
            .iter()
            .map(|&(offset, stride)| PlaneLayout { offset, stride })
            .collect(),
        full_range,
    }
}

#[test]
fn every_yuv_layout_converts_to_the_same_picture() {
    let (w, h) = (64usize, 36usize);
    let pic = natural(w, h, 0.9);
    let (y, u, v) = (pic.plane(0).data, pic.plane(1).data, pic.plane(2).data);
    let (cw, ch) = (w / 2, h / 2);
    let conv = |f: &FrameView| Picture::from_frame(f, Vec::new()).expect("convert");
    // I420 with padded strides and planes in another order.
    let stride = 80;
    let mut padded = vec![7u8; stride * h + 2 * 48 * ch];
    for r in 0..h {
        padded[r * stride..r * stride + w].copy_from_slice(&y[r * w..(r + 1) * w]);
    }
    let (vo, uo) = (stride * h, stride * h + 48 * ch);
    for r in 0..ch {
        padded[uo + r * 48..uo + r * 48 + cw].copy_from_slice(&u[r * cw..(r + 1) * cw]);
        padded[vo + r * 48..vo + r * 48 + cw].copy_from_slice(&v[r * cw..(r + 1) * cw]);
    }
    let f = view(
        PixelFormat::I420,
        w as u32,
        h as u32,
        &padded,
        &[(0, stride), (uo, 48), (vo, 48)],
        false,
    );
    assert_eq!(conv(&f), pic, "I420, padded");
    // NV12.
    let mut nv = y.to_vec();
    for (a, b) in u.iter().zip(v) {
        nv.extend_from_slice(&[*a, *b]);
    }
    let f = view(
        PixelFormat::NV12,
        w as u32,
        h as u32,
        &nv,
        &[(0, w), (w * h, w)],
        false,
    );
    assert_eq!(conv(&f), pic, "NV12");
    // I444 and I422 with each chroma sample repeated: averaging gives it back.
    let up = |p: &[u8], fx: usize, fy: usize| -> Vec<u8> {
        let mut o = Vec::new();
        for r in 0..ch * fy {
            for c in 0..cw * fx {
                o.push(p[(r / fy) * cw + c / fx]);
            }
        }
        o
    };
    for (format, fx, fy) in [(PixelFormat::I444, 2, 2), (PixelFormat::I422, 1, 2)] {
        let (u2, v2) = (up(u, fx, fy), up(v, fx, fy));
        let mut d = y.to_vec();
        d.extend_from_slice(&u2);
        d.extend_from_slice(&v2);
        let cs = cw * fx;
        let f = view(
            format,
            w as u32,
            h as u32,
            &d,
            &[(0, w), (w * h, cs), (w * h + u2.len(), cs)],
            false,
        );
        assert_eq!(conv(&f), pic, "{format:?}");
    }
    // I420A: the alpha plane is ignored.
    let mut a = pic.data().to_vec();
    a.extend(std::iter::repeat_n(255, w * h));
    let f = view(
        PixelFormat::I420A,
        w as u32,
        h as u32,
        &a,
        &[
            (0, w),
            (w * h, cw),
            (w * h + cw * ch, cw),
            (w * h + 2 * cw * ch, w),
        ],
        false,
    );
    assert_eq!(conv(&f), pic, "I420A");
    // Full range is compressed into limited range.
    let full = vec![255u8; w * h * 3 / 2];
    let f = view(
        PixelFormat::I420,
        w as u32,
        h as u32,
        &full,
        &[(0, w), (w * h, cw), (w * h + cw * ch, cw)],
        true,
    );
    let p = conv(&f);
    assert_eq!((p.plane(0).data[0], p.plane(1).data[0]), (235, 240));
}

#[test]
fn rgb_frames_convert_like_ffmpeg_bt709() {
    // ffmpeg turns a YUV picture into RGBA with the BT.709 matrix; converting it back must give
    // the picture again (up to the chroma averaging).
    let (w, h) = (320usize, 180usize);
    let pic = natural(w, h, 1.7);
    let path = common::tmp_path("rgb-src.yuv");
    common::write_yuv(&path, &pic, 1);
    let out = std::process::Command::new(common::FFMPEG)
        .args(["-v", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", &format!("{w}x{h}"), "-i"])
        .arg(&path)
        .args(["-vf", "scale=in_color_matrix=bt709:in_range=tv:out_range=pc:flags=bilinear+accurate_rnd+full_chroma_int,format=rgba"])
        .args(["-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        .output()
        .expect("run ffmpeg");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rgba = out.stdout;
    let f = view(
        PixelFormat::RGBA,
        w as u32,
        h as u32,
        &rgba,
        &[(0, w * 4)],
        false,
    );
    let back = Picture::from_frame(&f, Vec::new()).expect("convert");
    let (y, all) = (psnr_planes(&back, &pic, &[0]), psnr(&back, &pic));
    println!("RGBA (ffmpeg BT.709) -> I420: PSNR Y {y:.2} dB, YUV {all:.2} dB");
    assert!(y >= 40.0 && all >= 35.0, "Y {y:.2} dB, all {all:.2} dB");
    // BGRX is the same with the channels swapped.
    let bgrx: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| [p[2], p[1], p[0], 0])
        .collect();
    let f = view(
        PixelFormat::BGRX,
        w as u32,
        h as u32,
        &bgrx,
        &[(0, w * 4)],
        false,
    );
    assert_eq!(Picture::from_frame(&f, Vec::new()).expect("convert"), back);
}

#[test]
fn odd_sizes_and_bad_layouts() {
    let rgba = vec![200u8; 5 * 3 * 4];
    let f = view(PixelFormat::RGBA, 5, 3, &rgba, &[(0, 20)], false);
    let p = Picture::from_frame(&f, Vec::new()).expect("odd size converts");
    assert_eq!((p.width(), p.height()), (6, 4));
    let short = vec![0u8; 10];
    let f = view(
        PixelFormat::I420,
        64,
        36,
        &short,
        &[(0, 64), (2304, 32), (2880, 32)],
        false,
    );
    assert!(Picture::from_frame(&f, Vec::new()).is_err());
    let f = view(PixelFormat::NV12, 64, 36, &short, &[(0, 64)], false);
    assert!(
        Picture::from_frame(&f, Vec::new()).is_err(),
        "missing plane layout"
    );
}

// ---------------------------------------------------------------- the frame store

#[test]
fn frame_store_keeps_frames_while_they_show() {
    let (w, h) = (16u32, 8u32);
    let pic = natural(16, 8, 0.1);
    let mut store = FrameStore::default();
    let layout = FrameLayout {
        format: PixelFormat::I420,
        width: w,
        height: h,
        full_range: false,
        bt601: false,
        offsets: &[0, 128, 160],
        strides: &[16, 8, 8],
    };
    store.staging(pic.data().len()).copy_from_slice(pic.data());
    store.insert_staged(3, 40_000, &layout, 90).expect("insert");
    assert!(store.contains(3, 40_000) && !store.contains(3, 80_000));
    store.show(3, 1.25, 40_000);
    let d = DrawOp {
        source_time_s: 1.25,
        ..op(16.0, 8.0, 0.0)
    };
    assert!(store.lookup(3, &d).is_some());
    assert!(store.lookup(2, &d).is_none());
    store.next_frame();
    assert_eq!(store.len(), 1, "shown in the last output frame: kept");
    store.next_frame();
    assert!(store.is_empty(), "not shown: dropped");
}

/// Every pixel `xfade` transition (the 35 beyond the layer ones) against ffmpeg's own rendering
/// at 25, 50 and 75 %.
#[test]
fn every_pixel_transition_matches_xfade() {
    let (a, b) = (natural(TW, TH, 0.3), natural(TW, TH, 2.4));
    let mut failures = Vec::new();
    for (name, kind) in reelcut::render::transitions::xfade::TABLE {
        let xf = kind.ffmpeg_name();
        let filter = if xf == "circlecrop" || xf == "rectcrop" {
            // xfade's black on YUV input is luma 0; run it on RGB (as for fadeblack).
            let to_rgb = "scale=in_color_matrix=bt709:in_range=tv:out_range=pc:flags=bilinear+accurate_rnd+full_chroma_int,format=gbrp";
            let to_yuv = "scale=out_color_matrix=bt709:in_range=pc:out_range=tv:flags=bilinear+accurate_rnd,format=yuv420p";
            format!("[0:v]{to_rgb}[a];[1:v]{to_rgb}[b];[a][b]xfade=transition={xf}:duration=1:offset=0.5,{to_yuv}")
        } else {
            format!("[0:v][1:v]xfade=transition={xf}:duration=1:offset=0.5")
        };
        let reference = ffmpeg_yuv(&[(&a, 40), (&b, 40)], 20, &filter, TW, TH);
        let plan = xfade_plan(name, None);
        for (n, p) in AT_PROGRESS {
            let ours = render(&plan, n, &[a.clone(), b.clone()]);
            let db = psnr(&ours, &reference[n as usize]);
            println!(
                "{name} ({}) at {:.0} %: PSNR vs ffmpeg xfade {db:.2} dB",
                kind.ffmpeg_name(),
                p * 100.0
            );
            if db < 30.0 {
                failures.push(format!("{name} at {p}: {db:.2} dB"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

// ---------------------------------------------------------------- gl-transitions

/// A scalar reference of a few gl-transitions straight from their GLSL (uv y up, nearest
/// sample, clamp to edge), on the luma plane only.
fn gl_reference(name: &str, a: &Picture, b: &Picture, p: f64) -> Vec<u8> {
    let (w, h) = (a.width(), a.height());
    let tex = |pic: &Picture, u: f64, v: f64| {
        let x = ((u * w as f64).floor().max(0.0) as usize).min(w - 1);
        let y = (((1.0 - v) * h as f64).floor().max(0.0) as usize).min(h - 1);
        f64::from(pic.plane(0).row(y)[x])
    };
    let ss = |e0: f64, e1: f64, x: f64| {
        let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
        t * t * (3.0 - 2.0 * t)
    };
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let (u, v) = (
                (x as f64 + 0.5) / w as f64,
                1.0 - (y as f64 + 0.5) / h as f64,
            );
            let val = match name {
                "windowslice" => {
                    let pr = ss(-0.5, 0.0, u - p * 1.5);
                    let s = if (10.0 * u).fract() >= pr { 1.0 } else { 0.0 };
                    tex(a, u, v) * (1.0 - s) + tex(b, u, v) * s
                }
                "crosswarp" => {
                    let m = ss(0.0, 1.0, p * 2.0 + u - 1.0);
                    let fa = tex(a, (u - 0.5) * (1.0 - m) + 0.5, (v - 0.5) * (1.0 - m) + 0.5);
                    let fb = tex(b, (u - 0.5) * m + 0.5, (v - 0.5) * m + 0.5);
                    fa * (1.0 - m) + fb * m
                }
                "simplezoom" => {
                    let z = ss(0.0, 0.8, p);
                    let fa = tex(a, 0.5 + (u - 0.5) * (1.0 - z), 0.5 + (v - 0.5) * (1.0 - z));
                    let m = ss(0.6, 1.0, p);
                    fa * (1.0 - m) + tex(b, u, v) * m
                }
                "directional" => {
                    let py = v + p;
                    if py <= 1.0 {
                        tex(a, u, py)
                    } else {
                        tex(b, u, py - 1.0)
                    }
                }
                _ => unreachable!(),
            };
            out.push(val.round().clamp(0.0, 255.0) as u8);
        }
    }
    out
}

#[test]
fn gl_transitions_match_their_definitions() {
    let (a, b) = (natural(TW, TH, 0.3), natural(TW, TH, 2.4));
    let mut failures = Vec::new();
    for (name, _) in reelcut::render::transitions::gl::TABLE {
        let plan = xfade_plan(name, None);
        // The ends: only A just after the cut, only B at its end.
        let start = render(&plan, 10, &[a.clone(), b.clone()]);
        let end = render(&plan, 30, &[a.clone(), b.clone()]);
        let (db_a, db_b) = (psnr(&start, &a), psnr(&end, &b));
        println!("{name}: start vs A {db_a:.2} dB, end vs B {db_b:.2} dB");
        if db_a < 40.0 || db_b < 40.0 {
            failures.push(format!("{name} ends: {db_a:.2} / {db_b:.2} dB"));
        }
        for (n, p) in AT_PROGRESS {
            let ours = render(&plan, n, &[a.clone(), b.clone()]);
            // Every frame in the middle differs from both pictures.
            assert!(
                psnr(&ours, &a) < 60.0 && psnr(&ours, &b) < 60.0,
                "{name} at {p}"
            );
            if ["windowslice", "crosswarp", "simplezoom", "directional"].contains(name) {
                let want = gl_reference(name, &a, &b, p);
                let f = |v: &[u8]| v.iter().map(|&x| f64::from(x)).collect::<Vec<f64>>();
                let db = psnr_values(&f(ours.plane(0).data), &f(&want));
                println!(
                    "{name} at {:.0} %: luma PSNR vs reference {db:.2} dB",
                    p * 100.0
                );
                if db < 30.0 {
                    failures.push(format!("{name} at {p}: {db:.2} dB"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
