//! Overlay layers in the plan (titles, sub-headings, stickers): which entry each output takes,
//! where each lands on the output, and which layer `frame_ops` says is on at each frame.

use reelcut::job::validate::{parse_request, Capabilities};
use reelcut::render::overlay::{overlay_layers, OverlayContent, OverlayPlace, TEXT_FADE_S};
use reelcut::render::{frame_ops, RenderClip, RenderPlan, SourceGeometry};
use serde_json::json;

fn spec() -> reelcut::job::spec::JobSpec {
    let request = json!({
        "InputConfig": {
            "MediaArray": ["ep1.mp4"],
            "TitleArray": ["Episode 1", {"Text": "第二集", "FontSize": 0.08, "FontColor": "#FFCC00", "Y": 0.3, "Duration": 2}],
            "SubHeadingArray": ["The reveal"],
            "StickerArray": ["logo.png", {"MediaURL": "badge.png", "X": 0.7, "Y": 0.02, "Width": 0.25, "Height": 0.1, "Start": 1, "Duration": 5, "Opacity": 0.5}]
        },
        "OutputConfig": {"MediaURL": "r_{index}.mp4", "Count": 3}
    });
    parse_request(
        "SubmitScreenMediaHighlightsJob",
        &request,
        &Capabilities::with_render(),
    )
    .expect("valid")
}

fn plan(overlays: Vec<reelcut::render::overlay::OverlayLayer>) -> RenderPlan {
    RenderPlan {
        width: 720,
        height: 1280,
        fps: 25.0,
        scale: None,
        clips: vec![RenderClip::plain(0, 0.0, 10.0, 0.0)],
        sources: vec![SourceGeometry {
            coded_w: 720,
            coded_h: 1280,
            rotation: 0,
            pixel_aspect: (1, 1),
            display_w: 0,
            display_h: 0,
        }],
        duration_s: 10.0,
        loudness: None,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays,
    }
}

#[test]
fn one_title_per_output_by_index_then_subheading_then_stickers() {
    let spec = spec();
    let names = |i| {
        overlay_layers(&spec.overlays, i, 10.0, 1280)
            .into_iter()
            .map(|l| l.entry)
            .collect::<Vec<_>>()
    };
    let rest = ["SubHeadingArray[0]", "StickerArray[0]", "StickerArray[1]"];
    assert_eq!(names(0), [&["TitleArray[0]"][..], &rest].concat());
    assert_eq!(names(1), [&["TitleArray[1]"][..], &rest].concat());
    // Output 3 of a job with two titles starts the list again.
    assert_eq!(names(2), [&["TitleArray[0]"][..], &rest].concat());

    let layers = overlay_layers(&spec.overlays, 1, 10.0, 1280);
    assert_eq!(
        layers[0].content,
        OverlayContent::Text {
            text: "第二集".into(),
            font_px: (0.08f64 * 1280.0).round(),
            color: [0xFF, 0xCC, 0x00],
        }
    );
    assert_eq!(layers[0].place, OverlayPlace::CentredLine { y: 0.3 });
    assert_eq!((layers[0].start_s, layers[0].end_s), (0.0, 2.0));
    // Defaults: the sub-heading's size and line, the title's duration.
    let OverlayContent::Text { font_px, .. } = &layers[1].content else {
        panic!("text")
    };
    assert_eq!(*font_px, (0.035f64 * 1280.0).round());
    assert_eq!(layers[1].end_s, 4.0);
    // A sticker without a Duration shows to the end of the reel.
    assert_eq!((layers[2].start_s, layers[2].end_s), (0.0, 10.0));
    assert_eq!((layers[3].start_s, layers[3].end_s), (1.0, 6.0));
}

fn near(r: reelcut::render::Rect, want: [f64; 4]) {
    let got = [r.x, r.y, r.w, r.h];
    assert!(
        got.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9),
        "{got:?} != {want:?}"
    );
}

#[test]
fn rectangles_are_output_relative() {
    let spec = spec();
    let layers = overlay_layers(&spec.overlays, 0, 10.0, 1280);
    // A 300x100 title image centred on its line at 12 % of the height.
    let r = layers[0].rect(300, 100, 720, 1280);
    near(r, [210.0, 0.12 * 1280.0 - 50.0, 300.0, 100.0]);
    // A line wider than the frame is shrunk to 94 % of its width, still centred on its line.
    let r = layers[0].rect(1440, 100, 720, 1280);
    near(r, [21.6, 0.12 * 1280.0 - 23.5, 676.8, 47.0]);
    // Plain sticker: at (5 %, 5 %), 20 % of the width, the image's own aspect (2:1 here).
    let r = layers[2].rect(200, 100, 720, 1280);
    near(r, [36.0, 64.0, 144.0, 72.0]);
    // Sized sticker: its Height is a share of the frame height, whatever the image's aspect.
    let r = layers[3].rect(200, 100, 720, 1280);
    near(r, [504.0, 25.6, 180.0, 128.0]);
}

#[test]
fn frame_ops_says_which_layer_is_on_when() {
    let spec = spec();
    let plan = plan(overlay_layers(&spec.overlays, 0, 10.0, 1280));
    let on = |t: f64| {
        let ops = frame_ops(&plan, (t * 25.0).round() as u64).expect("ops");
        ops.overlays
            .iter()
            .map(|o| (o.layer, (o.opacity * 100.0).round() / 100.0))
            .collect::<Vec<_>>()
    };
    // t = 0: the title and sub-heading are fading in (opacity 0 at their very first frame), the
    // plain sticker is on; the timed sticker waits for 1 s.
    assert_eq!(on(0.0), [(2, 1.0)]);
    let fade = (0.12 / TEXT_FADE_S * 100.0).round() / 100.0;
    assert_eq!(on(0.12), [(0, fade as f32), (1, fade as f32), (2, 1.0)]);
    assert_eq!(on(2.0), [(0, 1.0), (1, 1.0), (2, 1.0), (3, 0.5)]);
    // The titles are gone after their 4 s, the timed sticker after 1 + 5 s.
    assert_eq!(on(4.0), [(2, 1.0), (3, 0.5)]);
    assert_eq!(on(6.0), [(2, 1.0)]);
    // Past the end of the reel nothing is drawn.
    assert!(on(10.0).is_empty());
}
