//! Render stage: layout per placement, rotation, pixel aspect, transition draw lists and the audio
//! mixer. The pixels the draw lists produce are checked against ffmpeg in `tests/compose.rs`.

use reelcut::render::mix::{downmix_to_stereo, MIN_RAMP_S};
use reelcut::render::{
    frame_count, frame_ops, mix_clips, output_size, validate_plan, AudioMixer, ClipTransition,
    FadeCurve, FrameOps, MixClip, Placement, Rect, RenderClip, RenderPlan, SourceGeometry,
};

// ---------------------------------------------------------------- helpers

fn geom(w: u32, h: u32, rotation: u32, par: (u32, u32)) -> SourceGeometry {
    SourceGeometry {
        coded_w: w,
        coded_h: h,
        rotation,
        pixel_aspect: par,
        display_w: 0,
        display_h: 0,
    }
}

fn clip(
    source: usize,
    in_s: f64,
    out_s: f64,
    out_start_s: f64,
    tr: Option<(&str, f64)>,
) -> RenderClip {
    RenderClip {
        transition_in: tr.map(|(n, d)| ClipTransition::new(n, d)),
        ..RenderClip::plain(source, in_s, out_s, out_start_s)
    }
}

fn one_source_plan(g: SourceGeometry, w: u32, h: u32, placement: Option<Placement>) -> RenderPlan {
    RenderPlan {
        width: w,
        height: h,
        fps: 25.0,
        scale: placement,
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

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn assert_rect(r: Rect, x: f64, y: f64, w: f64, h: f64) {
    assert!(
        close(r.x, x, 1e-6) && close(r.y, y, 1e-6) && close(r.w, w, 1e-6) && close(r.h, h, 1e-6),
        "rect {r:?} != ({x}, {y}, {w}, {h})"
    );
}

/// Two clips, B starts at 3 s with a 1 s transition; 20 fps so t = 3.25 is frame 65 (p = 0.25).
fn transition_plan(name: &str) -> RenderPlan {
    RenderPlan {
        width: 1920,
        height: 1080,
        fps: 20.0,
        scale: None,
        clips: vec![
            clip(0, 10.0, 14.0, 0.0, None),
            clip(1, 30.0, 35.0, 3.0, Some((name, 1.0))),
        ],
        sources: vec![geom(1920, 1080, 0, (1, 1)), geom(1920, 1080, 0, (1, 1))],
        duration_s: 8.0,
        loudness: None,
        music: None,
        bookends: Vec::new(),
        backdrop: None,
        overlays: Vec::new(),
    }
}

// ---------------------------------------------------------------- output size

#[test]
fn output_size_defaults_to_largest_display_size_even() {
    let s = [
        geom(1280, 720, 0, (1, 1)),
        geom(1920, 1080, 0, (1, 1)),
        geom(640, 360, 0, (1, 1)),
    ];
    assert_eq!(output_size(&s, None), (1920, 1080));
    // Rotation honoured: a 1920x1080 frame shown rotated is portrait.
    assert_eq!(
        output_size(&[geom(1920, 1080, 90, (1, 1))], None),
        (1080, 1920)
    );
    assert_eq!(
        output_size(&[geom(1920, 1080, 270, (1, 1))], None),
        (1080, 1920)
    );
    // Pixel aspect honoured (anamorphic 1440x1080 at 4:3 is 1920x1080).
    assert_eq!(
        output_size(&[geom(1440, 1080, 0, (4, 3))], None),
        (1920, 1080)
    );
    // Given display size wins; odd sizes become even.
    let odd = SourceGeometry {
        display_w: 1081,
        display_h: 721,
        ..geom(1081, 721, 0, (1, 1))
    };
    assert_eq!(output_size(&[odd], None), (1080, 720));
    // Requests: both, one side (other from the largest source's aspect), none usable.
    assert_eq!(output_size(&s, Some((721, 1279))), (720, 1278));
    assert_eq!(output_size(&s, Some((1080, 0))), (1080, 608));
    assert_eq!(output_size(&s, Some((0, 720))), (1280, 720));
    assert_eq!(output_size(&[], None), (1280, 720));
    assert_eq!(output_size(&[geom(0, 0, 0, (0, 0))], None), (1280, 720));
}

// ---------------------------------------------------------------- placements

fn single_layer_draws(plan: &RenderPlan, n: u64) -> Vec<reelcut::render::DrawOp> {
    let ops = frame_ops(plan, n).expect("frame ops");
    assert_eq!(ops.layers.len(), 1);
    assert_eq!(ops.layers[0].clip, Some(0));
    assert_eq!(ops.layers[0].opacity, 1.0);
    assert_eq!(ops.layers[0].background, Some([0, 0, 0, 255]));
    ops.layers[0].draws.clone()
}

#[test]
fn landscape_into_portrait_for_each_placement() {
    let g = geom(1920, 1080, 0, (1, 1));
    let d = single_layer_draws(&one_source_plan(g, 1080, 1920, Some(Placement::Stretch)), 0);
    assert_eq!(d.len(), 1);
    assert_rect(d[0].src_rect, 0.0, 0.0, 1920.0, 1080.0);
    assert_rect(d[0].dst_rect, 0.0, 0.0, 1080.0, 1920.0);

    // Cover keeps the centre: a 607.5 x 1080 column in the middle of the frame, covering the canvas.
    let d = single_layer_draws(&one_source_plan(g, 1080, 1920, Some(Placement::Cover)), 0);
    assert_eq!(d.len(), 1);
    assert_rect(d[0].src_rect, 656.25, 0.0, 607.5, 1080.0);
    assert_rect(d[0].dst_rect, 0.0, 0.0, 1080.0, 1920.0);
    assert_eq!(d[0].blur_px, 0.0);

    // Letterbox: the whole frame, 1080 x 608 (607.5 rounded), centred vertically.
    let d = single_layer_draws(
        &one_source_plan(g, 1080, 1920, Some(Placement::Letterbox)),
        0,
    );
    assert_eq!(d.len(), 1);
    assert_rect(d[0].src_rect, 0.0, 0.0, 1920.0, 1080.0);
    assert_rect(d[0].dst_rect, 0.0, 656.0, 1080.0, 608.0);

    // LetterboxOverBlur: blurred cover layer first (over the whole canvas), then the fitted frame.
    let d = single_layer_draws(
        &one_source_plan(g, 1080, 1920, Some(Placement::LetterboxOverBlur)),
        0,
    );
    assert_eq!(d.len(), 2);
    let (bg, fg) = (&d[0], &d[1]);
    assert!(bg.blur_px > 0.0);
    assert!(bg.dst_rect.x <= 0.0 && bg.dst_rect.y <= 0.0);
    assert!(bg.dst_rect.right() >= 1080.0 && bg.dst_rect.bottom() >= 1920.0);
    assert!(
        close(
            bg.src_rect.w / bg.src_rect.h,
            bg.dst_rect.w / bg.dst_rect.h,
            1e-9
        ),
        "cover keeps aspect"
    );
    assert!(
        close(bg.src_rect.x + bg.src_rect.w / 2.0, 960.0, 1e-9),
        "centred"
    );
    assert!(bg.src_rect.h <= 1080.0 && bg.src_rect.y >= 0.0);
    assert_eq!(fg.blur_px, 0.0);
    assert_rect(fg.src_rect, 0.0, 0.0, 1920.0, 1080.0);
    assert_rect(fg.dst_rect, 0.0, 656.0, 1080.0, 608.0);

    // The default for landscape into portrait is LetterboxOverBlur.
    let d_default = single_layer_draws(&one_source_plan(g, 1080, 1920, None), 0);
    assert_eq!(d_default, d);
}

#[test]
fn default_placement_choices() {
    // Same aspect: crop (here: the whole frame).
    let d = single_layer_draws(
        &one_source_plan(geom(1280, 720, 0, (1, 1)), 1920, 1080, None),
        0,
    );
    assert_eq!(d.len(), 1);
    assert_rect(d[0].src_rect, 0.0, 0.0, 1280.0, 720.0);
    assert_rect(d[0].dst_rect, 0.0, 0.0, 1920.0, 1080.0);
    // 4:3 into 16:9: fit, pillarboxed.
    let d = single_layer_draws(
        &one_source_plan(geom(1440, 1080, 0, (1, 1)), 1920, 1080, None),
        0,
    );
    assert_eq!(d.len(), 1);
    assert_rect(d[0].dst_rect, 240.0, 0.0, 1440.0, 1080.0);
    // Within 5%: crop (1920x1040 into 1920x1080 cuts a little off the sides).
    let d = single_layer_draws(
        &one_source_plan(geom(1920, 1040, 0, (1, 1)), 1920, 1080, None),
        0,
    );
    assert_rect(d[0].dst_rect, 0.0, 0.0, 1920.0, 1080.0);
    assert!(d[0].src_rect.x > 0.0 && close(d[0].src_rect.h, 1040.0, 1e-9));
}

#[test]
fn rotation_90_maps_display_rects_back_to_coded_pixels() {
    // Phone video: coded 1920x1080, rotated 90 degrees clockwise for display (1080x1920).
    let g = geom(1920, 1080, 90, (1, 1));
    let d = single_layer_draws(&one_source_plan(g, 1080, 1920, None), 0);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rotation, 90);
    assert_rect(d[0].src_rect, 0.0, 0.0, 1920.0, 1080.0);
    assert_rect(d[0].dst_rect, 0.0, 0.0, 1080.0, 1920.0);
    // Square crop of the portrait picture: the middle 1080 display rows are coded columns 420..1500.
    let d = single_layer_draws(&one_source_plan(g, 1080, 1080, Some(Placement::Cover)), 0);
    assert_rect(d[0].src_rect, 420.0, 0.0, 1080.0, 1080.0);
    assert_rect(d[0].dst_rect, 0.0, 0.0, 1080.0, 1080.0);
}

#[test]
fn pixel_aspect_is_honoured() {
    // Anamorphic 1440x1080 at 4:3 displays as 1920x1080.
    let g = geom(1440, 1080, 0, (4, 3));
    let d = single_layer_draws(&one_source_plan(g, 1920, 1080, None), 0);
    assert_rect(d[0].src_rect, 0.0, 0.0, 1440.0, 1080.0);
    assert_rect(d[0].dst_rect, 0.0, 0.0, 1920.0, 1080.0);
    // Square crop: display columns 420..1500 are coded columns 315..1125.
    let d = single_layer_draws(&one_source_plan(g, 1080, 1080, Some(Placement::Cover)), 0);
    assert_rect(d[0].src_rect, 315.0, 0.0, 810.0, 1080.0);
    // Fit into 1080x1080: 1080 x 607.5 -> 608 rows, centred.
    let d = single_layer_draws(
        &one_source_plan(g, 1080, 1080, Some(Placement::Letterbox)),
        0,
    );
    assert_rect(d[0].dst_rect, 0.0, 236.0, 1080.0, 608.0);
}

// ---------------------------------------------------------------- timeline and transitions

#[test]
fn source_time_mapping_and_cuts() {
    let plan = transition_plan("fade");
    assert_eq!(frame_count(&plan), 160);
    // t = 2 s: clip A alone, source time 10 + 2.
    let ops = frame_ops(&plan, 40).expect("ops");
    assert_eq!(ops.t, 2.0);
    assert_eq!(ops.layers.len(), 1);
    assert_eq!(ops.layers[0].clip, Some(0));
    assert!(close(ops.layers[0].draws[0].source_time_s, 12.0, 1e-9));
    // t = 4.5 s: clip B alone, 30 + 1.5.
    let ops = frame_ops(&plan, 90).expect("ops");
    assert_eq!(ops.layers.len(), 1);
    assert_eq!(ops.layers[0].clip, Some(1));
    assert_eq!(ops.layers[0].draws[0].source, 1);
    assert!(close(ops.layers[0].draws[0].source_time_s, 31.5, 1e-9));
    // After the end: black, nothing drawn.
    let ops = frame_ops(&plan, 160).expect("ops");
    assert!(ops.layers.is_empty());
    assert_eq!(ops.background, [0, 0, 0, 255]);

    // A gap between clips is black; a hard cut switches on the exact frame.
    let mut gap = transition_plan("fade");
    gap.clips = vec![
        clip(0, 0.0, 1.0, 0.0, None),
        clip(1, 5.0, 6.0, 2.0, None),
        clip(0, 7.0, 8.0, 3.0, None),
    ];
    gap.duration_s = 4.0;
    assert!(
        frame_ops(&gap, 30).expect("ops").layers.is_empty(),
        "t = 1.5 is in the gap"
    );
    assert_eq!(frame_ops(&gap, 59).expect("ops").layers[0].clip, Some(1));
    let at3 = frame_ops(&gap, 60).expect("ops");
    assert_eq!(at3.layers.len(), 1);
    assert_eq!(at3.layers[0].clip, Some(2));
    assert!(close(at3.layers[0].draws[0].source_time_s, 7.0, 1e-9));
}

/// Frame 65 = t 3.25 = p 0.25 of B's transition; returns (A layer, B layer).
fn transition_layers(name: &str) -> (reelcut::render::Layer, reelcut::render::Layer) {
    let plan = transition_plan(name);
    let ops = frame_ops(&plan, 65).expect("ops");
    assert_eq!(ops.layers.len(), 2, "{name}: A and B drawn");
    let (a, b) = (ops.layers[0].clone(), ops.layers[1].clone());
    assert_eq!(a.clip, Some(0), "{name}: A below");
    assert_eq!(b.clip, Some(1), "{name}: B on top");
    assert!(
        close(a.draws[0].source_time_s, 13.25, 1e-9),
        "{name}: A source time"
    );
    assert!(
        close(b.draws[0].source_time_s, 30.25, 1e-9),
        "{name}: B source time"
    );
    (a, b)
}

#[test]
fn transition_draw_lists_at_quarter_progress() {
    let (a, b) = transition_layers("fade");
    assert_eq!((a.opacity, b.opacity), (1.0, 0.25));
    assert!(a.fill_after.is_none() && b.fill_after.is_none() && b.clip_rect.is_none());

    let (a, b) = transition_layers("fadeblack");
    let fa = a.fill_after.expect("A veil");
    let fb = b.fill_after.expect("B veil");
    assert_eq!(fa.rgb, [0, 0, 0]);
    // ffmpeg: A veil 1 - smoothstep(0.8, 1, 0.75) = 1; B veil smoothstep(0.2, 1, 0.75).
    assert!(close(fa.alpha as f64, 1.0, 1e-6));
    let t: f64 = (0.75 - 0.2) / 0.8;
    assert!(close(fb.alpha as f64, t * t * (3.0 - 2.0 * t), 1e-5));
    assert!(close(b.opacity as f64, 0.25, 1e-6));

    let (_, b) = transition_layers("fadewhite");
    assert_eq!(b.fill_after.expect("veil").rgb, [255, 255, 255]);

    let mut plan = transition_plan("fadecolor");
    plan.clips[1].transition_in.as_mut().expect("tr").color = Some([255, 0, 0]);
    let ops = frame_ops(&plan, 65).expect("ops");
    assert_eq!(ops.layers[1].fill_after.expect("veil").rgb, [255, 0, 0]);

    // wipeleft: B shows right of column floor(0.75 * 1920) = 1440.
    let (a, b) = transition_layers("wipeleft");
    assert!(a.clip_rect.is_none());
    assert_rect(b.clip_rect.expect("clip"), 1441.0, 0.0, 479.0, 1080.0);
    // wiperight: B shows columns 0..=480.
    let (_, b) = transition_layers("wiperight");
    assert_rect(b.clip_rect.expect("clip"), 0.0, 0.0, 481.0, 1080.0);

    // slideleft: both move left, B enters from the right.
    let (a, b) = transition_layers("slideleft");
    assert_eq!((a.offset_x, b.offset_x), (-480.0, 1440.0));
    let (a, b) = transition_layers("slideright");
    assert_eq!((a.offset_x, b.offset_x), (480.0, -1440.0));
    assert_eq!((a.offset_y, b.offset_y), (0.0, 0.0));

    let (_, b) = transition_layers("dissolve");
    let d = b.dissolve.expect("dissolve");
    assert!(close(d.progress as f64, 0.25, 1e-6));
    assert_eq!(b.opacity, 1.0);
}

#[test]
fn unsupported_transition_is_an_error_value() {
    let plan = transition_plan("luma");
    let e = validate_plan(&plan).expect_err("validation");
    assert!(
        e.message.contains("transition luma is not supported yet"),
        "{}",
        e.message
    );
    let e = frame_ops(&plan, 65).expect_err("during the transition");
    assert!(e.message.contains("transition luma is not supported yet"));
    // Outside the transition the frame is fine.
    assert!(frame_ops(&plan, 10).is_ok());
    assert!(validate_plan(&transition_plan("slideleft")).is_ok());
    // Odd input is an error value too, never a panic.
    let mut bad = transition_plan("fade");
    bad.fps = 0.0;
    assert!(frame_ops(&bad, 1).is_err());
    bad.fps = 25.0;
    bad.clips[0].source = 9;
    assert!(validate_plan(&bad).is_err());
    assert!(frame_ops(&bad, 1).is_err());
}

#[test]
fn transition_at_reel_start_fades_from_black() {
    let mut plan = transition_plan("fade");
    plan.clips = vec![clip(0, 0.0, 5.0, 0.0, Some(("fade", 1.0)))];
    let ops = frame_ops(&plan, 10).expect("ops"); // t = 0.5
    assert_eq!(ops.layers.len(), 2);
    assert_eq!(ops.layers[0].clip, None);
    assert_eq!(ops.layers[0].background, Some([0, 0, 0, 255]));
    assert!(close(ops.layers[1].opacity as f64, 0.5, 1e-6));
}

#[test]
fn frame_ops_json_is_camel_case() {
    let ops = frame_ops(&transition_plan("wipeleft"), 65).expect("ops");
    let json = serde_json::to_string(&ops).expect("json");
    for key in [
        "\"srcRect\"",
        "\"dstRect\"",
        "\"sourceTimeS\"",
        "\"blurPx\"",
        "\"clipRect\"",
        "\"fillAfter\"",
        "\"offsetX\"",
    ] {
        assert!(json.contains(key), "{key} in {json}");
    }
    let back: FrameOps = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, ops);
}

