//! Native micro-timing of the compositor (not a test, nothing asserted): milliseconds per
//! 1080x1920 output frame from a 1920x1080 source with the blurred fill (the landscape-to-portrait
//! reel), the same with each visual effect, plus the I420 frame adoption and an NV12 conversion
//! for comparison.
//!
//! `cargo run --release --example compose_timing`

use std::time::Instant;

use reelcut::analysis::{FrameView, PixelFormat, PlaneLayout};
use reelcut::render::compose::picture::Picture;
use reelcut::render::compose::{Compositor, SourceFrame};
use reelcut::render::vfx::Vfx;
use reelcut::render::{frame_ops, RenderClip, RenderPlan, SourceGeometry};

/// Median and fastest milliseconds of `n` runs of `f` (the machine is shared: the fastest run is
/// the one least disturbed by other processes).
fn time(n: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut ms: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[n / 2], ms[0])
}

fn main() {
    let (sw, sh) = (1920usize, 1080usize);
    let mut data = vec![0u8; sw * sh * 3 / 2];
    for (i, v) in data.iter_mut().enumerate() {
        *v = ((i * 7 + i / sw * 3) % 220 + 16) as u8;
    }
    let source = Picture::from_i420(sw, sh, data).expect("even size");
    let frame = SourceFrame::from_picture(source.clone());
    let plan = RenderPlan {
        width: 1080,
        height: 1920,
        fps: 30.0,
        scale: None,
        clips: vec![RenderClip::plain(0, 0.0, 10.0, 0.0)],
        sources: vec![SourceGeometry::simple(sw as u32, sh as u32)],
        duration_s: 10.0,
        loudness: None,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays: Vec::new(),
    };
    let ops = frame_ops(&plan, 0).expect("ops");
    let mut comp = Compositor::new(plan.width, plan.height);
    let n = 60;
    for _ in 0..5 {
        comp.compose(&ops, &plan.sources, &|_, _| Some(&frame));
    }
    let (median, best) = time(n, || {
        comp.compose(&ops, &plan.sources, &|_, _| Some(&frame));
    });
    println!("compose 1920x1080 -> 1080x1920 with blurred fill: {median:.2} ms/frame median, {best:.2} fastest");
    let fit = RenderPlan {
        scale: Some(reelcut::render::Placement::Letterbox),
        ..plan.clone()
    };
    let fit_ops = frame_ops(&fit, 0).expect("ops");
    let (median, best) = time(n, || {
        comp.compose(&fit_ops, &plan.sources, &|_, _| Some(&frame));
    });
    println!("compose 1920x1080 -> 1080x1920 fitted, black bars: {median:.2} ms/frame median, {best:.2} fastest");

    // Each visual effect on the same reel, at 40 % of the clip (the animated ones are moving).
    for effect in Vfx::ALL {
        let mut with = plan.clone();
        with.clips[0].vfx = Some(effect);
        let ops = frame_ops(&with, 120).expect("ops");
        let (median, best) = time(n, || {
            comp.compose(&ops, &plan.sources, &|_, _| Some(&frame));
        });
        println!(
            "compose 1920x1080 -> 1080x1920 with {}: {median:.2} ms/frame median, {best:.2} fastest",
            effect.name()
        );
    }

    // NV12 -> I420 conversion of the same frame (what a decoder choosing NV12 costs on top).
    let mut nv = source.plane(0).data.to_vec();
    for (u, v) in source.plane(1).data.iter().zip(source.plane(2).data) {
        nv.extend_from_slice(&[*u, *v]);
    }
    let view = FrameView {
        format: PixelFormat::NV12,
        width: sw as u32,
        height: sh as u32,
        data: &nv,
        planes: vec![
            PlaneLayout {
                offset: 0,
                stride: sw,
            },
            PlaneLayout {
                offset: sw * sh,
                stride: sw,
            },
        ],
        full_range: false,
    };
    let mut buf = Vec::new();
    let (median, best) = time(n, || {
        buf = Picture::from_frame(&view, std::mem::take(&mut buf))
            .expect("convert")
            .into_data();
    });
    println!("convert NV12 1920x1080 -> I420: {median:.2} ms/frame median, {best:.2} fastest");
}
