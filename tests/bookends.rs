//! Openings, endings and background images: which entry each output takes, how they lengthen the
//! plan and move the reel and its overlays, what `frame_ops` draws during each, and the
//! background image behind a fitted picture against ffmpeg (scale to cover + overlay).

mod common;

use std::collections::HashMap;

use common::{ffmpeg_raw, natural, psnr, psnr_planes, RawInput};
use reelcut::engine::{reel_outputs, render_settings, SourceInput};
use reelcut::job::validate::{parse_request, Capabilities};
use reelcut::plan::{PlannedClip, Reel};
use reelcut::render::bookend::{looks_like_image, BookendMedia};
use reelcut::render::compose::image::RgbaImage;
use reelcut::render::compose::picture::rgb_to_yuv;
use reelcut::render::compose::{Compositor, SourceFrame};
use reelcut::render::{frame_ops, DrawOp, Placement, RenderPlan, SourceGeometry};
use serde_json::{json, Value};

const ICE: &str = "SubmitScreenMediaHighlightsJob";

fn input(w: u32, h: u32) -> SourceInput {
    SourceInput {
        duration_s: 60.0,
        has_audio: true,
        frame_rate: 25.0,
        geometry: SourceGeometry::simple(w, h),
        cuts: Vec::new(),
        subject: None,
    }
}

fn reel(len: f64) -> Reel {
    Reel {
        clips: vec![PlannedClip {
            source: 0,
            in_s: 10.0,
            out_s: 10.0 + len,
            score: 0.5,
            reasons: Vec::new(),
            transition_in: None,
            hook: false,
            vfx: None,
        }],
        duration_s: len,
        notes: Vec::new(),
    }
}

fn media() -> HashMap<String, BookendMedia> {
    let video = |duration_s| BookendMedia::Video {
        geometry: SourceGeometry::simple(640, 360),
        duration_s,
        has_audio: true,
    };
    HashMap::from([
        (
            "open.png".to_string(),
            BookendMedia::Still {
                width: 400,
                height: 300,
            },
        ),
        ("open.mp4".to_string(), video(7.5)),
        ("end.mp4".to_string(), video(4.0)),
    ])
}

/// The render plans of `count` outputs of `reel_len` s reels for `input_config` (MediaArray added).
fn plans(input_config: Value, count: u32, reel_len: f64) -> Vec<RenderPlan> {
    let mut config = input_config;
    config["MediaArray"] = json!(["ep1.mp4"]);
    let request = json!({
        "InputConfig": config,
        "OutputConfig": {"MediaURL": "r_{index}.mp4", "Count": count, "Width": 720, "Height": 1280},
    });
    let spec = parse_request(ICE, &request, &Capabilities::with_render()).expect("valid");
    let inputs = [input(1280, 720)];
    let settings = render_settings(&spec, &inputs);
    let reels: Vec<Reel> = (0..count).map(|_| reel(reel_len)).collect();
    reel_outputs(&spec, &settings, &inputs, &reels, &media())
        .into_iter()
        .map(|o| o.render.expect("rendered"))
        .collect()
}

#[test]
fn each_output_takes_entry_i_mod_len_and_its_length() {
    let plans = plans(
        json!({
            "OpeningArray": ["open.png", {"MediaURL": "open.mp4", "Duration": 2}, "open.mp4"],
            "EndingArray": ["end.mp4", {"MediaURL": "end.mp4", "Duration": 30}],
        }),
        4,
        20.0,
    );
    // Opening: still 3 s (the default), video cut to 2 s, whole video 7.5 s, then the first again.
    // Ending: whole 4 s video, then Duration 30 capped at the video's 4 s.
    let openings = [3.0, 2.0, 7.5, 3.0];
    for (i, plan) in plans.iter().enumerate() {
        let names: Vec<&str> = plan.bookends.iter().map(|b| b.entry.as_str()).collect();
        let opening = format!("OpeningArray[{}]", i % 3);
        let ending = format!("EndingArray[{}]", i % 2);
        assert_eq!(names, [opening.as_str(), ending.as_str()], "output {i}");
        let lead = openings[i];
        assert!(
            (plan.duration_s - (lead + 20.0 + 4.0)).abs() < 1e-9,
            "output {i}: {}",
            plan.duration_s
        );
        // The opening from 0, the reel after it, the ending after the reel.
        let [open, reel_clip, end] = &plan.clips[..] else {
            panic!("three clips: {:?}", plan.clips)
        };
        assert_eq!(
            (open.out_start_s, open.in_s, open.out_len_s()),
            (0.0, 0.0, lead)
        );
        assert_eq!(open.source, plan.bookends[0].source);
        assert_eq!(plan.bookends[0].still, i % 3 == 0);
        assert_eq!((reel_clip.source, reel_clip.out_start_s), (0, lead));
        assert!((end.out_start_s - (lead + 20.0)).abs() < 1e-9);
        assert_eq!(end.out_len_s(), 4.0);
        assert!(plan.bookends[1].has_audio && !plan.bookends[1].still);
        // Each is a source of the plan with its own geometry.
        assert_eq!(plan.sources.len(), 3);
    }
}