// ---------------------------------------------------------------- audio

const R: u32 = 48_000;

fn mclip(
    out_start_s: f64,
    in_s: f64,
    out_s: f64,
    fade_in_s: f64,
    fade_out_s: f64,
    volume: f32,
) -> MixClip {
    MixClip {
        out_start_s,
        in_s,
        out_s,
        fade_in_s,
        fade_out_s,
        volume,
        speed: 1.0,
    }
}

/// Pushes `f(source_time)` for `[t0, t1)` at `rate` in 1024-frame chunks, mono.
fn push_fn(m: &mut AudioMixer, clip: usize, rate: u32, t0: f64, t1: f64, f: impl Fn(f64) -> f32) {
    let n = ((t1 - t0) * rate as f64).round() as usize;
    let mut i = 0;
    while i < n {
        let k = (n - i).min(1024);
        let ts = t0 + i as f64 / rate as f64;
        let buf: Vec<f32> = (0..k)
            .map(|j| f(t0 + (i + j) as f64 / rate as f64))
            .collect();
        m.push_source(clip, ts, rate, &[&buf]).expect("push");
        i += k;
    }
}

/// Pulls everything (left channel of stereo output).
fn pull_all(m: &mut AudioMixer) -> Vec<f32> {
    let mut left = Vec::new();
    while let Some(block) = m.pull(1000) {
        left.extend(block.chunks(2).map(|f| f[0]));
    }
    assert!(m.is_done(), "all audio delivered");
    left
}

