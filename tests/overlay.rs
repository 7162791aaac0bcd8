//! RGBA images with alpha composited onto I420 pictures (stickers, titles, stills): against
//! ffmpeg's `overlay` of the same image, and the compositing rules (transparent leaves the picture
//! alone, opaque replaces it, the time range and its fades, images cut by the frame edge).

mod common;

use common::{ffmpeg_raw, natural, psnr, psnr_planes, RawInput};
use reelcut::render::compose::image::{PlacedImage, RgbaImage, ShowTime};
use reelcut::render::compose::picture::{rgb_to_yuv, Picture};
use reelcut::render::Rect;

/// A sticker-like image: colour gradients, an opaque disc in a soft-edged halo, transparent
/// corners.
fn sticker(w: usize, h: usize) -> RgbaImage {
    let mut data = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        for x in 0..w {
            let (u, v) = (x as f64 / w as f64, y as f64 / h as f64);
            let d = ((u - 0.5).powi(2) + (v - 0.5).powi(2)).sqrt();
            let alpha = ((0.5 - d) / 0.2).clamp(0.0, 1.0);
            data.extend_from_slice(&[
                (255.0 * u) as u8,
                (200.0 * v + 30.0) as u8,
                (255.0 * (1.0 - u)) as u8,
                (255.0 * alpha).round() as u8,
            ]);
        }
    }
    RgbaImage::new(w, h, data).expect("size")
}

#[test]
fn a_sticker_matches_ffmpeg_overlay() {
    let bg = natural(640, 360, 0.6);
    let img = sticker(200, 120);
    // Enlarged (200x120 -> 300x180) and shrunk (-> 100x60), at even positions.
    for (x, y, w, h) in [(100.0, 56.0, 300.0, 180.0), (400.0, 20.0, 100.0, 60.0)] {
        let mut ours = bg.clone();
        PlacedImage::new(&img, Rect::new(x, y, w, h), 640, 360).draw(&mut ours, 1.0);
        let filter = format!(
            "[1:v]scale={w}:{h}:flags=bilinear:out_color_matrix=bt709:out_range=tv,format=yuva420p[o];\
             [0:v][o]overlay={x}:{y}:format=yuv420"
        );
        let inputs = [
            RawInput {
                bytes: bg.data(),
                pix_fmt: "yuv420p",
                width: 640,
                height: 360,
                frames: 1,
            },
            RawInput {
                bytes: img.data(),
                pix_fmt: "rgba",
                width: 200,
                height: 120,
                frames: 1,
            },
        ];
        let reference = ffmpeg_raw(&inputs, 25, &filter, 640, 360);
        let (all, luma) = (
            psnr(&ours, &reference[0]),
            psnr_planes(&ours, &reference[0], &[0]),
        );
        println!("sticker 200x120 -> {w}x{h} at ({x}, {y}) vs ffmpeg overlay: PSNR {all:.2} dB (Y {luma:.2})");
        assert!(all >= 35.0, "overlay PSNR {all:.2} dB");
    }
}

fn solid(w: usize, h: usize, rgba: [u8; 4]) -> RgbaImage {
    RgbaImage::new(w, h, rgba.repeat(w * h)).expect("size")
}

#[test]
fn transparent_leaves_the_picture_and_opaque_replaces_it() {
    let bg = natural(320, 180, 1.9);
    let mut out = bg.clone();
    PlacedImage::new(
        &solid(16, 16, [255, 0, 0, 0]),
        Rect::new(10.0, 10.0, 100.0, 80.0),
        320,
        180,
    )
    .draw(&mut out, 1.0);
    assert_eq!(out, bg, "a transparent image changes nothing");

    let red = rgb_to_yuv([255, 0, 0]);
    PlacedImage::new(
        &solid(16, 16, [255, 0, 0, 255]),
        Rect::new(10.0, 10.0, 100.0, 80.0),
        320,
        180,
    )
    .draw(&mut out, 1.0);
    let y = |p: &Picture, x: usize, yy: usize| p.plane(0).data[yy * 320 + x];
    let u = |p: &Picture, x: usize, yy: usize| p.plane(1).data[yy / 2 * 160 + x / 2];
    assert_eq!(y(&out, 50, 50), red[0]);
    assert_eq!(u(&out, 50, 50), red[1]);
    // Outside the rectangle the picture is untouched.
    assert_eq!(y(&out, 200, 100), y(&bg, 200, 100));
    assert_eq!(y(&out, 9, 50), y(&bg, 9, 50));

    // Half opacity: half way between the picture and red.
    let mut half = bg.clone();
    PlacedImage::new(
        &solid(4, 4, [255, 0, 0, 255]),
        Rect::new(0.0, 0.0, 320.0, 180.0),
        320,
        180,
    )
    .draw(&mut half, 0.5);
    let mid = (i32::from(y(&bg, 77, 33)) + i32::from(red[0])) / 2;
    assert!((i32::from(y(&half, 77, 33)) - mid).abs() <= 1);
}

#[test]
fn an_image_past_the_frame_edge_is_cut_and_odd_places_work() {
    let bg = natural(320, 180, 0.3);
    for r in [
        Rect::new(-50.0, -30.0, 120.0, 90.0),
        Rect::new(251.0, 131.0, 99.0, 77.0),
        Rect::new(400.0, 10.0, 50.0, 50.0),
        Rect::new(13.0, 7.0, 1.0, 1.0),
    ] {
        let mut out = bg.clone();
        PlacedImage::new(&sticker(40, 30), r, 320, 180).draw(&mut out, 1.0);
        assert_eq!((out.width(), out.height()), (320, 180));
    }
    // Fully outside: nothing changes.
    let mut out = bg.clone();
    PlacedImage::new(
        &sticker(40, 30),
        Rect::new(400.0, 10.0, 50.0, 50.0),
        320,
        180,
    )
    .draw(&mut out, 1.0);
    assert_eq!(out, bg);
    assert!(RgbaImage::new(4, 4, vec![0; 63]).is_err());
}

#[test]
fn show_time_fades_in_and_out_inside_its_range() {
    let s = ShowTime {
        start_s: 2.0,
        end_s: 6.0,
        fade_s: 0.5,
    };
    assert_eq!(s.opacity_at(1.99), 0.0);
    assert_eq!(s.opacity_at(2.0), 0.0);
    assert!((s.opacity_at(2.25) - 0.5).abs() < 1e-6);
    assert_eq!(s.opacity_at(4.0), 1.0);
    assert!((s.opacity_at(5.75) - 0.5).abs() < 1e-6);
    assert_eq!(s.opacity_at(6.0), 0.0);
    let sharp = ShowTime { fade_s: 0.0, ..s };
    assert_eq!(sharp.opacity_at(2.0), 1.0);
    assert_eq!(sharp.opacity_at(f64::NAN), 0.0);
}