#[test]
fn the_record_duration_counts_opening_and_ending() {
    let request = json!({
        "InputConfig": {"MediaArray": ["ep1.mp4"], "OpeningArray": ["open.png"], "EndingArray": ["end.mp4"]},
        "OutputConfig": {"MediaURL": "r_{index}.mp4", "Count": 1},
    });
    let spec = parse_request(ICE, &request, &Capabilities::with_render()).expect("valid");
    let inputs = [input(1280, 720)];
    let settings = render_settings(&spec, &inputs);
    let outs = reel_outputs(&spec, &settings, &inputs, &[reel(12.0)], &media());
    let plan = outs[0].render.as_ref().expect("plan");
    assert_eq!(plan.duration_s, 3.0 + 12.0 + 4.0);
    assert!(
        outs[0]
            .notes
            .iter()
            .any(|n| n.contains("OpeningArray[0] open.png shown at 0 s for 3 s")),
        "{:?}",
        outs[0].notes
    );
    // Frames: the opening still, the reel, the ending video, nothing after.
    let at = |t: f64| {
        let ops = frame_ops(plan, (t * plan.fps).round() as u64).expect("ops");
        ops.layers.iter().filter_map(|l| l.clip).collect::<Vec<_>>()
    };
    assert_eq!(at(1.0), [0]);
    assert_eq!(at(5.0), [1]);
    assert_eq!(at(17.0), [2]);
    assert!(at(19.5).is_empty());
}

#[test]
fn titles_and_stickers_count_from_the_reel_start_and_end_with_it() {
    let plans = plans(
        json!({
            "OpeningArray": ["open.png"],
            "EndingArray": ["end.mp4"],
            "TitleArray": ["Episode 1"],
            "StickerArray": [{"MediaURL": "logo.png", "Start": 1, "Duration": 2}, "badge.png"],
        }),
        1,
        20.0,
    );
    let plan = &plans[0];
    let spans: Vec<(f64, f64)> = plan.overlays.iter().map(|o| (o.start_s, o.end_s)).collect();
    // Title 4 s from the reel's start (3 s in); sticker 1..3 s of the reel; the other the whole reel.
    assert_eq!(spans, [(3.0, 7.0), (4.0, 6.0), (3.0, 23.0)]);
    let on = |t: f64| {
        frame_ops(plan, (t * plan.fps).round() as u64)
            .expect("ops")
            .overlays
            .len()
    };
    assert_eq!(on(1.0), 0, "nothing over the opening");
    assert_eq!(on(24.0), 0, "nothing over the ending");
    assert_eq!(on(5.0), 3);
}

#[test]
fn the_background_image_replaces_bars_and_blurred_fill_only() {
    // Into 720x1280: landscape gets LetterboxOverBlur, square Letterbox, 9:16 Cover (fills).
    for ((w, h), backdrop) in [((1280, 720), true), ((720, 720), true), ((360, 640), false)] {
        let request = json!({
            "InputConfig": {"MediaArray": ["ep1.mp4"], "BackgroundImageArray": ["bg1.jpg", "bg2.jpg"]},
            "OutputConfig": {"MediaURL": "r_{index}.mp4", "Count": 3, "Width": 720, "Height": 1280},
        });
        let spec = parse_request(ICE, &request, &Capabilities::with_render()).expect("valid");
        let inputs = [input(w, h)];
        let settings = render_settings(&spec, &inputs);
        let reels = [reel(10.0), reel(10.0), reel(10.0)];
        let outs = reel_outputs(&spec, &settings, &inputs, &reels, &HashMap::new());
        let picked: Vec<Option<&str>> = outs
            .iter()
            .map(|o| o.render.as_ref().and_then(|p| p.backdrop.as_deref()))
            .collect();
        assert_eq!(picked, [Some("bg1.jpg"), Some("bg2.jpg"), Some("bg1.jpg")]);
        let plan = outs[0].render.as_ref().expect("plan");
        let ops = frame_ops(plan, 10).expect("ops");
        let layer = &ops.layers[0];
        assert_eq!(layer.backdrop, backdrop, "{w}x{h}");
        if backdrop {
            // The sharp fitted picture only: no blurred copy under it.
            assert_eq!(layer.draws.len(), 1, "{w}x{h}");
            assert_eq!(layer.draws[0].blur_px, 0.0);
        }
    }
}