#[test]
fn exact_output_length_and_gaps_are_silent() {
    let clips = [mclip(0.5, 0.0, 0.5, 0.0, 0.0, 1.0)];
    let mut m = AudioMixer::new(&clips, R, 2, 1.2345).expect("mixer");
    assert_eq!(m.total_frames(), 59_256);
    push_fn(&mut m, 0, R, 0.0, 0.5, |_| 0.5);
    m.finish_clip(0).expect("finish");
    let mut total = 0;
    let mut all = Vec::new();
    while let Some(b) = m.pull(4096) {
        assert_eq!(b.len() % 2, 0);
        total += b.len() / 2;
        all.extend(b.chunks(2).map(|f| f[0]));
    }
    assert_eq!(total, 59_256);
    assert!(
        all[..24_000].iter().all(|&v| v == 0.0),
        "silence before the clip"
    );
    assert!(
        all[48_000..].iter().all(|&v| v == 0.0),
        "silence after the clip"
    );
    assert!((all[36_000] - 0.5).abs() < 1e-6);
    // Mono output.
    let mut mono = AudioMixer::new(&clips, R, 1, 1.0).expect("mixer");
    mono.mark_silent(0).expect("silent");
    let b = mono.pull(100_000).expect("block");
    assert_eq!(b.len(), 48_000);
}

