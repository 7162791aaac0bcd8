//! The engine's mapping rules: one test per rule, each from a real request through validation.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use reelcut::engine::progress;
use reelcut::engine::{
    concat_ranges, export_reels, frame_rate, highlight_request, output_size, placement,
    plan_concat, plan_config, reel_outputs, render_plan, render_settings, request_seed, Purpose,
    SourceInput,
};
use reelcut::job::spec::{
    Container, EffectMode, JobSpec, ScaleType, SelectionMode, TransitionItem,
};
use reelcut::job::validate::{parse_request, Capabilities};
use reelcut::media::encoding::AudioEncoderKind;
use reelcut::plan::{Candidate, PlannedClip, Reel, SourceMeta};
use reelcut::render::vfx::Vfx;
use reelcut::render::{frame_ops, Placement, SourceGeometry};
use serde_json::{json, Value};

const ICE: &str = "SubmitScreenMediaHighlightsJob";
const IMM: &str = "CreateHighlightTask";

fn spec(action: &str, request: Value) -> JobSpec {
    parse_request(action, &request, &Capabilities::with_render()).unwrap()
}

fn ice(output: Value) -> JobSpec {
    spec(
        ICE,
        json!({ "InputConfig": { "MediaArray": ["a.mp4", "b.mp4"] }, "OutputConfig": output }),
    )
}

fn compose(output: Value) -> JobSpec {
    let mut request = json!({
        "Type": "Compose",
        "Sources": [{ "URI": "a.mp4" }],
        "Output": { "URI": "memory:", "Container": "mp4" },
    });
    for (k, v) in output.as_object().unwrap() {
        request["Output"][k] = v.clone();
    }
    spec(IMM, request)
}

fn input(w: u32, h: u32, fps: f64, has_audio: bool) -> SourceInput {
    SourceInput {
        duration_s: 60.0,
        has_audio,
        frame_rate: fps,
        geometry: SourceGeometry::simple(w, h),
        cuts: Vec::new(),
        subject: None,
    }
}

fn clip(source: usize, in_s: f64, out_s: f64, transition: Option<(&str, f64)>) -> PlannedClip {
    PlannedClip {
        source,
        in_s,
        out_s,
        score: 0.12345,
        reasons: vec!["loud".to_string()],
        transition_in: transition.map(|(name, d)| TransitionItem {
            name: name.to_string(),
            duration_s: d,
            weight: 50,
        }),
        hook: false,
        vfx: None,
    }
}

#[test]
fn retrieval_highlights_follow_max_and_target_duration() {
    let s = spec(
        IMM,
        json!({ "Type": "Retrieval", "Mode": "Scene", "Sources": [{ "URI": "a" }],
                "Highlight": { "Content": "Pet" },
                "Output": { "URI": "memory:", "MaxDuration": 8, "TargetDuration": 6 } }),
    );
    let r = highlight_request(&s, Purpose::Retrieval, vec![(0.0, 60.0)]);
    assert_eq!(r.mode, SelectionMode::Scene);
    assert_eq!(r.content.as_deref(), Some("Pet"));
    assert_eq!((r.min_clip_s, r.max_clip_s), (1.0, 8.0));
    assert_eq!((r.max_count, r.target_total_s), (None, Some(6.0)));
    assert_eq!(r.ranges, vec![(0.0, 60.0)]);
    assert_eq!(r.options().profile.name(), "pet");

    // The 1-15 s highlight bounds hold whatever MaxDuration says.
    let long = spec(
        IMM,
        json!({ "Type": "Retrieval", "Sources": [{ "URI": "a" }], "Output": { "URI": "memory:", "MaxDuration": 40 } }),
    );
    let r = highlight_request(&long, Purpose::Retrieval, vec![]);
    assert_eq!((r.mode, r.max_clip_s), (SelectionMode::Average, 15.0));
    // (Below 1 s, MaxDuration is refused at submit: tests/validation.rs.)
    let short = spec(
        IMM,
        json!({ "Type": "Retrieval", "Sources": [{ "URI": "a" }], "Output": { "URI": "memory:", "MaxDuration": 1 } }),
    );
    assert_eq!(
        highlight_request(&short, Purpose::Retrieval, vec![]).max_clip_s,
        1.0
    );
}

#[test]
fn planning_gets_every_candidate_up_to_15_s() {
    let s = ice(json!({ "MaxDuration": 8 }));
    let r = highlight_request(&s, Purpose::Planning, vec![(0.0, 10.0), (0.0, 20.0)]);
    assert_eq!(r.mode, SelectionMode::Scene, "ICE always ranks by content");
    assert_eq!(
        (r.max_clip_s, r.max_count, r.target_total_s),
        (15.0, Some(50), None)
    );
}