#[test]
fn images_are_told_from_videos_by_their_signature() {
    assert!(looks_like_image(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
    assert!(looks_like_image(b"\xff\xd8\xff\xe0\0\x10JFIF"));
    assert!(looks_like_image(b"RIFF\x10\0\0\0WEBPVP8 "));
    assert!(looks_like_image(b"GIF89a"));
    assert!(looks_like_image(b"\0\0\0\x1cftypavif\0\0\0\0"));
    assert!(!looks_like_image(b"\0\0\0\x20ftypisom\0\0\x02\0"));
    assert!(!looks_like_image(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81"));
    assert!(!looks_like_image(b""));
}

/// A 300x200 image of gradients and a few hard edges, opaque.
fn backdrop_image() -> RgbaImage {
    let (w, h) = (300, 200);
    let mut data = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        for x in 0..w {
            let stripe = if (x / 25 + y / 40) % 2 == 0 { 40 } else { 0 };
            data.extend_from_slice(&[
                (60 + x * 150 / w + stripe) as u8,
                (40 + y * 180 / h) as u8,
                (200 - x * 120 / w) as u8,
                255,
            ]);
        }
    }
    RgbaImage::new(w, h, data).expect("size")
}

#[test]
fn background_image_behind_a_fitted_picture_matches_ffmpeg() {
    // A 640x320 picture fitted into 360x640 (360x180 at y 230) over a 300x200 image scaled to
    // cover (960x640, centred: 300 px cut each side).
    let src = natural(640, 320, 0.8);
    let img = backdrop_image();
    let plan = RenderPlan {
        width: 360,
        height: 640,
        fps: 25.0,
        scale: Some(Placement::Letterbox),
        clips: vec![reelcut::render::RenderClip::plain(0, 0.0, 5.0, 0.0)],
        sources: vec![SourceGeometry::simple(640, 320)],
        duration_s: 5.0,
        loudness: None,
        music: None,
        overlays: Vec::new(),
        bookends: Vec::new(),
        backdrop: Some("bg.png".into()),
    };
    let ops = frame_ops(&plan, 0).expect("ops");
    let frame = SourceFrame::from_picture(src.clone());
    let mut c = Compositor::new(360, 640);
    c.set_backdrop(Some(&img));
    let ours = c
        .compose(&ops, &plan.sources, &|_, _: &DrawOp| Some(&frame))
        .clone();
    let filter = "[1:v]scale=960:640:flags=bilinear:out_color_matrix=bt709:out_range=tv,crop=360:640:300:0,format=yuv420p[bg];\
                  [0:v]scale=360:180:flags=bilinear[fg];[bg][fg]overlay=0:230:format=yuv420";
    let inputs = [
        RawInput {
            bytes: src.data(),
            pix_fmt: "yuv420p",
            width: 640,
            height: 320,
            frames: 1,
        },
        RawInput {
            bytes: img.data(),
            pix_fmt: "rgba",
            width: 300,
            height: 200,
            frames: 1,
        },
    ];
    let reference = ffmpeg_raw(&inputs, 25, filter, 360, 640);
    let (all, luma) = (
        psnr(&ours, &reference[0]),
        psnr_planes(&ours, &reference[0], &[0]),
    );
    println!("background image + fitted picture vs ffmpeg: PSNR {all:.2} dB (Y {luma:.2})");
    assert!(all >= 30.0, "background image PSNR {all:.2} dB");
    // Without the backdrop the bands are black: the image is what fills them.
    let mut plain = Compositor::new(360, 640);
    let black = plain
        .compose(&ops, &plan.sources, &|_, _: &DrawOp| Some(&frame))
        .clone();
    assert_eq!(
        black.plane(0).data[100 * 360 + 180],
        rgb_to_yuv([0, 0, 0])[0]
    );
    assert_ne!(
        ours.plane(0).data[100 * 360 + 180],
        black.plane(0).data[100 * 360 + 180]
    );
}

#[test]
fn an_ending_with_sound_gives_silent_inputs_an_audio_track() {
    let request = json!({
        "InputConfig": {"MediaArray": ["ep1.mp4"], "EndingArray": ["end.mp4"]},
        "OutputConfig": {"MediaURL": "r_{index}.mp4", "Count": 1},
    });
    let spec = parse_request(ICE, &request, &Capabilities::with_render()).expect("valid");
    let silent = [SourceInput {
        has_audio: false,
        ..input(1280, 720)
    }];
    let settings = render_settings(&spec, &silent);
    assert!(settings.audio.is_none());
    let with = reelcut::engine::with_bookend_sound(settings.clone(), &spec, &media());
    assert!(with.audio.is_some() && with.loudness.is_some());
    // A still ending has no sound to add.
    let stills = HashMap::from([(
        "end.mp4".to_string(),
        BookendMedia::Still {
            width: 8,
            height: 8,
        },
    )]);
    let without = reelcut::engine::with_bookend_sound(settings, &spec, &stills);
    assert!(without.audio.is_none());
}