#[test]
fn volume_is_applied_and_zero_mutes() {
    let clips = [
        mclip(0.0, 0.0, 1.0, 0.0, 0.0, 2.0),
        mclip(1.0, 0.0, 1.0, 0.0, 0.0, 0.0),
    ];
    let mut m = AudioMixer::new(&clips, R, 2, 2.0).expect("mixer");
    push_fn(&mut m, 0, R, 0.0, 1.0, |_| 0.25);
    push_fn(&mut m, 1, R, 0.0, 1.0, |_| 0.25);
    m.finish_clip(0).expect("finish");
    // Clip 1 is muted: no need to finish it for the mix to complete.
    let out = pull_all(&mut m);
    assert!(
        (out[24_000] - 0.5).abs() < 1e-6,
        "volume 2 doubles: {}",
        out[24_000]
    );
    assert!(out[48_000..].iter().all(|&v| v == 0.0), "volume 0 mutes");
}

#[test]
fn pull_waits_for_the_clips_under_the_block() {
    let clips = [
        mclip(0.0, 0.0, 1.0, 0.0, 0.0, 1.0),
        mclip(1.0, 0.0, 1.0, 0.0, 0.0, 1.0),
    ];
    let mut m = AudioMixer::new(&clips, R, 2, 2.0).expect("mixer");
    assert!(m.pull(480).is_none(), "nothing decoded yet");
    push_fn(&mut m, 0, R, 0.0, 0.5, |_| 0.1);
    assert!(m.pull(480).is_some());
    push_fn(&mut m, 0, R, 0.5, 1.0, |_| 0.1);
    while m.position() < 48_000 {
        assert!(m.pull(480).is_some());
    }
    assert!(m.pull(1000).is_none(), "clip 1 has not spoken yet");
    m.mark_silent(1).expect("silent");
    assert!(m.pull(1000).is_some());
    assert!(
        m.push_source(7, 0.0, R, &[&[0.0]]).is_err(),
        "unknown clip is an error value"
    );
}