#[test]
fn plan_config_carries_count_durations_hook_and_transitions() {
    let s = spec(
        ICE,
        json!({
            "InputConfig": { "MediaArray": ["a.mp4"],
                             "HighlightStrategy": { "IntroConfig": { "Mode": "Auto" }, "TargetDuration": 18 } },
            "EditingConfig": { "ProcessConfig": { "AllowTransition": true, "TransitionList": ["fadecolor", "wipeleft"] } },
            "OutputConfig": { "MediaURL": "r_{index}.mp4", "Count": 3, "MaxDuration": 20 },
        }),
    );
    let c = plan_config(&s);
    assert_eq!(c.count, 3);
    assert_eq!(
        (c.max_duration_s, c.target_duration_s),
        (Some(20.0), Some(18.0))
    );
    assert!(c.intro_auto);
    assert_eq!(c.min_clip_s, 1.0);
    assert_eq!(c.transition_mode, EffectMode::Random);
    let names: Vec<&str> = c.transitions.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["fadecolor", "wipeleft"]);
    assert!(c
        .transitions
        .iter()
        .all(|t| t.weight == 50 && t.duration_s == 0.5));
    assert_eq!(c.seed, request_seed(&s));
}

#[test]
fn the_seed_is_the_requests_fnv1a() {
    let a = ice(json!({ "Count": 2, "MediaURL": "x_{index}.mp4" }));
    let b = ice(json!({ "Count": 2, "MediaURL": "x_{index}.mp4" }));
    let c = ice(json!({ "Count": 2, "MediaURL": "y_{index}.mp4" }));
    assert_eq!(request_seed(&a), request_seed(&b));
    assert_ne!(request_seed(&a), request_seed(&c));
    // 32-bit FNV-1a of the spec's JSON text.
    let text = serde_json::to_string(&a).unwrap();
    let mut h: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        h = (h ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    assert_eq!(request_seed(&a), u64::from(h));
}

#[test]
fn concat_joins_the_requests_ranges_in_order() {
    let s = spec(
        IMM,
        json!({ "Type": "Concat",
                "Sources": [{ "URI": "a", "StartTime": 12, "Duration": 5 }, { "URI": "b" }],
                "Output": { "URI": "memory:", "Container": "webm" } }),
    );
    assert_eq!(concat_ranges(&s), vec![(0, 12.0, 5.0), (1, 0.0, 0.0)]);
    let metas = [
        SourceMeta {
            duration_s: 30.0,
            has_audio: true,
        },
        SourceMeta {
            duration_s: 3.0,
            has_audio: false,
        },
    ];
    let plan = plan_concat(&s, &metas).unwrap();
    let ranges: Vec<(usize, f64, f64)> = plan.reels[0]
        .clips
        .iter()
        .map(|c| (c.source, c.in_s, c.out_s))
        .collect();
    assert_eq!(ranges, vec![(0, 12.0, 17.0), (1, 0.0, 3.0)]);
}

#[test]
fn each_exported_highlight_is_a_one_clip_reel() {
    let highlights = [
        Candidate {
            source: 1,
            start: 4.0,
            end: 9.5,
            score: 0.8,
            reasons: vec!["a".into()],
        },
        Candidate {
            source: 0,
            start: 20.0,
            end: 23.0,
            score: 0.5,
            reasons: vec![],
        },
    ];
    let reels = export_reels(&highlights);
    assert_eq!(reels.len(), 2);
    assert_eq!(reels[0].clips.len(), 1);
    let c = &reels[0].clips[0];
    assert_eq!((c.source, c.in_s, c.out_s, c.score), (1, 4.0, 9.5, 0.8));
    assert!(c.transition_in.is_none() && !c.hook);
    assert_eq!(reels[0].duration_s, 5.5);
    assert_eq!(reels[1].clips[0].source, 0);
}

#[test]
fn output_size_requested_largest_input_or_fit() {
    let inputs = [input(1280, 720, 25.0, true), input(1920, 1080, 30.0, true)];
    // Requested.
    assert_eq!(
        output_size(&ice(json!({ "Width": 1080, "Height": 1920 })), &inputs),
        (1080, 1920)
    );
    // Default: the largest input's display size.
    assert_eq!(output_size(&ice(json!({})), &inputs), (1920, 1080));
    // fit: the main input's shape inside the box (1080 x 607.5, even).
    let fit = compose(
        json!({ "Video": { "TranscodeVideo": { "Resolution": "1080x1920", "ScaleType": "fit" } } }),
    );
    assert_eq!(
        output_size(&fit, &[input(1920, 1080, 30.0, true)]),
        (1080, 606)
    );
    // fill keeps the box; fit without a requested size is the input's own size.
    let fill = compose(
        json!({ "Video": { "TranscodeVideo": { "Resolution": "1080x1920", "ScaleType": "fill" } } }),
    );
    assert_eq!(
        output_size(&fill, &[input(1920, 1080, 30.0, true)]),
        (1080, 1920)
    );
    let fit_no_size = compose(json!({ "Video": { "TranscodeVideo": { "ScaleType": "fit" } } }));
    assert_eq!(
        output_size(&fit_no_size, &[input(1920, 1080, 30.0, true)]),
        (1920, 1080)
    );
}

#[test]
fn each_scale_type_has_one_placement() {
    assert_eq!(placement(None), None);
    assert_eq!(
        placement(Some(ScaleType::Stretch)),
        Some(Placement::Stretch)
    );
    assert_eq!(placement(Some(ScaleType::Crop)), Some(Placement::Cover));
    assert_eq!(placement(Some(ScaleType::Fill)), Some(Placement::Letterbox));
    assert_eq!(placement(Some(ScaleType::Fit)), Some(Placement::Letterbox));
}

#[test]
fn frame_rate_is_the_main_inputs_at_most_60() {
    let s = ice(json!({}));
    assert_eq!(frame_rate(&s, &[input(640, 360, 29.97003, true)]), 29.97);
    assert_eq!(frame_rate(&s, &[input(640, 360, 0.0, true)]), 30.0);
    assert_eq!(frame_rate(&s, &[input(640, 360, 120.0, true)]), 60.0);
    let main_is_first = [input(640, 360, 25.0, true), input(640, 360, 50.0, true)];
    assert_eq!(frame_rate(&s, &main_is_first), 25.0);
    let asked = |fps: f64| compose(json!({ "Video": { "TranscodeVideo": { "FrameRate": fps } } }));
    assert_eq!(frame_rate(&asked(24.0), &main_is_first), 24.0);
    assert_eq!(frame_rate(&asked(120.0), &main_is_first), 60.0);
}

#[test]
fn settings_gop_container_volume_and_audio() {
    let inputs = [input(640, 360, 25.0, true)];
    let s = spec(
        ICE,
        json!({ "InputConfig": { "MediaArray": ["a.mp4"] },
                "EditingConfig": { "MediaConfig": { "Volume": 0.5 } },
                "OutputConfig": { "MediaURL": "reel.webm", "Bitrate": 2000 } }),
    );
    let r = render_settings(&s, &inputs);
    assert_eq!(r.gop, 150, "the default key-frame interval");
    assert_eq!(r.container, Container::Webm);
    assert_eq!(r.source_volume, 0.5);
    assert_eq!(r.video.bitrate_bps, Some(2_000_000));
    assert!(r.audio.is_some());
    assert_eq!(r.placement, None);

    let c = compose(
        json!({ "Video": { "TranscodeVideo": { "GOPSize": 60, "Codec": "vp9" } },
                            "Audio": { "TranscodeAudio": { "SampleRate": 44100, "Channel": 1 } } }),
    );
    let r = render_settings(&c, &inputs);
    assert_eq!((r.gop, r.container), (60, Container::Mp4));
    let audio = r.audio.unwrap();
    assert_eq!((audio.sample_rate, audio.channels), (Some(44100), Some(1)));

    // No audio track without audio in the inputs, or when it is disabled.
    assert!(render_settings(&c, &[input(640, 360, 25.0, false)])
        .audio
        .is_none());
    let silent = compose(json!({ "Audio": { "DisableAudio": true } }));
    assert!(render_settings(&silent, &inputs).audio.is_none());
}

#[test]
fn the_render_plan_overlaps_clips_by_their_transitions() {
    let s = spec(
        ICE,
        json!({ "InputConfig": { "MediaArray": ["a.mp4", "b.mp4"] },
                "EditingConfig": { "MediaConfig": { "Volume": 2 } } }),
    );
    let inputs = [input(1920, 1080, 30.0, true), input(1280, 720, 30.0, true)];
    let settings = render_settings(&s, &inputs);
    let reel = Reel {
        clips: vec![
            clip(0, 10.0, 14.0, Some(("fade", 0.5))), // clip 0 never has a transition
            clip(1, 2.0, 6.0, Some(("wipeleft", 0.5))),
            clip(0, 30.0, 33.0, Some(("fade", 0.0))), // 0 s = a hard cut
        ],
        duration_s: 10.5,
        notes: vec![],
    };
    let plan = render_plan(&settings, &inputs, &reel);
    let starts: Vec<f64> = plan.clips.iter().map(|c| c.out_start_s).collect();
    assert_eq!(starts, vec![0.0, 3.5, 7.5]);
    assert!(plan.clips[0].transition_in.is_none());
    let t = plan.clips[1].transition_in.as_ref().unwrap();
    assert_eq!((t.name.as_str(), t.duration_s), ("wipeleft", 0.5));
    assert!(plan.clips[2].transition_in.is_none());
    assert_eq!(plan.duration_s, 10.5);
    assert!(plan.clips.iter().all(|c| c.volume == 2.0));
    assert_eq!((plan.width, plan.height, plan.fps), (1920, 1080, 30.0));
    assert_eq!(plan.sources.len(), 2);
}

#[test]
fn outputs_have_their_index_location_and_rounded_clips() {
    let s = ice(json!({ "MediaURL": "https://up.example/r_{index}.mp4?sig={index}", "Count": 2 }));
    let inputs = [input(640, 360, 25.0, true), input(640, 360, 25.0, true)];
    let settings = render_settings(&s, &inputs);
    let full = Reel {
        clips: vec![
            clip(0, 1.23456, 4.0, None),
            clip(1, 2.0, 5.5, Some(("fade", 0.5))),
        ],
        duration_s: 6.26544,
        notes: vec!["short".to_string()],
    };
    let empty = Reel {
        clips: vec![],
        duration_s: 0.0,
        notes: vec![],
    };
    let outs = reel_outputs(&s, &settings, &inputs, &[full, empty], &Default::default());
    assert_eq!(outs[0].index, 1);
    assert_eq!(
        outs[0].uri.as_deref(),
        Some("https://up.example/r_1.mp4?sig=1")
    );
    assert!(outs[0].render.is_some() && outs[0].failure.is_none());
    assert_eq!(outs[0].notes, ["short"]);
    let clips = serde_json::to_value(&outs[0].clips).unwrap();
    assert_eq!(
        clips,
        json!([
            { "Source": 0, "In": 1.235, "Out": 4.0, "Score": 0.123, "Reasons": ["loud"] },
            { "Source": 1, "In": 2.0, "Out": 5.5, "Score": 0.123, "Reasons": ["loud"], "Transition": "fade" },
        ])
    );
    assert_eq!(
        outs[1].uri.as_deref(),
        Some("https://up.example/r_2.mp4?sig=2")
    );
    assert!(outs[1].render.is_none());
    assert_eq!(
        outs[1].failure.as_ref().unwrap().code,
        "InvalidMedia.Unsupported"
    );

    // memory: outputs have no location.
    let m = compose(json!({}));
    let outs = reel_outputs(
        &m,
        &render_settings(&m, &inputs),
        &inputs,
        &[Reel {
            clips: vec![clip(0, 0.0, 2.0, None)],
            duration_s: 2.0,
            notes: vec![],
        }],
        &Default::default(),
    );
    assert_eq!(outs[0].uri.as_deref(), Some("memory:"));
}

#[test]
fn clip_edges_on_a_hard_cut_carry_its_window_for_exact_trimming() {
    use reelcut::render::CutWindow;
    let s = spec(ICE, json!({ "InputConfig": { "MediaArray": ["a.mp4"] } }));
    let window = CutWindow {
        start: 9.933,
        end: 10.0,
    };
    let mut a = input(1920, 1080, 30.0, true);
    a.cuts = vec![
        window,
        CutWindow {
            start: 19.933,
            end: 20.0,
        },
    ];
    let inputs = [a];
    let settings = render_settings(&s, &inputs);
    let reel = Reel {
        // Starts on the first cut (either side of it), ends mid-shot; the next clip ends on the second cut.
        clips: vec![clip(0, 9.933, 14.0, None), clip(0, 15.0, 20.0, None)],
        duration_s: 9.067,
        notes: vec![],
    };
    let plan = render_plan(&settings, &inputs, &reel);
    assert_eq!(plan.clips[0].in_cut, Some(window));
    assert_eq!(plan.clips[0].out_cut, None);
    assert_eq!(plan.clips[1].in_cut, None);
    assert_eq!(plan.clips[1].out_cut.map(|w| w.end), Some(20.0));
}

#[test]
fn a_concats_visual_effects_reach_the_render_plan_and_the_record() {
    let s = spec(
        IMM,
        json!({ "Type": "Concat",
                "Sources": [{ "URI": "a", "StartTime": 0, "Duration": 4 }, { "URI": "a", "StartTime": 10, "Duration": 4 }],
                "Edit": { "Mode": "Sequential", "VfxEffectMode": "Sequential",
                          "VfxEffects": [{ "VfxEffect": "Invert" }, { "VfxEffect": "twolayer" }] },
                "Output": { "URI": "memory:", "Container": "mp4" } }),
    );
    assert_eq!(plan_config(&s).vfx_mode, EffectMode::Sequential);
    let meta = SourceMeta {
        duration_s: 30.0,
        has_audio: true,
    };
    let metas = [meta.clone(), meta];
    let plan = plan_concat(&s, &metas).unwrap();
    let inputs = [input(1280, 720, 25.0, true), input(1280, 720, 25.0, true)];
    let settings = render_settings(&s, &inputs);
    let outs = reel_outputs(&s, &settings, &inputs, &plan.reels, &Default::default());
    let render = outs[0].render.as_ref().unwrap();
    let effects: Vec<Option<Vfx>> = render.clips.iter().map(|c| c.vfx).collect();
    assert_eq!(effects, [Some(Vfx::Invert), Some(Vfx::TwoLayer)]);
    let clips = serde_json::to_value(&outs[0].clips).unwrap();
    assert_eq!(clips[0]["VfxEffect"], "invert");
    assert_eq!(clips[1]["VfxEffect"], "twolayer");
    // The plan's frames carry the effect to the compositor: a pixel effect on the layer, a
    // layout effect in its draws.
    let first = frame_ops(render, 0).unwrap();
    assert_eq!(first.layers[0].vfx.map(|v| v.effect), Some(Vfx::Invert));
    let second = frame_ops(render, (5.0 * render.fps) as u64).unwrap();
    assert_eq!(second.layers[0].vfx, None);
    assert_eq!(
        second.layers[0].draws.len(),
        2,
        "twolayer: blurred copy + picture"
    );
}

#[test]
fn speed_plays_the_reel_time_line_slower() {
    let request = json!({
        "Type": "Compose",
        "Sources": [{ "URI": "a.mp4" }],
        "Output": { "URI": "memory:", "Container": "mp4", "Speed": 0.5, "MaxDuration": 20 },
    });
    let caps = Capabilities {
        speed: true,
        ..Capabilities::with_render()
    };
    let s = parse_request(IMM, &request, &caps).unwrap();
    // The planner works in source seconds: a 20 s output holds 10 s of material.
    assert_eq!(plan_config(&s).max_duration_s, Some(10.0));
    let inputs = [input(1280, 720, 25.0, true)];
    let settings = render_settings(&s, &inputs);
    let reel = Reel {
        clips: vec![
            clip(0, 10.0, 14.0, None),
            clip(0, 20.0, 24.0, Some(("fade", 0.5))),
        ],
        duration_s: 7.5,
        notes: vec![],
    };
    let plan = render_plan(&settings, &inputs, &reel);
    assert_eq!(plan.duration_s, 15.0);
    let starts: Vec<f64> = plan.clips.iter().map(|c| c.out_start_s).collect();
    assert_eq!(starts, vec![0.0, 7.0]);
    assert_eq!(
        plan.clips[1].transition_in.as_ref().unwrap().duration_s,
        1.0
    );
    assert_eq!(plan.clips[0].out_end_s(), 8.0);
    // Output frame t shows source time in + (t - start) * speed.
    let ops = reelcut::render::frame_ops(&plan, 50).unwrap(); // t = 2 s
    assert_eq!(ops.layers[0].draws[0].source_time_s, 11.0);
    let mix = reelcut::render::mix_clips(&plan);
    assert_eq!(mix[1].speed, 0.5);
    assert_eq!(mix[0].fade_out_s, 1.0);
}

#[test]
fn outputs_are_loudness_normalised_unless_turned_off() {
    let inputs = [input(1280, 720, 25.0, true)];
    let on = render_settings(&compose(json!({})), &inputs);
    let target = on.loudness.unwrap();
    assert_eq!(
        (target.integrated_lufs, target.true_peak_dbtp),
        (-14.0, -1.0)
    );
    let reel = Reel {
        clips: vec![clip(0, 1.0, 3.0, None)],
        duration_s: 2.0,
        notes: vec![],
    };
    assert_eq!(render_plan(&on, &inputs, &reel).loudness, Some(target));
    let off = compose(json!({ "Audio": { "LoudnessNormalization": false } }));
    assert_eq!(render_settings(&off, &inputs).loudness, None);
    // No audio track: nothing to normalise.
    let silent = [input(1280, 720, 25.0, false)];
    assert_eq!(render_settings(&compose(json!({})), &silent).loudness, None);
}

#[test]
fn exported_highlights_at_speed_fit_max_duration_when_played() {
    let request = json!({
        "Type": "Retrieval",
        "Sources": [{ "URI": "a.mp4" }],
        "Output": { "URI": "hl_{index}.mp4", "Container": "mp4", "Speed": 0.5, "MaxDuration": 8 },
    });
    let s = parse_request(IMM, &request, &Capabilities::with_render()).unwrap();
    let h = highlight_request(&s, Purpose::Retrieval, vec![(0.0, 60.0)]);
    assert_eq!(h.max_clip_s, 4.0, "4 s of source play for 8 s");
}

/// The render plan and first encoder candidates of a Concat of one `seconds`-long 1280x720
/// source, joined whole; `output` is merged into its `Output`.
fn concat_memory(
    seconds: f64,
    output: Value,
) -> (
    reelcut::render::RenderPlan,
    reelcut::media::encoding::VideoCandidate,
    Option<reelcut::media::encoding::AudioCandidate>,
    JobSpec,
) {
    use reelcut::media::encoding::{audio_candidates, video_candidates};
    let mut request = json!({ "Type": "Concat", "Sources": [{ "URI": "a" }],
                              "Output": { "URI": "memory:", "Container": "mp4" } });
    for (k, v) in output.as_object().unwrap() {
        request["Output"][k] = v.clone();
    }
    let s = spec(IMM, request);
    let metas = [SourceMeta {
        duration_s: seconds,
        has_audio: true,
    }];
    let plan = plan_concat(&s, &metas).unwrap();
    let mut source = input(1280, 720, 30.0, true);
    source.duration_s = seconds;
    let inputs = [source];
    let settings = render_settings(&s, &inputs);
    let outs = reel_outputs(&s, &settings, &inputs, &plan.reels, &Default::default());
    let render = outs[0].render.clone().unwrap();
    let video = video_candidates(&settings.video_request()).0[0].clone();
    let audio = settings
        .audio_request()
        .map(|r| audio_candidates(&r)[0].clone());
    (render, video, audio, s)
}

#[test]
fn a_job_that_would_hold_more_than_the_memory_ceiling_is_refused_before_rendering() {
    use reelcut::engine::length_field;
    use reelcut::render::job_budget::{JobMemory, JOB_MEMORY_CEILING};
    // A 2-minute 720p Concat with loudness normalisation (the default) fits.
    let (plan, video, audio, s) = concat_memory(120.0, json!({}));
    let field = length_field(&s);
    assert_eq!(field, "Sources");
    let m = JobMemory::check(&plan, Some(&video), audio.as_ref(), field).unwrap();
    assert!(m.held_audio > 0 && m.total() < JOB_MEMORY_CEILING, "{m:?}");
    // 10 hours of it would hold the whole encoded audio (made first) and the MP4 table: refused,
    // naming the field, the ceiling and the longest output that fits.
    let (plan, video, audio, _) = concat_memory(36_000.0, json!({}));
    let e = JobMemory::check(&plan, Some(&video), audio.as_ref(), field).unwrap_err();
    assert_eq!(e.code, "InvalidParameter.Sources", "{e}");
    assert!(e.message.contains("ceiling of 1024 MiB"), "{e}");
    let fits: f64 = e
        .message
        .split("at most ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a length that fits: {e}"));
    let (at_fit, v, a, _) = concat_memory(fits, json!({}));
    assert!(
        JobMemory::check(&at_fit, Some(&v), a.as_ref(), field).is_ok(),
        "{fits} s fits"
    );
    let (past_fit, v, a, _) = concat_memory(fits + 5.0, json!({}));
    assert!(JobMemory::check(&past_fit, Some(&v), a.as_ref(), field).is_err());
    eprintln!(
        "longest 720p Concat with loudness normalisation: {fits} s; 2 min need {} MiB",
        m.total() >> 20
    );
    // The sound passes hold no mix: the length is bounded by the encoded audio and the table, hours.
    assert!(fits > 3.0 * 3600.0, "{fits} s");
    // A 1080x1920 reel (blurred fill of the 720p source) with normalisation: hours too, its
    // frames in flight (larger) taking a little more of the ceiling.
    let portrait = json!({ "Video": { "TranscodeVideo": { "Resolution": "1080x1920" } } });
    let (plan, video, audio, _) = concat_memory(36_000.0, portrait);
    let e = JobMemory::check(&plan, Some(&video), audio.as_ref(), field).unwrap_err();
    let fits: f64 = e
        .message
        .split("at most ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    eprintln!("longest 1080x1920 reel with loudness normalisation: {fits} s");
    assert!((3.0 * 3600.0..36_000.0).contains(&fits), "{e}");
    // Without normalisation the render streams: 10 hours hold only frames, a few seconds of
    // chunks and the MP4 table.
    let (plan, video, audio, _) = concat_memory(
        36_000.0,
        json!({ "Audio": { "LoudnessNormalization": false } }),
    );
    let m = JobMemory::check(&plan, Some(&video), audio.as_ref(), field).unwrap();
    assert_eq!(m.held_audio, 0);
    assert!(m.total() < JOB_MEMORY_CEILING / 2, "{m:?}");
    eprintln!(
        "10 h 720p Concat without normalisation: {} MiB ({m:?})",
        m.total() >> 20
    );
}

#[test]
fn an_audio_first_output_holds_its_encoded_audio_but_no_more_video_when_longer() {
    use reelcut::render::{job_budget::JobMemory, MusicBed};
    // Music and loudness normalisation: the sound is made first, then the video streams.
    let at = |seconds: f64| {
        let (mut plan, video, audio, _) = concat_memory(seconds, json!({}));
        plan.music = Some(MusicBed {
            track: 0,
            uri: "music.flac".into(),
            volume: 0.5,
        });
        let audio = audio.expect("an audio encoder");
        assert!(plan.loudness.is_some() && plan.audio_first(true, true));
        let m = JobMemory::check(&plan, Some(&video), Some(&audio), "Sources").unwrap();
        let bytes_per_s = |bitrate: u64| bitrate as f64 / 8.0;
        (m, bytes_per_s(video.bitrate), bytes_per_s(audio.bitrate))
    };
    let (short, video_bps, audio_bps) = at(60.0);
    let (long, _, _) = at(180.0);
    eprintln!("music + normalisation, 60 s: {short:?}\n180 s: {long:?}");
    // The frames in flight do not depend on the length; the encoded bytes held grow by the two
    // extra minutes of encoded audio (with the encoders' headroom), not by their video.
    assert_eq!(short.frames, long.frames);
    let grown = (long.held_encoded - short.held_encoded) as f64;
    assert!(grown <= 1.5 * 120.0 * audio_bps + 1.0, "{grown} bytes more");
    let video_held = long.held_encoded as f64 - 1.5 * 180.0 * audio_bps;
    assert!(
        video_held <= 1.5 * 30.0 * video_bps + 1.0,
        "at most a 30 s interleaving window of video: {long:?}"
    );
    // The sound passes hold a few blocks and seconds of music whatever the length, plus the
    // speech detection's features per second; far less than the video pass's frames, and the
    // peak is the larger pass, not the sum.
    use reelcut::render::sound_passes::SPEECH_BYTES_PER_S;
    assert_eq!(long.held_audio - short.held_audio, 120 * SPEECH_BYTES_PER_S);
    assert!(
        long.held_audio < 8 << 20 && long.held_audio < long.frames,
        "{long:?}"
    );
    assert_eq!(long.total(), long.frames + long.held_encoded + long.tables);
}

#[test]
fn encoded_bytes_held_past_the_allowance_fail_the_render() {
    use reelcut::render::job_budget::JobMemory;
    let (plan, video, audio, _) = concat_memory(60.0, json!({}));
    let m = JobMemory::check(&plan, Some(&video), audio.as_ref(), "Sources").unwrap();
    assert!(
        m.encoded_allowance() >= m.held_encoded,
        "the estimate fits its allowance"
    );
    assert!(m.check_held(m.encoded_allowance()).is_ok());
    let e = m.check_held(m.encoded_allowance() + 1).unwrap_err();
    assert_eq!(e.code, "InvalidParameter.Sources");
    assert!(e.message.contains("job memory ceiling"), "{e}");
}

#[test]
fn the_memory_refusal_names_the_field_that_sets_the_outputs_length() {
    use reelcut::engine::length_field;
    assert_eq!(
        length_field(&ice(json!({ "MediaURL": "memory:" }))),
        "OutputConfig.MaxDuration"
    );
    assert_eq!(length_field(&compose(json!({}))), "Output.MaxDuration");
}

// --- progress split (src/engine/progress.rs) ---

fn split_of(spec: &JobSpec, sources: &[SourceInput]) -> progress::Split {
    progress::split(spec, sources, &render_settings(spec, sources))
}

#[test]
fn progress_spans_are_contiguous_and_proportional() {
    let s = progress::spans(&[1.0, 3.0], 0.2, 1.0);
    assert_eq!(s.len(), 2);
    assert!(
        (s[0].0 - 0.2).abs() < 1e-12 && (s[0].1 - 0.4).abs() < 1e-12,
        "{s:?}"
    );
    assert!(
        (s[1].0 - 0.4).abs() < 1e-12 && (s[1].1 - 1.0).abs() < 1e-12,
        "{s:?}"
    );
    // No cost known: equal spans, never a NaN.
    let even = progress::spans(&[0.0, f64::NAN, 0.0], 0.0, 0.9);
    assert!((even[1].1 - 0.6).abs() < 1e-12, "{even:?}");
}

#[test]
fn retrieval_progress_is_all_analysis() {
    let spec = spec(
        IMM,
        json!({ "Type": "Retrieval", "Sources": [{ "URI": "a.mp4" }, { "URI": "b.mp4" }],
                "Output": { "URI": "memory:" } }),
    );
    let long = SourceInput {
        duration_s: 180.0,
        ..input(1920, 1080, 30.0, true)
    };
    let split = split_of(&spec, &[input(1920, 1080, 30.0, true), long]);
    assert!((split.render_from - 0.99).abs() < 1e-12, "{split:?}");
    // Each source's span is its own cost: three times the length, three times the span.
    let (a, b) = (split.analysis[0], split.analysis[1]);
    assert!(
        a.0 == 0.0 && a.1 > a.0 && (b.0 - a.1).abs() < 1e-12,
        "{split:?}"
    );
    assert!(((b.1 - b.0) / (a.1 - a.0) - 3.0).abs() < 0.05, "{split:?}");
}

#[test]
fn compose_progress_split_follows_the_stage_costs() {
    let portrait = json!({ "TranscodeVideo": { "Resolution": "1080x1920" } });
    let one = compose(json!({ "MaxDuration": 30, "TargetDuration": 30, "Video": portrait }));
    let src = [input(1920, 1080, 30.0, true)];
    let base = split_of(&one, &src).render_from;
    // 60 s of 1080p30 analysed (1800 decoded frames) against 30 s of 1080x1920 rendered (900
    // encoded frames and the ~1000 source frames under them): the render dominates.
    assert!((0.15..0.35).contains(&base), "analysis share {base}");
    // More material to analyse, larger analysis share; a 4K source costs more to analyse than
    // a 720p one of the same length.
    let longer = [SourceInput {
        duration_s: 240.0,
        ..src[0].clone()
    }];
    assert!(split_of(&one, &longer).render_from > base + 0.1);
    let uhd = split_of(&one, &[input(3840, 2160, 30.0, true)]).render_from;
    let hd = split_of(&one, &[input(1280, 720, 30.0, true)]).render_from;
    assert!(uhd > hd + 0.2, "4K {uhd} vs 720p {hd}");
    // More reels to render, smaller analysis share.
    let reels = |n: u32| {
        let spec = ice(json!({ "Count": n, "MaxDuration": 30, "Width": 1080, "Height": 1920 }));
        split_of(&spec, &[src[0].clone(), src[0].clone()]).render_from
    };
    assert!(reels(3) < reels(1) - 0.1, "{} vs {}", reels(3), reels(1));
}

#[test]
fn render_spans_follow_each_reel_length() {
    let spec = compose(json!({}));
    let sources = [input(1920, 1080, 30.0, true)];
    let settings = render_settings(&spec, &sources);
    let reel = |len: f64| Reel {
        clips: vec![clip(0, 0.0, len, None)],
        duration_s: len,
        notes: Vec::new(),
    };
    let outs = reel_outputs(
        &spec,
        &settings,
        &sources,
        &[reel(10.0), reel(20.0)],
        &Default::default(),
    );
    let cost =
        |k: usize| progress::render_cost(outs[k].render.as_ref().unwrap(), &sources, &settings);
    let ratio = cost(1) / cost(0);
    // Twice the output and twice the material, plus the same one-second pre-roll per clip.
    assert!((1.8..2.0).contains(&ratio), "{ratio}");
}

#[test]
fn an_audio_only_render_costs_its_sound_not_the_pictures_under_it() {
    let audio_only = compose(json!({ "Video": { "DisableVideo": true } }));
    let with_picture = compose(json!({}));
    let reel = Reel {
        clips: vec![clip(0, 0.0, 20.0, None)],
        duration_s: 20.0,
        notes: Vec::new(),
    };
    let cost = |spec: &JobSpec, w: u32, h: u32| {
        let sources = [input(w, h, 30.0, true)];
        let settings = render_settings(spec, &sources);
        let outs = reel_outputs(
            spec,
            &settings,
            &sources,
            std::slice::from_ref(&reel),
            &Default::default(),
        );
        progress::render_cost(outs[0].render.as_ref().unwrap(), &sources, &settings)
    };
    let (hd, uhd) = (cost(&audio_only, 1920, 1080), cost(&audio_only, 3840, 2160));
    assert_eq!(
        hd, uhd,
        "the picture's size does not matter without a picture"
    );
    assert!(hd > 0.0 && hd * 3.0 < cost(&with_picture, 1920, 1080));
}

#[test]
fn music_gives_sound_disable_video_drops_the_picture_and_the_record_says_so() {
    use reelcut::engine::{rendered_output, Delivery};
    let silent_inputs = [input(640, 360, 25.0, false)];
    // Music makes an audio track even when no input has one; each reel's bed is in its plan.
    let s = spec(
        ICE,
        json!({ "InputConfig": { "MediaArray": ["a.mp4"], "BackgroundMusicArray": ["m1.mp3", "m2.flac"] },
                "EditingConfig": { "BackgroundMusicMode": "Sequential", "BackgroundMusics": [{ "URI": "m3.wav", "Volume": 0.7 }] },
                "OutputConfig": { "MediaURL": "r_{index}.mp4", "Count": 3 } }),
    );
    let settings = render_settings(&s, &silent_inputs);
    assert!(settings.audio.is_some(), "music is sound");
    assert!(!settings.video_disabled);
    let reel = |_| Reel {
        clips: vec![clip(0, 0.0, 3.0, None)],
        duration_s: 3.0,
        notes: vec![],
    };
    let reels: Vec<Reel> = (0..3).map(reel).collect();
    let outs = reel_outputs(&s, &settings, &silent_inputs, &reels, &Default::default());
    let beds: Vec<_> = outs
        .iter()
        .map(|o| {
            o.render
                .as_ref()
                .and_then(|r| r.music.clone())
                .map(|m| (m.track, m.uri, m.volume))
        })
        .collect();
    assert_eq!(
        beds,
        vec![
            Some((0, "m1.mp3".to_string(), 0.2)),
            Some((1, "m2.flac".to_string(), 0.2)),
            Some((2, "m3.wav".to_string(), 0.7))
        ]
    );
    let delivery = |video: Option<&str>| Delivery {
        frames: 75,
        render_seconds: 1.0,
        size: 1000.0,
        video_codec: video.map(str::to_string),
        audio_codec: Some("opus".into()),
        audio_encoder: Some(AudioEncoderKind::WebCodecs),
        upload_attempts: None,
        loudness: None,
        error: None,
        files: Vec::new(),
    };
    let record = serde_json::to_value(rendered_output(
        &outs[2],
        &settings,
        delivery(Some("avc1.64001f")),
    ))
    .unwrap();
    assert_eq!(
        record["BackgroundMusic"],
        json!({ "Index": 2, "URI": "m3.wav", "Volume": 0.7 })
    );
    assert_eq!(record["Width"], json!(640));

    // DisableVideo: the settings say so, and the record of an audio-only output has no picture.
    let a = compose(json!({ "Video": { "DisableVideo": true } }));
    let settings = render_settings(&a, &[input(640, 360, 25.0, true)]);
    assert!(settings.video_disabled && settings.audio.is_some());
    let outs = reel_outputs(
        &a,
        &settings,
        &silent_inputs,
        &[reel(0)],
        &Default::default(),
    );
    let record =
        serde_json::to_value(rendered_output(&outs[0], &settings, delivery(None))).unwrap();
    for key in [
        "Width",
        "Height",
        "FrameRate",
        "Frames",
        "VideoCodec",
        "BackgroundMusic",
    ] {
        assert!(record.get(key).is_none(), "{key} in {record}");
    }
    assert_eq!(record["AudioCodec"], json!("opus"));
    assert_eq!(record["AudioEncoder"], json!("WebCodecs"));
    assert_eq!(record["Duration"], json!(3.0));
}