/// Two clips overlapping by 1 s (a video transition at 1..2 s).
fn crossfade(curve: FadeCurve, a: impl Fn(f64) -> f32, b: impl Fn(f64) -> f32) -> Vec<f32> {
    let clips = [
        mclip(0.0, 0.0, 2.0, 0.0, 1.0, 1.0),
        mclip(1.0, 10.0, 12.0, 1.0, 0.0, 1.0),
    ];
    let mut m = AudioMixer::new(&clips, R, 2, 3.0)
        .expect("mixer")
        .with_curve(curve);
    push_fn(&mut m, 0, R, 0.0, 2.0, a);
    push_fn(&mut m, 1, R, 10.0, 12.0, b);
    m.finish_clip(0).expect("finish");
    m.finish_clip(1).expect("finish");
    pull_all(&mut m)
}

#[test]
fn equal_power_crossfade_keeps_power_constant() {
    let ga = crossfade(FadeCurve::EqualPower, |_| 1.0, |_| 0.0);
    let gb = crossfade(FadeCurve::EqualPower, |_| 0.0, |_| 1.0);
    for i in (48_000..96_000).step_by(997) {
        let p = ga[i] * ga[i] + gb[i] * gb[i];
        assert!((p - 1.0).abs() < 1e-3, "power {p} at frame {i}");
    }
    // Halfway: both at -3 dB.
    assert!((ga[72_000] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-3);
    // Two different tones keep their loudness through the crossfade (RMS per 20 ms window).
    let tone = |f: f64| move |t: f64| (2.0 * std::f64::consts::PI * f * t).sin() as f32;
    let mix = crossfade(FadeCurve::EqualPower, tone(440.0), tone(1234.0));
    for w in (40_000..100_000).step_by(4_800) {
        let rms = (mix[w..w + 960].iter().map(|v| v * v).sum::<f32>() / 960.0).sqrt();
        assert!(
            (rms - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.03,
            "rms {rms} at {w}"
        );
    }
}

#[test]
fn linear_crossfade_of_identical_material_keeps_the_level() {
    // The same programme on both sides (B's source is 10 s later, so shift the function).
    let sig = |t: f64| (2.0 * std::f64::consts::PI * 300.0 * t).sin() as f32 * 0.8;
    let out = crossfade(FadeCurve::Linear, sig, move |t| sig(t - 10.0));
    for (i, v) in out.iter().enumerate().take(143_000).skip(1_000) {
        let t = i as f64 / R as f64;
        assert!((v - sig(t)).abs() < 2e-3, "frame {i}: {v} vs {}", sig(t));
    }
}

#[test]
fn hard_cuts_are_ramped_without_clicks() {
    // A holds +0.8 until 1 s, B holds -0.8 from 1 s: a raw cut would jump by 1.6.
    let clips = [
        mclip(0.0, 0.0, 1.0, 0.0, 0.0, 1.0),
        mclip(1.0, 0.0, 1.0, 0.0, 0.0, 1.0),
    ];
    let mut m = AudioMixer::new(&clips, R, 2, 2.0).expect("mixer");
    push_fn(&mut m, 0, R, 0.0, 1.0, |_| 0.8);
    push_fn(&mut m, 1, R, 0.0, 1.0, |_| -0.8);
    let out = pull_all(&mut m);
    let max_step = out
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0f32, f32::max);
    assert!(max_step < 0.01, "largest sample step {max_step}");
    assert!((out[24_000] - 0.8).abs() < 1e-6 && (out[72_000] + 0.8).abs() < 1e-6);
    // The ramps are the minimum ramp long: full level MIN_RAMP_S after the cut.
    let ramp = (MIN_RAMP_S * R as f64) as usize;
    assert!((out[48_000 + ramp + 1] + 0.8).abs() < 1e-6);
    assert!(out[48_000].abs() < 0.01);
}

#[test]
fn resampling_44k1_keeps_a_1khz_tone() {
    let tone = |t: f64| (2.0 * std::f64::consts::PI * 1000.0 * t).sin() as f32 * 0.5;
    // Clip from source 3.0 s; decoded audio starts a bit earlier, at 2.99 s.
    let clips = [mclip(0.0, 3.0, 5.0, 0.0, 0.0, 1.0)];
    let mut m = AudioMixer::new(&clips, R, 2, 2.0).expect("mixer");
    push_fn(&mut m, 0, 44_100, 2.99, 5.01, tone);
    m.finish_clip(0).expect("finish");
    let out = pull_all(&mut m);
    assert_eq!(out.len(), 96_000);
    // Sample-accurate against the ideal tone at the output sample times.
    let mut max_err = 0.0f32;
    for (k, v) in out.iter().enumerate().take(95_000).skip(1_000) {
        max_err = max_err.max((v - tone(3.0 + k as f64 / R as f64)).abs());
    }
    assert!(max_err < 2e-3, "max error {max_err}");
    // Frequency from zero crossings (interpolated) over 1.5 s.
    let mut crossings = Vec::new();
    for k in 1_000..73_000 {
        if out[k - 1] < 0.0 && out[k] >= 0.0 {
            let frac = out[k - 1] / (out[k - 1] - out[k]);
            crossings.push(k as f64 - 1.0 + frac as f64);
        }
    }
    let n = crossings.len() - 1;
    let freq = n as f64 * R as f64 / (crossings[n] - crossings[0]);
    assert!((freq - 1000.0).abs() < 0.1, "frequency {freq}");
}

#[test]
fn resampling_other_rates_and_channel_counts() {
    let tone = |t: f64| (2.0 * std::f64::consts::PI * 440.0 * t).sin() as f32 * 0.5;
    for rate in [8_000u32, 22_050, 96_000] {
        let clips = [mclip(0.0, 0.0, 1.0, 0.0, 0.0, 1.0)];
        let mut m = AudioMixer::new(&clips, R, 2, 1.0).expect("mixer");
        push_fn(&mut m, 0, rate, 0.0, 1.0, tone);
        m.finish_clip(0).expect("finish");
        let out = pull_all(&mut m);
        assert_eq!(out.len(), 48_000);
        for (k, v) in out.iter().enumerate().take(46_000).skip(2_000) {
            let e = (v - tone(k as f64 / R as f64)).abs();
            assert!(e < 3e-3, "rate {rate}: error {e} at {k}");
        }
    }
}

#[test]
fn surround_downmix_uses_itu_coefficients() {
    let one = [1.0f32];
    let zero = [0.0f32];
    let only = |i: usize, n: usize| -> Vec<[f32; 2]> {
        let planes: Vec<&[f32]> = (0..n)
            .map(|c| if c == i { &one[..] } else { &zero[..] })
            .collect();
        downmix_to_stereo(&planes)
    };
    let h = std::f32::consts::FRAC_1_SQRT_2;
    // 5.1 = FL FR FC LFE SL SR.
    assert_eq!(only(0, 6), vec![[1.0, 0.0]]);
    assert_eq!(only(1, 6), vec![[0.0, 1.0]]);
    assert_eq!(only(2, 6), vec![[h, h]]);
    assert_eq!(only(3, 6), vec![[0.0, 0.0]], "LFE dropped");
    assert_eq!(only(4, 6), vec![[h, 0.0]]);
    assert_eq!(only(5, 6), vec![[0.0, h]]);
    // Mono goes to both sides; 7.1 side and back channels at -3 dB.
    assert_eq!(only(0, 1), vec![[1.0, 1.0]]);
    assert_eq!(only(6, 8), vec![[h, 0.0]]);
    assert_eq!(only(5, 8), vec![[0.0, h]]);

    // Through the mixer: a 5.1 chunk with only the centre channel.
    let clips = [mclip(0.0, 0.0, 0.1, 0.0, 0.0, 1.0)];
    let mut m = AudioMixer::new(&clips, R, 2, 0.1).expect("mixer");
    let c = vec![0.5f32; 4_800];
    let z = vec![0.0f32; 4_800];
    m.push_source(0, 0.0, R, &[&z, &z, &c, &z, &z, &z])
        .expect("push");
    let b = m.pull(4_800).expect("block");
    assert!((b[2 * 2_400] - 0.5 * h).abs() < 1e-6 && (b[2 * 2_400 + 1] - 0.5 * h).abs() < 1e-6);
}

#[test]
fn source_times_line_up_with_the_clip_in_point() {
    // Audio that encodes its own source time; clip takes 5.0..6.0 from a chunk starting at 4.9.
    let clips = [mclip(2.0, 5.0, 6.0, 0.0, 0.0, 1.0)];
    let mut m = AudioMixer::new(&clips, R, 2, 3.0).expect("mixer");
    push_fn(&mut m, 0, R, 4.9, 6.2, |t| (t / 10.0) as f32);
    let out = pull_all(&mut m);
    let k = 2 * 48_000 + 24_000; // output 2.5 s = source 5.5 s
    assert!((out[k] - 0.55).abs() < 1e-5, "{}", out[k]);
    // A gap in the decoded audio becomes silence, not a time shift.
    let clips = [mclip(0.0, 0.0, 1.0, 0.0, 0.0, 1.0)];
    let mut m = AudioMixer::new(&clips, R, 2, 1.0).expect("mixer");
    push_fn(&mut m, 0, R, 0.0, 0.3, |_| 0.5);
    push_fn(&mut m, 0, R, 0.5, 1.0, |_| 0.5);
    let out = pull_all(&mut m);
    assert!((out[10_000] - 0.5).abs() < 1e-6);
    assert_eq!(out[19_200], 0.0, "0.4 s is in the gap");
    assert!(
        (out[30_000] - 0.5).abs() < 1e-6,
        "after the gap at the right time"
    );
    // A long jump (over a second) restarts the stream: still silence, still on time.
    let clips = [mclip(0.0, 0.0, 3.0, 0.0, 0.0, 1.0)];
    let mut m = AudioMixer::new(&clips, R, 2, 3.0).expect("mixer");
    push_fn(&mut m, 0, 44_100, 0.0, 0.5, |_| 0.5);
    push_fn(&mut m, 0, 44_100, 2.0, 3.0, |_| 0.5);
    m.finish_clip(0).expect("finish");
    let out = pull_all(&mut m);
    assert_eq!(out.len(), 144_000);
    assert!((out[12_000] - 0.5).abs() < 1e-4);
    assert_eq!(out[60_000], 0.0, "1.25 s is in the gap");
    assert!((out[120_000] - 0.5).abs() < 1e-4, "2.5 s has audio again");
}

#[test]
fn mix_clips_follow_the_video_transitions() {
    let plan = transition_plan("fade");
    let mc = mix_clips(&plan);
    assert_eq!(mc.len(), 2);
    assert_eq!((mc[0].fade_in_s, mc[0].fade_out_s), (0.0, 1.0));
    assert_eq!((mc[1].fade_in_s, mc[1].fade_out_s), (1.0, 0.0));
    assert_eq!(
        (mc[1].out_start_s, mc[1].in_s, mc[1].out_s),
        (3.0, 30.0, 35.0)
    );
    assert!(AudioMixer::new(&mc, 48_000, 2, plan.duration_s).is_ok());
    assert!(AudioMixer::new(&mc, 0, 2, 1.0).is_err());
    assert!(AudioMixer::new(&mc, 48_000, 0, 1.0).is_err());
}

// ---------------------------------------------------------------- pass-through

#[test]
fn a_same_size_frame_outside_transitions_passes_through_unchanged() {
    use reelcut::render::passthrough::passthrough_source;
    use reelcut::render::vfx::Vfx;
    let same = one_source_plan(geom(1920, 1080, 0, (1, 1)), 1920, 1080, None);
    let ops = frame_ops(&same, 50).expect("ops");
    assert_eq!(passthrough_source(&ops, &same), Some((0, 2.0)));
    // Another size, a rotation or a letterbox needs composing.
    let smaller = one_source_plan(geom(1920, 1080, 0, (1, 1)), 1280, 720, None);
    assert_eq!(
        passthrough_source(&frame_ops(&smaller, 50).expect("ops"), &smaller),
        None
    );
    let rotated = one_source_plan(geom(1080, 1920, 90, (1, 1)), 1920, 1080, None);
    assert_eq!(
        passthrough_source(&frame_ops(&rotated, 50).expect("ops"), &rotated),
        None
    );
    // A clip with a visual effect is composed (pixel effects and layouts alike).
    for effect in [Vfx::Invert, Vfx::TwoLayer] {
        let mut with = same.clone();
        with.clips[0].vfx = Some(effect);
        assert_eq!(
            passthrough_source(&frame_ops(&with, 50).expect("ops"), &with),
            None,
            "{effect:?}"
        );
    }
    let portrait = one_source_plan(geom(1920, 1080, 0, (1, 1)), 1080, 1920, None);
    assert_eq!(
        passthrough_source(&frame_ops(&portrait, 50).expect("ops"), &portrait),
        None
    );
    // Inside a transition two layers show; before it, clip 0 alone passes.
    let t = transition_plan("fade");
    assert_eq!(
        passthrough_source(&frame_ops(&t, 65).expect("ops"), &t),
        None
    );
    assert_eq!(
        passthrough_source(&frame_ops(&t, 20).expect("ops"), &t).map(|p| p.0),
        Some(0)
    );
}
