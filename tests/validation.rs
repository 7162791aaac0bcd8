//! Request parsing and validation of both cloud APIs (SPEC sections 3-6), table-driven.
//!
//! Each bad case starts from a valid request, applies edits at JSON pointers, and asserts the exact
//! error code and a fragment of the message that names the value given.

use reelcut::job::spec::*;
use reelcut::job::validate::{parse_request, parse_request_json, Capabilities};
use reelcut::job::{catalog, overlays};
use serde_json::{json, Value};

const ICE: &str = "SubmitScreenMediaHighlightsJob";
const IMM: &str = "CreateHighlightTask";

/// Everything on, so validation cases are not masked by capability gating.
fn all_caps() -> Capabilities {
    Capabilities {
        render: true,
        transitions: catalog::XFADE_TRANSITIONS
            .iter()
            .chain(catalog::GL_TRANSITIONS)
            .map(|s| s.to_string())
            .collect(),
        vfx: true,
        music: true,
        overlays: true,
        overlay_media: true,
        segment: true,
        speed: true,
        transcode: true,
        source_volume: true,
        audio_only: true,
        containers: vec![
            Container::Mp4,
            Container::Mov,
            Container::Webm,
            Container::Mkv,
        ],
        plot_pacing: true,
    }
}

fn ice_min() -> Value {
    json!({ "InputConfig": { "MediaArray": ["ep1.mp4"] } })
}

fn ice_full() -> Value {
    json!({
        "InputConfig": {
            "MediaArray": ["ep1.mp4", "ep2.mp4"],
            "HighlightStrategy": {
                "IntroConfig": { "Mode": "Auto" },
                "TargetDuration": 30,
                "PlotPacingType": "Fast"
            },
            "OpeningArray": ["open.mp4"],
            "EndingArray": ["end.png"],
            "TitleArray": ["Episode 1"],
            "SubHeadingArray": ["The reveal"],
            "StickerArray": ["sticker.png"],
            "BackgroundMusicArray": ["bgm.mp3"],
            "BackgroundImageArray": ["bg.jpg"]
        },
        "EditingConfig": {
            "MediaConfig": { "Volume": 0.8 },
            "ProcessConfig": { "AllowTransition": true, "TransitionList": ["fadecolor", "directional"] },
            "BackgroundMusicMode": "Sequential",
            "BackgroundMusics": [{ "URI": "bgm2.mp3", "Volume": 0.5 }]
        },
        "OutputConfig": {
            "MediaURL": "opfs:/reels/ep1_{index}.mp4",
            "Count": 2,
            "Width": 1080,
            "Height": 1920,
            "MaxDuration": 60,
            "Bitrate": 4000,
            "Video": { "Crf": 20 }
        },
        "UserData": "{\"NotifyAddress\":\"https://example.com/cb\",\"Ref\":7}"
    })
}

fn imm_min() -> Value {
    json!({ "Sources": [{ "URI": "ep1.mp4" }], "Type": "Retrieval", "Output": { "URI": "memory:" } })
}

fn imm_full() -> Value {
    json!({
        "ProjectName": "immtest",
        "Sources": [
            { "URI": "ep1.mp4", "StartTime": 0, "Duration": 0 },
            { "URI": "oss://bucket/ep2.mp4", "StartTime": 12.5, "Duration": 60 }
        ],
        "Mode": "Scene",
        "Type": "Compose",
        "Highlight": { "Content": "Person" },
        "Edit": {
            "Mode": "Sequential",
            "BackgroundMusicMode": "Random",
            "BackgroundMusics": [{ "URI": "bgm.mp3", "Volume": 0.3 }],
            "TransitionMode": "Random",
            "Transitions": [
                { "Transition": "fade", "Duration": 1, "Weight": 70 },
                { "Transition": "wipeleft" }
            ],
            "VfxEffectMode": "Sequential",
            "VfxEffects": [{ "VfxEffect": "twolayer", "Weight": 20 }]
        },
        "Output": {
            "URI": "opfs:/out/reel.m3u8",
            "Container": "mp4",
            "Speed": 0.8,
            "MaxDuration": 90,
            "TargetDuration": 60,
            "Segment": { "Format": "hls", "Duration": 4, "StartNumber": 1 },
            "Video": { "TranscodeVideo": {
                "Codec": "h264", "Bitrate": 2500000, "FrameRate": 30, "Resolution": "720x1280",
                "ScaleType": "fill", "GOPSize": 60, "PixelFormat": "yuv420p"
            } },
            "Audio": { "TranscodeAudio": { "Codec": "opus", "Bitrate": 128000, "SampleRate": 48000, "Channel": 2 } }
        },
        "UserData": "{\"ID\":\"u1\"}",
        "Tags": { "show": "drama" },
        "Notification": "https://example.com/notify"
    })
}

/// Sets (or with `None` removes) the value at a JSON pointer; an index equal to the array length
/// appends.
fn set(doc: &mut Value, pointer: &str, new: Option<Value>) {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer starts with /");
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent {parent}"));
    match target {
        Value::Object(map) => match new {
            Some(v) => {
                map.insert(last.to_string(), v);
            }
            None => {
                map.remove(last);
            }
        },
        Value::Array(items) => {
            let i: usize = last.parse().expect("array index");
            match new {
                Some(v) if i == items.len() => items.push(v),
                Some(v) => items[i] = v,
                None => {
                    items.remove(i);
                }
            }
        }
        other => panic!("cannot set {pointer} in {other}"),
    }
}

fn edited(base: fn() -> Value, edits: &[(&str, Option<Value>)]) -> Value {
    let mut doc = base();
    for (pointer, value) in edits {
        set(&mut doc, pointer, value.clone());
    }
    doc
}

fn n_strings(n: usize) -> Value {
    Value::Array((0..n).map(|i| json!(format!("m{i}.mp4"))).collect())
}

fn n_copies(n: usize, item: Value) -> Value {
    Value::Array(vec![item; n])
}

/// One bad-request case.
struct Bad {
    action: &'static str,
    base: fn() -> Value,
    edits: Vec<(&'static str, Option<Value>)>,
    code: &'static str,
    message: &'static str,
}

fn bad(
    action: &'static str,
    base: fn() -> Value,
    edits: &[(&'static str, Option<Value>)],
    code: &'static str,
    message: &'static str,
) -> Bad {
    Bad {
        action,
        base,
        edits: edits.to_vec(),
        code,
        message,
    }
}

/// Runs a table, reporting every failing row at once.
fn run_table(cases: &[Bad], caps: &Capabilities) {
    let mut failures = Vec::new();
    for (row, case) in cases.iter().enumerate() {
        let request = edited(case.base, &case.edits);
        match parse_request(case.action, &request, caps) {
            Ok(_) => failures.push(format!(
                "row {row} ({} {:?}): accepted, expected {}",
                case.action, case.edits, case.code
            )),
            Err(e) => {
                if e.code != case.code || !e.message.contains(case.message) {
                    failures.push(format!(
                        "row {row} ({:?}): got {} / {:?}; expected {} containing {:?}",
                        case.edits, e.code, e.message, case.code, case.message
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn s(v: Value) -> Option<Value> {
    Some(v)
}

// -------------------------------------------------------------------------------------------------
// Valid requests
// -------------------------------------------------------------------------------------------------

fn default_output() -> OutputSpec {
    OutputSpec {
        uri: None,
        container: Some(Container::Mp4),
        count: 1,
        width: None,
        height: None,
        video: VideoSpec::default(),
        audio: AudioSpec::default(),
        source_volume: 1.0,
    }
}

fn closed_effects() -> (TransitionSpec, VfxSpec, MusicSpec) {
    (
        TransitionSpec {
            mode: EffectMode::Closed,
            list: vec![],
        },
        VfxSpec {
            mode: EffectMode::Closed,
            list: vec![],
        },
        MusicSpec {
            mode: MusicMode::Closed,
            tracks: vec![],
        },
    )
}

#[test]
fn ice_minimal_parses() {
    let spec = parse_request(ICE, &ice_min(), &Capabilities::with_render()).expect("valid");
    let (transitions, vfx, music) = closed_effects();
    let expected = JobSpec {
        api: Api::ScreenMediaHighlights,
        kind: JobKind::ScreenHighlights,
        sources: vec![SourceSpec {
            uri: "ep1.mp4".into(),
            start_s: 0.0,
            duration_s: 0.0,
        }],
        mode: SelectionMode::Scene,
        content: None,
        intro_auto: false,
        plot_pacing: None,
        target_duration_s: None,
        max_duration_s: None,
        outputs: default_output(),
        transitions,
        vfx,
        music,
        overlays: OverlaySpec::default(),
        segment: None,
        speed: 1.0,
        user_data: None,
        tags: Tags::default(),
        notify: None,
        project_name: None,
    };
    assert_eq!(spec, expected);
}

#[test]
fn ice_full_parses() {
    let spec = parse_request(ICE, &ice_full(), &all_caps()).expect("valid");
    let src = |u: &str| SourceSpec {
        uri: u.into(),
        start_s: 0.0,
        duration_s: 0.0,
    };
    let tr = |n: &str| TransitionItem {
        name: n.into(),
        duration_s: DEFAULT_TRANSITION_DURATION_S,
        weight: 50,
    };
    let expected = JobSpec {
        api: Api::ScreenMediaHighlights,
        kind: JobKind::ScreenHighlights,
        sources: vec![src("ep1.mp4"), src("ep2.mp4")],
        mode: SelectionMode::Scene,
        content: None,
        intro_auto: true,
        plot_pacing: Some(PlotPacing::Fast),
        target_duration_s: Some(30.0),
        max_duration_s: Some(60.0),
        outputs: OutputSpec {
            uri: Some("opfs:/reels/ep1_{index}.mp4".into()),
            container: Some(Container::Mp4),
            count: 2,
            width: Some(1080),
            height: Some(1920),
            video: VideoSpec {
                bitrate_bps: Some(4_000_000),
                crf: Some(20),
                ..VideoSpec::default()
            },
            audio: AudioSpec::default(),
            source_volume: 0.8,
        },
        transitions: TransitionSpec {
            mode: EffectMode::Random,
            list: vec![tr("fadecolor"), tr("directional")],
        },
        vfx: VfxSpec {
            mode: EffectMode::Closed,
            list: vec![],
        },
        music: MusicSpec {
            mode: MusicMode::Sequential,
            tracks: vec![
                MusicTrack {
                    uri: "bgm.mp3".into(),
                    volume: 0.2,
                },
                MusicTrack {
                    uri: "bgm2.mp3".into(),
                    volume: 0.5,
                },
            ],
        },
        overlays: OverlaySpec {
            openings: vec![MediaEntry {
                uri: "open.mp4".into(),
                duration_s: None,
            }],
            endings: vec![MediaEntry {
                uri: "end.png".into(),
                duration_s: None,
            }],
            titles: vec![TextEntry {
                text: "Episode 1".into(),
                font_size: overlays::TITLE_FONT_SIZE,
                color: [255, 255, 255],
                y: overlays::TITLE_Y,
                duration_s: overlays::TITLE_DEFAULT_S,
            }],
            subheadings: vec![TextEntry {
                text: "The reveal".into(),
                font_size: overlays::SUBHEADING_FONT_SIZE,
                color: [255, 255, 255],
                y: overlays::SUBHEADING_Y,
                duration_s: overlays::TITLE_DEFAULT_S,
            }],
            stickers: vec![StickerEntry {
                uri: "sticker.png".into(),
                x: 0.05,
                y: 0.05,
                width: 0.2,
                height: None,
                start_s: 0.0,
                duration_s: None,
                opacity: 1.0,
            }],
            background_images: vec!["bg.jpg".into()],
        },
        segment: None,
        speed: 1.0,
        user_data: Some("{\"NotifyAddress\":\"https://example.com/cb\",\"Ref\":7}".into()),
        tags: Tags::default(),
        notify: Some("https://example.com/cb".into()),
        project_name: None,
    };
    assert_eq!(spec, expected);
    assert_eq!(
        spec.outputs.uri_for(2).as_deref(),
        Some("opfs:/reels/ep1_2.mp4")
    );
}

#[test]
fn imm_minimal_parses() {
    let spec = parse_request(IMM, &imm_min(), &Capabilities::retrieval_only()).expect("valid");
    let (transitions, vfx, music) = closed_effects();
    let expected = JobSpec {
        api: Api::HighlightTask,
        kind: JobKind::Retrieval,
        sources: vec![SourceSpec {
            uri: "ep1.mp4".into(),
            start_s: 0.0,
            duration_s: 0.0,
        }],
        mode: SelectionMode::Average,
        content: None,
        intro_auto: false,
        plot_pacing: None,
        target_duration_s: None,
        max_duration_s: None,
        outputs: OutputSpec {
            uri: Some("memory:".into()),
            container: None,
            ..default_output()
        },
        transitions,
        vfx,
        music,
        overlays: OverlaySpec::default(),
        segment: None,
        speed: 1.0,
        user_data: None,
        tags: Tags::default(),
        notify: None,
        project_name: None,
    };
    assert_eq!(spec, expected);
    assert!(!spec.writes_media());
}

#[test]
fn imm_full_parses() {
    let spec = parse_request(IMM, &imm_full(), &all_caps()).expect("valid");
    let expected = JobSpec {
        api: Api::HighlightTask,
        kind: JobKind::Compose,
        sources: vec![
            SourceSpec {
                uri: "ep1.mp4".into(),
                start_s: 0.0,
                duration_s: 0.0,
            },
            SourceSpec {
                uri: "oss://bucket/ep2.mp4".into(),
                start_s: 12.5,
                duration_s: 60.0,
            },
        ],
        mode: SelectionMode::Scene,
        content: Some("Person".into()),
        intro_auto: false,
        plot_pacing: None,
        target_duration_s: Some(60.0),
        max_duration_s: Some(90.0),
        outputs: OutputSpec {
            uri: Some("opfs:/out/reel.m3u8".into()),
            container: Some(Container::Mp4),
            count: 1,
            width: Some(720),
            height: Some(1280),
            video: VideoSpec {
                disabled: false,
                codec: Some(VideoCodec::H264),
                bitrate_bps: Some(2_500_000),
                crf: None,
                frame_rate: Some(30.0),
                gop_size: Some(60),
                scale_type: Some(ScaleType::Fill),
                pixel_format: Some("yuv420p".into()),
            },
            audio: AudioSpec {
                disabled: false,
                codec: Some(AudioCodec::Opus),
                bitrate_bps: Some(128_000),
                sample_rate: Some(48_000),
                channels: Some(2),
                loudness_off: false,
            },
            source_volume: 1.0,
        },
        transitions: TransitionSpec {
            mode: EffectMode::Random,
            list: vec![
                TransitionItem {
                    name: "fade".into(),
                    duration_s: 1.0,
                    weight: 70,
                },
                TransitionItem {
                    name: "wipeleft".into(),
                    duration_s: DEFAULT_TRANSITION_DURATION_S,
                    weight: 50,
                },
            ],
        },
        vfx: VfxSpec {
            mode: EffectMode::Sequential,
            list: vec![VfxItem {
                name: "twolayer".into(),
                weight: 20,
            }],
        },
        music: MusicSpec {
            mode: MusicMode::Random,
            tracks: vec![MusicTrack {
                uri: "bgm.mp3".into(),
                volume: 0.3,
            }],
        },
        overlays: OverlaySpec::default(),
        segment: Some(SegmentSpec {
            format: SegmentFormat::Hls,
            duration_s: 4.0,
            start_number: 1,
        }),
        speed: 0.8,
        user_data: Some("{\"ID\":\"u1\"}".into()),
        tags: Tags(vec![("show".to_string(), "drama".to_string())]),
        notify: Some("https://example.com/notify".into()),
        project_name: Some("immtest".into()),
    };
    assert_eq!(spec, expected);
}

#[test]
fn job_spec_serialises_camel_case_and_round_trips() {
    let request = edited(
        imm_min,
        &[
            ("/Mode", s(json!("Scene"))),
            ("/Highlight", s(json!({ "Content": "Person" }))),
            ("/Sources/0/StartTime", s(json!(5))),
            ("/Output/TargetDuration", s(json!(30))),
            ("/Tags", s(json!({ "ep": "1" }))),
            ("/Notification", s(json!("reelcut-done"))),
        ],
    );
    let spec = parse_request(IMM, &request, &Capabilities::retrieval_only()).expect("valid");
    let json = serde_json::to_value(&spec).expect("serialises");
    assert_eq!(json["api"], "HighlightTask");
    assert_eq!(json["kind"], "Retrieval");
    assert_eq!(json["mode"], "Scene");
    assert_eq!(
        json["sources"][0],
        json!({ "uri": "ep1.mp4", "startS": 5.0, "durationS": 0.0 })
    );
    assert_eq!(json["targetDurationS"], 30.0);
    assert_eq!(json["outputs"]["sourceVolume"], 1.0);
    assert_eq!(json["transitions"]["mode"], "Closed");
    assert_eq!(json["notify"], "reelcut-done");
    let back: JobSpec = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, spec);
}

// -------------------------------------------------------------------------------------------------
// Accepted variants: JSON-string forms, numeric strings, booleans as strings, notification shapes
// -------------------------------------------------------------------------------------------------

#[test]
fn top_level_parameters_as_json_strings() {
    let full = ice_full();
    let mut as_strings = full.clone();
    for key in ["InputConfig", "EditingConfig", "OutputConfig"] {
        as_strings[key] = Value::String(full[key].to_string());
    }
    let caps = all_caps();
    assert_eq!(
        parse_request(ICE, &as_strings, &caps),
        parse_request(ICE, &full, &caps)
    );

    let full = imm_full();
    let mut as_strings = full.clone();
    for key in ["Sources", "Highlight", "Edit", "Output", "Tags"] {
        as_strings[key] = Value::String(full[key].to_string());
    }
    assert_eq!(
        parse_request(IMM, &as_strings, &caps),
        parse_request(IMM, &full, &caps)
    );

    // The whole request as JSON text.
    let text = imm_min().to_string();
    assert!(parse_request_json(IMM, &text, &Capabilities::retrieval_only()).is_ok());
    let err = parse_request_json(IMM, "{", &Capabilities::retrieval_only()).expect_err("not JSON");
    assert_eq!(err.code, "InvalidParameter.Request");
}

#[test]
fn numbers_as_strings_and_booleans_as_strings() {
    let caps = all_caps();
    let request = edited(
        imm_full,
        &[
            ("/Sources/1/StartTime", s(json!("12.5"))),
            ("/Edit/Transitions/0/Weight", s(json!("70"))),
            ("/Edit/Transitions/0/Duration", s(json!(" 1 "))),
            ("/Output/Speed", s(json!("0.8"))),
            ("/Output/Video/TranscodeVideo/GOPSize", s(json!("60"))),
            ("/Output/Audio/TranscodeAudio/SampleRate", s(json!("48000"))),
        ],
    );
    assert_eq!(
        parse_request(IMM, &request, &caps),
        parse_request(IMM, &imm_full(), &caps)
    );

    let request = edited(
        ice_full,
        &[
            ("/OutputConfig/Count", s(json!("2"))),
            ("/OutputConfig/Width", s(json!("1080"))),
            (
                "/EditingConfig/ProcessConfig/AllowTransition",
                s(json!("true")),
            ),
            (
                "/InputConfig/HighlightStrategy/TargetDuration",
                s(json!("30")),
            ),
        ],
    );
    assert_eq!(
        parse_request(ICE, &request, &caps),
        parse_request(ICE, &ice_full(), &caps)
    );
    // Integral floats are integers.
    let request = edited(imm_full, &[("/Edit/Transitions/0/Weight", s(json!(70.0)))]);
    assert!(parse_request(IMM, &request, &caps).is_ok());
}

#[test]
fn notification_shapes() {
    let caps = Capabilities::retrieval_only();
    let cases = [
        (json!("https://example.com/n"), "https://example.com/n"),
        (json!("my-channel"), "my-channel"),
        (
            json!({ "Endpoint": "https://example.com/e" }),
            "https://example.com/e",
        ),
        (json!({ "Address": "chan-a" }), "chan-a"),
        (json!({ "Topic": "chan-t" }), "chan-t"),
        (json!({ "MNS": { "TopicName": "topic-1" } }), "topic-1"),
        (json!({ "RocketMQ": { "TopicName": "topic-2" } }), "topic-2"),
        (json!("{\"MNS\":{\"TopicName\":\"topic-3\"}}"), "topic-3"),
    ];
    for (notification, expected) in cases {
        let request = edited(imm_min, &[("/Notification", Some(notification.clone()))]);
        let spec =
            parse_request(IMM, &request, &caps).unwrap_or_else(|e| panic!("{notification}: {e}"));
        assert_eq!(spec.notify.as_deref(), Some(expected), "{notification}");
    }
}

#[test]
fn ice_user_data_and_output_variants() {
    let caps = Capabilities::with_render();
    // UserData as an object is serialised; NotifyAddress may be a channel name.
    let request = edited(
        ice_min,
        &[(
            "/UserData",
            s(json!({ "NotifyAddress": "ice-callback-demo" })),
        )],
    );
    let spec = parse_request(ICE, &request, &caps).expect("valid");
    assert_eq!(spec.notify.as_deref(), Some("ice-callback-demo"));
    assert_eq!(
        spec.user_data.as_deref(),
        Some("{\"NotifyAddress\":\"ice-callback-demo\"}")
    );
    // UserData JSON without NotifyAddress is echoed, no notification.
    let request = edited(ice_min, &[("/UserData", s(json!("[1,2]")))]);
    assert_eq!(
        parse_request(ICE, &request, &caps).expect("valid").notify,
        None
    );

    // Container from the MediaURL extension; query strings are ignored; no extension = mp4.
    for (url, container) in [
        (
            "https://up.example.com/r_{index}.webm?sig=a.b",
            Container::Webm,
        ),
        ("opfs:/reels/x.MOV", Container::Mov),
        ("memory:", Container::Mp4),
        ("https://up.example.com/upload?name=x.avi", Container::Mp4),
        ("out.mkv", Container::Mkv),
    ] {
        let request = edited(ice_min, &[("/OutputConfig", s(json!({ "MediaURL": url })))]);
        let spec = parse_request(ICE, &request, &caps).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(spec.outputs.container, Some(container), "{url}");
    }
}

#[test]
fn defaults_and_mode_mapping() {
    let caps = all_caps();
    // Transition names are case-insensitive and canonicalised; AllowTransition without a list = Auto.
    let request = edited(
        ice_min,
        &[(
            "/EditingConfig",
            s(json!({ "ProcessConfig": { "TransitionList": ["bowTieVertical", "WipeLeft"] } })),
        )],
    );
    let spec = parse_request(ICE, &request, &caps).expect("valid");
    assert_eq!(spec.transitions.mode, EffectMode::Random);
    let names: Vec<&str> = spec
        .transitions
        .list
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["bowtievertical", "wipeleft"]);

    let request = edited(
        ice_min,
        &[(
            "/EditingConfig",
            s(json!({ "ProcessConfig": { "AllowTransition": true } })),
        )],
    );
    assert_eq!(
        parse_request(ICE, &request, &caps)
            .expect("valid")
            .transitions
            .mode,
        EffectMode::Auto
    );
    let request = edited(
        ice_min,
        &[(
            "/EditingConfig",
            s(json!({ "ProcessConfig": { "AllowTransition": false, "TransitionList": ["fade"] } })),
        )],
    );
    assert_eq!(
        parse_request(ICE, &request, &caps)
            .expect("valid")
            .transitions
            .mode,
        EffectMode::Closed
    );

    // ICE music given = Random by default.
    let request = edited(
        ice_min,
        &[("/InputConfig/BackgroundMusicArray", s(json!(["a.mp3"])))],
    );
    assert_eq!(
        parse_request(ICE, &request, &caps)
            .expect("valid")
            .music
            .mode,
        MusicMode::Random
    );

    // TranscodeVideo defaults: CRF 23 without Bitrate, GOP 150; Segment defaults.
    let request = edited(
        imm_full,
        &[
            (
                "/Output/Video",
                s(json!({ "TranscodeVideo": { "Codec": "vp9" } })),
            ),
            ("/Output/Segment", s(json!({}))),
        ],
    );
    let spec = parse_request(IMM, &request, &caps).expect("valid");
    assert_eq!(spec.outputs.video.crf, Some(DEFAULT_CRF));
    assert_eq!(spec.outputs.video.gop_size, Some(DEFAULT_GOP_SIZE));
    assert_eq!(
        spec.segment,
        Some(SegmentSpec {
            format: SegmentFormat::Hls,
            duration_s: DEFAULT_SEGMENT_DURATION_S,
            start_number: 0
        })
    );
    // Null counts as absent; IntroConfig Disabled is the default.
    let request = edited(
        imm_min,
        &[("/Mode", s(Value::Null)), ("/Highlight", s(Value::Null))],
    );
    assert_eq!(
        parse_request(IMM, &request, &caps).expect("valid").mode,
        SelectionMode::Average
    );
    // Retrieval exports need {index}; with it they are fine.
    let request = edited(
        imm_min,
        &[
            ("/Output/URI", s(json!("opfs:/hl/{index}.mp4"))),
            ("/Output/Container", s(json!("mp4"))),
        ],
    );
    assert!(parse_request(IMM, &request, &caps)
        .expect("valid")
        .writes_media());
}

// -------------------------------------------------------------------------------------------------
// Bad requests: every field
// -------------------------------------------------------------------------------------------------

fn ice_bad_cases() -> Vec<Bad> {
    vec![
        bad(ICE, ice_min, &[("/OutputConfig", s(json!({ "Audio": { "LoudnessNormalization": 0 } })))], "InvalidParameter.OutputConfig.Audio.LoudnessNormalization", "expected true or false"),
        bad(ICE, ice_min, &[("/OutputConfig", s(json!({ "Audio": { "Loudness": false } })))], "InvalidParameter.OutputConfig.Audio.Loudness", "unknown parameter"),
        // Top level.
        bad(ICE, ice_min, &[("/Foo", s(json!(1)))], "InvalidParameter.Foo", "Foo is an unknown parameter"),
        bad(ICE, ice_min, &[("/inputConfig", s(json!({})))], "InvalidParameter.inputConfig", "did you mean 'InputConfig'"),
        bad(ICE, ice_min, &[("/ProjectName", s(json!("p")))], "InvalidParameter.ProjectName", "unknown parameter"),
        // InputConfig.
        bad(ICE, ice_min, &[("/InputConfig", None)], "InvalidParameter.InputConfig", "InputConfig is required"),
        bad(ICE, ice_min, &[("/InputConfig", s(json!("{nope")))], "InvalidParameter.InputConfig", "not valid JSON"),
        bad(ICE, ice_min, &[("/InputConfig", s(json!(5)))], "InvalidParameter.InputConfig", "InputConfig is 5; expected an object"),
        bad(ICE, ice_min, &[("/InputConfig/Media", s(json!([])))], "InvalidParameter.InputConfig.Media", "InputConfig.Media is an unknown parameter"),
        bad(ICE, ice_min, &[("/InputConfig/MediaArray", None)], "InvalidParameter.InputConfig.MediaArray", "InputConfig.MediaArray is required"),
        bad(ICE, ice_min, &[("/InputConfig/MediaArray", s(json!([])))], "InvalidParameter.InputConfig.MediaArray", "has 0 entries; allowed 1..30"),
        bad(ICE, ice_min, &[("/InputConfig/MediaArray", s(n_strings(31)))], "InvalidParameter.InputConfig.MediaArray", "has 31 entries; allowed 1..30"),
        bad(ICE, ice_min, &[("/InputConfig/MediaArray", s(json!("a.mp4")))], "InvalidParameter.InputConfig.MediaArray", "is 'a.mp4'; expected an array"),
        bad(ICE, ice_min, &[("/InputConfig/MediaArray/0", s(json!("")))], "InvalidParameter.InputConfig.MediaArray", "InputConfig.MediaArray[0] is ''; expected a non-empty string"),
        bad(ICE, ice_min, &[("/InputConfig/MediaArray/1", s(json!(7)))], "InvalidParameter.InputConfig.MediaArray", "InputConfig.MediaArray[1] is 7; expected a string"),
        bad(ICE, ice_full, &[("/InputConfig/HighlightStrategy/Pace", s(json!(1)))], "InvalidParameter.InputConfig.HighlightStrategy.Pace", "unknown parameter"),
        bad(ICE, ice_full, &[("/InputConfig/HighlightStrategy/IntroConfig/Mode", s(json!("auto")))], "InvalidParameter.InputConfig.HighlightStrategy.IntroConfig.Mode", "is 'auto'; allowed: Auto, Disabled (names are case-sensitive: did you mean 'Auto'?)"),
        bad(ICE, ice_full, &[("/InputConfig/HighlightStrategy/IntroConfig", s(json!("Auto")))], "InvalidParameter.InputConfig.HighlightStrategy.IntroConfig", "is 'Auto'; expected an object"),
        bad(ICE, ice_full, &[("/InputConfig/HighlightStrategy/TargetDuration", s(json!(4)))], "InvalidParameter.InputConfig.HighlightStrategy.TargetDuration", "is 4; allowed >= 5"),
        bad(ICE, ice_full, &[("/InputConfig/HighlightStrategy/TargetDuration", s(json!("long")))], "InvalidParameter.InputConfig.HighlightStrategy.TargetDuration", "is 'long'; expected a number"),
        bad(ICE, ice_full, &[("/InputConfig/HighlightStrategy/TargetDuration", s(json!(61)))], "InvalidParameter.InputConfig.HighlightStrategy.TargetDuration", "is 61; it must not exceed OutputConfig.MaxDuration 60"),
        bad(ICE, ice_full, &[("/InputConfig/HighlightStrategy/PlotPacingType", s(json!("Hyper")))], "InvalidParameter.InputConfig.HighlightStrategy.PlotPacingType", "is 'Hyper'; allowed: Fast, Normal, Slow"),
        bad(ICE, ice_full, &[("/InputConfig/OpeningArray", s(n_strings(21)))], "InvalidParameter.InputConfig.OpeningArray", "has 21 entries; allowed at most 20"),
        bad(ICE, ice_full, &[("/InputConfig/EndingArray", s(n_strings(21)))], "InvalidParameter.InputConfig.EndingArray", "has 21 entries; allowed at most 20"),
        bad(ICE, ice_full, &[("/InputConfig/EndingArray/0", s(json!(false)))], "InvalidParameter.InputConfig.EndingArray", "InputConfig.EndingArray[0] is false"),
        bad(ICE, ice_full, &[("/InputConfig/TitleArray", s(n_strings(51)))], "InvalidParameter.InputConfig.TitleArray", "has 51 entries; allowed at most 50"),
        bad(ICE, ice_full, &[("/InputConfig/TitleArray/0", s(json!("x".repeat(51))))], "InvalidParameter.InputConfig.TitleArray", "(51 characters); allowed at most 50 characters"),
        bad(ICE, ice_full, &[("/InputConfig/SubHeadingArray", s(n_strings(51)))], "InvalidParameter.InputConfig.SubHeadingArray", "has 51 entries"),
        bad(ICE, ice_full, &[("/InputConfig/StickerArray", s(n_strings(51)))], "InvalidParameter.InputConfig.StickerArray", "has 51 entries"),
        bad(ICE, ice_full, &[("/InputConfig/BackgroundMusicArray", s(n_strings(51)))], "InvalidParameter.InputConfig.BackgroundMusicArray", "has 51 entries"),
        // Overlay entries (src/job/overlays.rs).
        bad(ICE, ice_full, &[("/InputConfig/StickerArray/0", s(json!({ "X": 0.1 })))], "InvalidParameter.InputConfig.StickerArray.MediaURL", "is required"),
        bad(ICE, ice_full, &[("/InputConfig/StickerArray/0", s(json!({ "MediaURL": "s.png", "X": 1.5 })))], "InvalidParameter.InputConfig.StickerArray.X", "is 1.5; allowed 0..1"),
        bad(ICE, ice_full, &[("/InputConfig/StickerArray/0", s(json!({ "MediaURL": "s.png", "Width": 0 })))], "InvalidParameter.InputConfig.StickerArray.Width", "a sticker needs a size > 0"),
        bad(ICE, ice_full, &[("/InputConfig/StickerArray/0", s(json!({ "MediaURL": "s.png", "Duration": 0 })))], "InvalidParameter.InputConfig.StickerArray.Duration", "allowed > 0"),
        bad(ICE, ice_full, &[("/InputConfig/StickerArray/0", s(json!({ "MediaURL": "s.png", "Size": 3 })))], "InvalidParameter.InputConfig.StickerArray.Size", "unknown parameter"),
        bad(ICE, ice_full, &[("/InputConfig/StickerArray/0", s(json!(7)))], "InvalidParameter.InputConfig.StickerArray", "expected a media reference string or an object with MediaURL"),
        bad(ICE, ice_full, &[("/InputConfig/TitleArray/0", s(json!({ "Text": "Ep 1", "FontColor": "red" })))], "InvalidParameter.InputConfig.TitleArray.FontColor", "expected a colour #RRGGBB"),
        bad(ICE, ice_full, &[("/InputConfig/TitleArray/0", s(json!({ "Text": "x".repeat(51) })))], "InvalidParameter.InputConfig.TitleArray.Text", "(51 characters); allowed at most 50"),
        bad(ICE, ice_full, &[("/InputConfig/TitleArray/0", s(json!({ "FontSize": 0.1 })))], "InvalidParameter.InputConfig.TitleArray.Text", "is required"),
        bad(ICE, ice_full, &[("/InputConfig/SubHeadingArray/0", s(json!({ "Text": "a", "FontSize": 0.5 })))], "InvalidParameter.InputConfig.SubHeadingArray.FontSize", "allowed 0.01..0.3"),
        bad(ICE, ice_full, &[("/InputConfig/OpeningArray/0", s(json!({ "MediaURL": "o.png", "Duration": 100 })))], "InvalidParameter.InputConfig.OpeningArray.Duration", "allowed 0.5..60"),
        bad(ICE, ice_full, &[("/InputConfig/BackgroundImageArray/0", s(json!({ "MediaURL": "" })))], "InvalidParameter.InputConfig.BackgroundImageArray.MediaURL", "expected a non-empty string"),
        bad(ICE, ice_full, &[("/InputConfig/BackgroundImageArray", s(json!({})))], "InvalidParameter.InputConfig.BackgroundImageArray", "is {}; expected an array"),
        // EditingConfig.
        bad(ICE, ice_full, &[("/EditingConfig", s(json!("{bad")))], "InvalidParameter.EditingConfig", "EditingConfig is a string but not valid JSON"),
        bad(ICE, ice_full, &[("/EditingConfig/Mode", s(json!("Sequential")))], "InvalidParameter.EditingConfig.Mode", "unknown parameter"),
        bad(ICE, ice_full, &[("/EditingConfig/MediaConfig/Volume", s(json!(11)))], "InvalidParameter.EditingConfig.MediaConfig.Volume", "EditingConfig.MediaConfig.Volume is 11; allowed 0..10"),
        bad(ICE, ice_full, &[("/EditingConfig/MediaConfig/Volume", s(json!(-0.5)))], "InvalidParameter.EditingConfig.MediaConfig.Volume", "is -0.5; allowed 0..10"),
        bad(ICE, ice_full, &[("/EditingConfig/MediaConfig/Volume", s(json!("loud")))], "InvalidParameter.EditingConfig.MediaConfig.Volume", "is 'loud'; expected a number"),
        bad(ICE, ice_full, &[("/EditingConfig/ProcessConfig/AllowTransition", s(json!("yes")))], "InvalidParameter.EditingConfig.ProcessConfig.AllowTransition", "is 'yes'; expected true or false"),
        bad(ICE, ice_full, &[("/EditingConfig/ProcessConfig/TransitionList/1", s(json!("sparkle")))], "InvalidParameter.EditingConfig.ProcessConfig.TransitionList", "EditingConfig.ProcessConfig.TransitionList[1] is 'sparkle'; expected a transition name"),
        bad(ICE, ice_full, &[("/EditingConfig/ProcessConfig/TransitionList", s(n_copies(51, json!("fade"))))], "InvalidParameter.EditingConfig.ProcessConfig.TransitionList", "has 51 entries; allowed at most 50"),
        bad(ICE, ice_full, &[("/EditingConfig/BackgroundMusicMode", s(json!("Loop")))], "InvalidParameter.EditingConfig.BackgroundMusicMode", "is 'Loop'; allowed: Closed, Random, Sequential"),
        bad(ICE, ice_full, &[("/InputConfig/BackgroundMusicArray", None), ("/EditingConfig/BackgroundMusics", None)], "InvalidParameter.EditingConfig.BackgroundMusicMode", "is 'Sequential'; Random and Sequential need at least one background music track"),
        bad(ICE, ice_full, &[("/EditingConfig/BackgroundMusics/0/Volume", s(json!(10.5)))], "InvalidParameter.EditingConfig.BackgroundMusics.Volume", "EditingConfig.BackgroundMusics[0].Volume is 10.5; allowed 0..10"),
        bad(ICE, ice_full, &[("/EditingConfig/BackgroundMusics/0/URI", None)], "InvalidParameter.EditingConfig.BackgroundMusics.URI", "EditingConfig.BackgroundMusics[0].URI is required"),
        // OutputConfig.
        bad(ICE, ice_full, &[("/OutputConfig", s(json!([])))], "InvalidParameter.OutputConfig", "OutputConfig is []; expected an object"),
        bad(ICE, ice_full, &[("/OutputConfig/Format", s(json!("mp4")))], "InvalidParameter.OutputConfig.Format", "unknown parameter"),
        bad(ICE, ice_full, &[("/OutputConfig/Count", s(json!(0)))], "InvalidParameter.OutputConfig.Count", "OutputConfig.Count is 0; allowed integers 1..10"),
        bad(ICE, ice_full, &[("/OutputConfig/Count", s(json!(11)))], "InvalidParameter.OutputConfig.Count", "is 11; allowed integers 1..10"),
        bad(ICE, ice_full, &[("/OutputConfig/Count", s(json!(1.5)))], "InvalidParameter.OutputConfig.Count", "is 1.5; allowed integers 1..10"),
        bad(ICE, ice_full, &[("/OutputConfig/Count", s(json!("two")))], "InvalidParameter.OutputConfig.Count", "is 'two'; expected a number"),
        bad(ICE, ice_full, &[("/OutputConfig/MediaURL", s(json!("opfs:/reels/ep1.mp4")))], "InvalidParameter.OutputConfig.MediaURL", "is 'opfs:/reels/ep1.mp4'; it must contain {index} when OutputConfig.Count is 2"),
        bad(ICE, ice_full, &[("/OutputConfig/MediaURL", s(json!("")))], "InvalidParameter.OutputConfig.MediaURL", "is ''; expected a non-empty string"),
        bad(ICE, ice_full, &[("/OutputConfig/MediaURL", s(json!("r_{index}.xyz")))], "InvalidParameter.OutputConfig.MediaURL", "is 'r_{index}.xyz'; its extension '.xyz' is not a known container"),
        bad(ICE, ice_full, &[("/OutputConfig/Width", s(json!(1081)))], "InvalidParameter.OutputConfig.Width", "OutputConfig.Width is 1081; allowed even integers 2..4096"),
        bad(ICE, ice_full, &[("/OutputConfig/Width", s(json!(5000)))], "InvalidParameter.OutputConfig.Width", "is 5000; allowed integers 2..4096"),
        bad(ICE, ice_full, &[("/OutputConfig/Height", s(json!(0)))], "InvalidParameter.OutputConfig.Height", "is 0; allowed integers 2..4096"),
        bad(ICE, ice_full, &[("/OutputConfig/Height", None)], "InvalidParameter.OutputConfig.Height", "OutputConfig.Height is required when OutputConfig.Width is given"),
        bad(ICE, ice_full, &[("/OutputConfig/Width", None)], "InvalidParameter.OutputConfig.Width", "OutputConfig.Width is required when OutputConfig.Height is given"),
        bad(ICE, ice_full, &[("/OutputConfig/MaxDuration", s(json!(0)))], "InvalidParameter.OutputConfig.MaxDuration", "OutputConfig.MaxDuration is 0; allowed >= 1"),
        bad(ICE, ice_full, &[("/OutputConfig/Bitrate", s(json!(-1)))], "InvalidParameter.OutputConfig.Bitrate", "OutputConfig.Bitrate is -1; allowed > 0"),
        bad(ICE, ice_full, &[("/OutputConfig/Video/Crf", s(json!(52)))], "InvalidParameter.OutputConfig.Video.Crf", "OutputConfig.Video.Crf is 52; allowed integers 0..51"),
        bad(ICE, ice_full, &[("/OutputConfig/Video/Codec", s(json!("h264")))], "InvalidParameter.OutputConfig.Video.Codec", "unknown parameter"),
        // UserData.
        bad(ICE, ice_full, &[("/UserData", s(json!("not json")))], "InvalidParameter.UserData", "UserData is not valid JSON"),
        bad(ICE, ice_full, &[("/UserData", s(json!(5)))], "InvalidParameter.UserData", "UserData is 5; expected a string"),
        // Output names every sink can write (issue 11), durations of at least one clip.
        bad(ICE, ice_full, &[("/OutputConfig/MediaURL", s(json!("a\\b_{index}.mp4")))], "InvalidParameter.OutputConfig.MediaURL", "a backslash is not allowed"),
        bad(ICE, ice_full, &[("/OutputConfig/MediaURL", s(json!("../escape_{index}.mp4")))], "InvalidParameter.OutputConfig.MediaURL", "may not contain '.' or '..' path segments"),
        bad(ICE, ice_full, &[("/OutputConfig/MediaURL", s(json!("https://h.example/a/%2E%2E/x_{index}.mp4")))], "InvalidParameter.OutputConfig.MediaURL", "'..' path segments"),
        bad(ICE, ice_full, &[("/OutputConfig/MediaURL", s(json!("opfs:/reels/")))], "InvalidParameter.OutputConfig.MediaURL", "must name a file"),
        bad(ICE, ice_full, &[("/OutputConfig/MaxDuration", s(json!(0.5)))], "InvalidParameter.OutputConfig.MaxDuration", "OutputConfig.MaxDuration is 0.5; allowed >= 1 (seconds; the shortest clip is 1 s)"),
        bad(ICE, ice_full, &[("/UserData", s(json!(format!("\"{}\"", "x".repeat(70_000)))))], "InvalidParameter.UserData", "UserData is 70002 bytes; allowed at most 65536 bytes"),
        bad(ICE, ice_full, &[("/UserData", s(json!("{\"NotifyAddress\":5}")))], "InvalidParameter.UserData.NotifyAddress", "UserData.NotifyAddress is 5; expected a string"),
        bad(ICE, ice_full, &[("/UserData", s(json!("{\"NotifyAddress\":\"https://\"}")))], "InvalidParameter.UserData.NotifyAddress", "is 'https://'; expected an http(s) URL with a host"),
    ]
}

fn imm_bad_cases() -> Vec<Bad> {
    vec![
        // Loudness normalisation switch.
        bad(IMM, imm_min, &[("/Output/Audio", s(json!({ "LoudnessNormalization": "off" })))], "InvalidParameter.Output.Audio.LoudnessNormalization", "expected true or false"),
        bad(IMM, imm_min, &[("/Output/Audio", s(json!({ "DisableAudio": true, "LoudnessNormalization": false })))], "InvalidParameter.Output.Audio.LoudnessNormalization", "there is no audio to normalise"),
        // Top level.
        bad(IMM, imm_min, &[("/Source", s(json!([])))], "InvalidParameter.Source", "Source is an unknown parameter"),
        bad(IMM, imm_min, &[("/Output/URI", s(json!("a\\b.mp4")))], "InvalidParameter.Output.URI", "a backslash is not allowed"),
        bad(IMM, imm_min, &[("/Output/URI", s(json!("opfs:/out/../x.mp4")))], "InvalidParameter.Output.URI", "'..' path segments"),
        bad(IMM, imm_min, &[("/Output/URI", s(json!("http://127.0.0.1:9/up/../result.json")))], "InvalidParameter.Output.URI", "'..' path segments"),
        bad(IMM, imm_min, &[("/Output/MaxDuration", s(json!(0.5)))], "InvalidParameter.Output.MaxDuration", "Output.MaxDuration is 0.5; allowed >= 1"),
        bad(IMM, imm_min, &[("/Output/TargetDuration", s(json!(0.2)))], "InvalidParameter.Output.TargetDuration", "Output.TargetDuration is 0.2; allowed >= 1"),
        bad(IMM, imm_min, &[("/type", s(json!("Retrieval")))], "InvalidParameter.type", "did you mean 'Type'"),
        bad(IMM, imm_min, &[("/CredentialConfig", s(json!({ "Chain": [] })))], "InvalidParameter.CredentialConfig", "CredentialConfig is not supported"),
        bad(IMM, imm_min, &[("/ProjectName", s(json!(3)))], "InvalidParameter.ProjectName", "ProjectName is 3; expected a string"),
        // Type, Mode.
        bad(IMM, imm_min, &[("/Type", None)], "InvalidParameter.Type", "Type is required"),
        bad(IMM, imm_min, &[("/Type", s(json!("Highlights")))], "InvalidParameter.Type", "Type is 'Highlights'; allowed: Retrieval, Concat, Compose"),
        bad(IMM, imm_min, &[("/Mode", s(json!("scene")))], "InvalidParameter.Mode", "Mode is 'scene'; allowed: Scene, Average (names are case-sensitive: did you mean 'Scene'?)"),
        bad(IMM, imm_min, &[("/Mode", s(json!(1)))], "InvalidParameter.Mode", "Mode is 1; expected one of: Scene, Average"),
        // Sources.
        bad(IMM, imm_min, &[("/Sources", None)], "InvalidParameter.Sources", "Sources is required"),
        bad(IMM, imm_min, &[("/Sources", s(json!([])))], "InvalidParameter.Sources", "Sources has 0 entries; allowed 1..10"),
        bad(IMM, imm_min, &[("/Sources", s(n_copies(11, json!({ "URI": "a.mp4" }))))], "InvalidParameter.Sources", "Sources has 11 entries; allowed 1..10"),
        bad(IMM, imm_min, &[("/Sources", s(json!("[{\"URI\":")))], "InvalidParameter.Sources", "Sources is a string but not valid JSON"),
        bad(IMM, imm_min, &[("/Sources/0", s(json!("a.mp4")))], "InvalidParameter.Sources", "Sources[0] is 'a.mp4'; expected an object"),
        bad(IMM, imm_min, &[("/Sources/0/URI", None)], "InvalidParameter.Sources.URI", "Sources[0].URI is required"),
        bad(IMM, imm_min, &[("/Sources/0/URI", s(json!("  ")))], "InvalidParameter.Sources.URI", "Sources[0].URI is '  '; expected a non-empty string"),
        bad(IMM, imm_full, &[("/Sources/1/URI", s(json!(["x"])))], "InvalidParameter.Sources.URI", "Sources[1].URI is [\"x\"]; expected a string"),
        bad(IMM, imm_full, &[("/Sources/1/StartTime", s(json!(-1)))], "InvalidParameter.Sources.StartTime", "Sources[1].StartTime is -1; allowed >= 0"),
        bad(IMM, imm_full, &[("/Sources/1/StartTime", s(json!("soon")))], "InvalidParameter.Sources.StartTime", "is 'soon'; expected a number"),
        bad(IMM, imm_full, &[("/Sources/1/Duration", s(json!(-2.5)))], "InvalidParameter.Sources.Duration", "Sources[1].Duration is -2.5; allowed >= 0"),
        bad(IMM, imm_full, &[("/Sources/0/End", s(json!(3)))], "InvalidParameter.Sources.End", "Sources[0].End is an unknown parameter; known in Sources[0]: URI, StartTime, Duration"),
        // Highlight.
        bad(IMM, imm_full, &[("/Highlight/Content", None)], "InvalidParameter.Highlight.Content", "Highlight.Content is required"),
        bad(IMM, imm_full, &[("/Highlight/Content", s(json!("p".repeat(101))))], "InvalidParameter.Highlight.Content", "(101 characters); allowed at most 100 characters"),
        bad(IMM, imm_full, &[("/Highlight/Content", s(json!(1)))], "InvalidParameter.Highlight.Content", "Highlight.Content is 1; expected a string"),
        bad(IMM, imm_full, &[("/Highlight", s(json!("Person")))], "InvalidParameter.Highlight", "Highlight is a string but not valid JSON"),
        bad(IMM, imm_full, &[("/Highlight/Type", s(json!("x")))], "InvalidParameter.Highlight.Type", "unknown parameter"),
        // Edit.
        bad(IMM, imm_full, &[("/Edit/Mode", None)], "InvalidParameter.Edit.Mode", "Edit.Mode is required"),
        bad(IMM, imm_full, &[("/Edit/Mode", s(json!("Parallel")))], "InvalidParameter.Edit.Mode", "Edit.Mode is 'Parallel'; allowed: Sequential"),
        bad(IMM, imm_full, &[("/Edit/Music", s(json!([])))], "InvalidParameter.Edit.Music", "unknown parameter"),
        bad(IMM, imm_full, &[("/Edit/BackgroundMusicMode", s(json!("Loop")))], "InvalidParameter.Edit.BackgroundMusicMode", "Edit.BackgroundMusicMode is 'Loop'; allowed: Closed, Random, Sequential"),
        bad(IMM, imm_full, &[("/Edit/BackgroundMusics", None)], "InvalidParameter.Edit.BackgroundMusicMode", "is 'Random'; Random and Sequential need at least one background music track"),
        bad(IMM, imm_full, &[("/Edit/BackgroundMusics/1", s(json!({ "URI": "b.mp3" })))], "InvalidParameter.Edit.BackgroundMusics", "Edit.BackgroundMusics has 2 entries; allowed at most 1"),
        bad(IMM, imm_full, &[("/Edit/BackgroundMusics/0/URI", s(json!("")))], "InvalidParameter.Edit.BackgroundMusics.URI", "Edit.BackgroundMusics[0].URI is ''"),
        bad(IMM, imm_full, &[("/Edit/BackgroundMusics/0/Volume", s(json!(12)))], "InvalidParameter.Edit.BackgroundMusics.Volume", "Edit.BackgroundMusics[0].Volume is 12; allowed 0..10"),
        bad(IMM, imm_full, &[("/Output/Video", s(json!({ "DisableVideo": true })))], "InvalidParameter.Edit.TransitionMode", "Edit.TransitionMode draws on the picture, and Output.Video.DisableVideo is true: the output has none"),
        bad(IMM, imm_full, &[("/Output/Video", s(json!({ "DisableVideo": true }))), ("/Edit/TransitionMode", None)], "InvalidParameter.Edit.VfxEffectMode", "Edit.VfxEffectMode draws on the picture"),
        bad(IMM, imm_full, &[("/Output/Audio", s(json!({ "DisableAudio": true })))], "InvalidParameter.Edit.BackgroundMusicMode", "Edit.BackgroundMusicMode is 'Random' but Output.Audio.DisableAudio is true: the music would not be heard"),
        bad(IMM, imm_full, &[("/Type", s(json!("Retrieval"))), ("/Output/URI", s(json!("opfs:/out/h_{index}.mp4"))), ("/Edit/VfxEffectMode", None), ("/Edit/VfxEffects", None), ("/Output/Speed", None), ("/Output/Segment", None)], "InvalidParameter.Edit.BackgroundMusicMode", "Type 'Retrieval' exports each highlight as it is"),
        bad(IMM, imm_full, &[("/Edit/TransitionMode", s(json!("Fancy")))], "InvalidParameter.Edit.TransitionMode", "Edit.TransitionMode is 'Fancy'; allowed: Closed, Auto, Random, Sequential"),
        bad(IMM, imm_full, &[("/Edit/Transitions", None)], "InvalidParameter.Edit.TransitionMode", "is 'Random'; Random and Sequential need at least one entry in Edit.Transitions"),
        bad(IMM, imm_full, &[("/Edit/Transitions", s(n_copies(11, json!({ "Transition": "fade" }))))], "InvalidParameter.Edit.Transitions", "Edit.Transitions has 11 entries; allowed at most 10"),
        bad(IMM, imm_full, &[("/Edit/Transitions/1/Transition", s(json!("sparkle")))], "InvalidParameter.Edit.Transitions.Transition", "Edit.Transitions[1].Transition is 'sparkle'; expected a transition name"),
        bad(IMM, imm_full, &[("/Edit/Transitions/1/Transition", None)], "InvalidParameter.Edit.Transitions.Transition", "Edit.Transitions[1].Transition is required"),
        bad(IMM, imm_full, &[("/Edit/Transitions/0/Duration", s(json!(6)))], "InvalidParameter.Edit.Transitions.Duration", "Edit.Transitions[0].Duration is 6; allowed 0..5"),
        bad(IMM, imm_full, &[("/Edit/Transitions/0/Duration", s(json!(-1)))], "InvalidParameter.Edit.Transitions.Duration", "is -1; allowed 0..5"),
        bad(IMM, imm_full, &[("/Edit/Transitions/2", s(json!({ "Transition": "fade", "Weight": 150 })))], "InvalidParameter.Edit.Transitions.Weight", "Edit.Transitions[2].Weight is 150; allowed integers 1..100"),
        bad(IMM, imm_full, &[("/Edit/Transitions/0/Weight", s(json!(0)))], "InvalidParameter.Edit.Transitions.Weight", "is 0; allowed integers 1..100"),
        bad(IMM, imm_full, &[("/Edit/Transitions/0/Weight", s(json!(50.5)))], "InvalidParameter.Edit.Transitions.Weight", "is 50.5; allowed integers 1..100"),
        bad(IMM, imm_full, &[("/Edit/Transitions/0/Weight", s(json!("heavy")))], "InvalidParameter.Edit.Transitions.Weight", "is 'heavy'; expected a number"),
        bad(IMM, imm_full, &[("/Edit/VfxEffectMode", s(json!("Always")))], "InvalidParameter.Edit.VfxEffectMode", "Edit.VfxEffectMode is 'Always'; allowed: Closed, Auto, Random, Sequential"),
        bad(IMM, imm_full, &[("/Edit/VfxEffects", None)], "InvalidParameter.Edit.VfxEffectMode", "is 'Sequential'; Random and Sequential need at least one entry in Edit.VfxEffects"),
        bad(IMM, imm_full, &[("/Edit/VfxEffects", s(n_copies(11, json!({ "VfxEffect": "invert" }))))], "InvalidParameter.Edit.VfxEffects", "Edit.VfxEffects has 11 entries; allowed at most 10"),
        bad(IMM, imm_full, &[("/Edit/VfxEffects/0/VfxEffect", s(json!("blur")))], "InvalidParameter.Edit.VfxEffects.VfxEffect", "Edit.VfxEffects[0].VfxEffect is 'blur'; allowed: letterboxed, twolayer"),
        bad(IMM, imm_full, &[("/Edit/VfxEffects/0/Weight", s(json!(101)))], "InvalidParameter.Edit.VfxEffects.Weight", "Edit.VfxEffects[0].Weight is 101; allowed integers 1..100"),
        bad(IMM, imm_min, &[("/Output", s(json!({ "URI": "memory:{index}", "Container": "mp4" }))), ("/Edit", s(json!({ "Mode": "Sequential", "VfxEffectMode": "Auto" })))], "InvalidParameter.Edit.VfxEffectMode", "applies to the reels of Type 'Compose' and 'Concat'"),
        // Output.
        bad(IMM, imm_full, &[("/Output", None)], "InvalidParameter.Output", "Output is required"),
        bad(IMM, imm_full, &[("/Output", s(json!("{")))], "InvalidParameter.Output", "Output is a string but not valid JSON"),
        bad(IMM, imm_full, &[("/Output/URI", None)], "InvalidParameter.Output.URI", "Output.URI is required"),
        bad(IMM, imm_full, &[("/Output/URI", s(json!("")))], "InvalidParameter.Output.URI", "Output.URI is ''"),
        bad(IMM, imm_full, &[("/Output/Bitrate", s(json!(1)))], "InvalidParameter.Output.Bitrate", "Output.Bitrate is an unknown parameter"),
        bad(IMM, imm_full, &[("/Output/Container", s(json!("mp5")))], "InvalidParameter.Output.Container", "Output.Container is 'mp5'; allowed: mp4, mkv, mov, asf, avi, mxf, ts, flv, webm"),
        bad(IMM, imm_full, &[("/Output/Container", s(json!("MP4")))], "InvalidParameter.Output.Container", "is 'MP4'; allowed: mp4, mkv, mov, asf, avi, mxf, ts, flv, webm (names are case-sensitive: did you mean 'mp4'?)"),
        bad(IMM, imm_full, &[("/Output/Container", None)], "InvalidParameter.Output.Container", "Output.Container is required for Type 'Compose'"),
        bad(IMM, imm_full, &[("/Type", s(json!("Concat"))), ("/Output/Container", None)], "InvalidParameter.Output.Container", "Output.Container is required for Type 'Concat'"),
        bad(IMM, imm_full, &[("/Output/Speed", s(json!(0.4)))], "InvalidParameter.Output.Speed", "Output.Speed is 0.4; allowed 0.5..1"),
        bad(IMM, imm_full, &[("/Output/Speed", s(json!(1.5)))], "InvalidParameter.Output.Speed", "is 1.5; allowed 0.5..1"),
        bad(IMM, imm_full, &[("/Output/Speed", s(json!("fast")))], "InvalidParameter.Output.Speed", "is 'fast'; expected a number"),
        bad(IMM, imm_full, &[("/Output/MaxDuration", s(json!(0)))], "InvalidParameter.Output.MaxDuration", "Output.MaxDuration is 0; allowed >= 1"),
        bad(IMM, imm_full, &[("/Output/TargetDuration", s(json!(-3)))], "InvalidParameter.Output.TargetDuration", "Output.TargetDuration is -3; allowed >= 1"),
        bad(IMM, imm_full, &[("/Output/TargetDuration", s(json!(120)))], "InvalidParameter.Output.TargetDuration", "is 120; it must not exceed Output.MaxDuration 90"),
        bad(IMM, imm_full, &[("/Output/Segment/Format", s(json!("smooth")))], "InvalidParameter.Output.Segment.Format", "Output.Segment.Format is 'smooth'; allowed: hls, dash"),
        bad(IMM, imm_full, &[("/Output/Segment/Duration", s(json!(0)))], "InvalidParameter.Output.Segment.Duration", "Output.Segment.Duration is 0; allowed > 0"),
        bad(IMM, imm_full, &[("/Output/Segment/StartNumber", s(json!(-1)))], "InvalidParameter.Output.Segment.StartNumber", "Output.Segment.StartNumber is -1; allowed integers 0.."),
        bad(IMM, imm_full, &[("/Output/Segment/Format", s(json!("dash")))], "InvalidParameter.Output.Segment.StartNumber", "is 1; StartNumber applies only to Segment.Format 'hls'"),
        bad(IMM, imm_full, &[("/Output/Video/DisableVideo", s(json!("maybe")))], "InvalidParameter.Output.Video.DisableVideo", "Output.Video.DisableVideo is 'maybe'; expected true or false"),
        bad(IMM, imm_full, &[("/Output/Video/DisableVideo", s(json!(true)))], "InvalidParameter.Output.Video.TranscodeVideo", "DisableVideo is true"),
        bad(IMM, imm_full, &[("/Output/Video/Filter", s(json!({})))], "InvalidParameter.Output.Video.Filter", "unknown parameter"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/Codec", s(json!("mpeg2")))], "InvalidParameter.Output.Video.TranscodeVideo.Codec", "is 'mpeg2'; allowed: h264, h265, vp9, av1"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/Bitrate", s(json!(0)))], "InvalidParameter.Output.Video.TranscodeVideo.Bitrate", "Output.Video.TranscodeVideo.Bitrate is 0; allowed > 0"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/CRF", s(json!(52)))], "InvalidParameter.Output.Video.TranscodeVideo.CRF", "Output.Video.TranscodeVideo.CRF is 52; allowed integers 0..51"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/FrameRate", s(json!(0)))], "InvalidParameter.Output.Video.TranscodeVideo.FrameRate", "is 0; allowed > 0"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/FrameRate", s(json!(121)))], "InvalidParameter.Output.Video.TranscodeVideo.FrameRate", "is 121; allowed > 0 and <= 120"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/Resolution", s(json!("1280*720")))], "InvalidParameter.Output.Video.TranscodeVideo.Resolution", "is '1280*720'; expected \"WxH\""),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/Resolution", s(json!("5000x720")))], "InvalidParameter.Output.Video.TranscodeVideo.Resolution", "is '5000x720'; expected \"WxH\" with each side an integer 1..4096"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/Resolution", s(json!("0x720")))], "InvalidParameter.Output.Video.TranscodeVideo.Resolution", "is '0x720'"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/ScaleType", s(json!("zoom")))], "InvalidParameter.Output.Video.TranscodeVideo.ScaleType", "is 'zoom'; allowed: stretch, crop, fill, fit"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/GOPSize", s(json!(0)))], "InvalidParameter.Output.Video.TranscodeVideo.GOPSize", "is 0; allowed integers 1..100000"),
        bad(IMM, imm_full, &[("/Output/Video/TranscodeVideo/PixelFormat", s(json!("yuv444p")))], "InvalidParameter.Output.Video.TranscodeVideo.PixelFormat", "is 'yuv444p'; allowed: yuv420p"),
        bad(IMM, imm_full, &[("/Output/Audio/TranscodeAudio/Codec", s(json!("ac3")))], "InvalidParameter.Output.Audio.TranscodeAudio.Codec", "is 'ac3'; allowed: aac, opus, mp3, vorbis, flac"),
        bad(IMM, imm_full, &[("/Output/Audio/TranscodeAudio/Bitrate", s(json!(-1)))], "InvalidParameter.Output.Audio.TranscodeAudio.Bitrate", "is -1; allowed > 0"),
        bad(IMM, imm_full, &[("/Output/Audio/TranscodeAudio/SampleRate", s(json!(7999)))], "InvalidParameter.Output.Audio.TranscodeAudio.SampleRate", "is 7999; allowed integers 8000..96000"),
        bad(IMM, imm_full, &[("/Output/Audio/TranscodeAudio/SampleRate", s(json!(96001)))], "InvalidParameter.Output.Audio.TranscodeAudio.SampleRate", "is 96001"),
        bad(IMM, imm_full, &[("/Output/Audio/TranscodeAudio/Channel", s(json!(0)))], "InvalidParameter.Output.Audio.TranscodeAudio.Channel", "is 0; allowed integers 1..8"),
        bad(IMM, imm_full, &[("/Output/Audio/TranscodeAudio/Channel", s(json!(9)))], "InvalidParameter.Output.Audio.TranscodeAudio.Channel", "is 9; allowed integers 1..8"),
        bad(IMM, imm_full, &[("/Output/Audio/DisableAudio", s(json!(2)))], "InvalidParameter.Output.Audio.DisableAudio", "Output.Audio.DisableAudio is 2; expected true or false"),
        bad(IMM, imm_full, &[("/Output/Audio", s(json!({ "DisableAudio": true }))), ("/Output/Video", s(json!({ "DisableVideo": "true" })))], "InvalidParameter.Output.Audio.DisableAudio", "the output would be empty"),
        // Retrieval without a file: file settings would be ignored.
        bad(IMM, imm_min, &[("/Output/Speed", s(json!(0.8)))], "InvalidParameter.Output.Speed", "Output.Speed only applies to written files"),
        bad(IMM, imm_min, &[("/Output/Segment", s(json!({})))], "InvalidParameter.Output.Segment", "only applies to written files"),
        bad(IMM, imm_min, &[("/Output/Video", s(json!({ "DisableVideo": true })))], "InvalidParameter.Output.Video", "only applies to written files"),
        bad(IMM, imm_min, &[("/Output/Audio", s(json!({ "TranscodeAudio": { "Codec": "opus" } })))], "InvalidParameter.Output.Audio", "only applies to written files"),
        bad(IMM, imm_min, &[("/Edit", s(json!({ "Mode": "Sequential", "TransitionMode": "Auto" })))], "InvalidParameter.Edit.TransitionMode", "Edit.TransitionMode only applies to written files"),
        bad(IMM, imm_min, &[("/Output/Container", s(json!("mp4")))], "InvalidParameter.Output.URI", "Output.URI is 'memory:'; it must contain {index}"),
        // UserData, Tags, Notification.
        bad(IMM, imm_full, &[("/UserData", s(json!("u".repeat(65_537))))], "InvalidParameter.UserData", "UserData is 65537 bytes; allowed at most 65536 bytes"),
        bad(IMM, imm_full, &[("/UserData", s(json!(true)))], "InvalidParameter.UserData", "UserData is true; expected a string"),
        bad(IMM, imm_full, &[("/Tags", s(json!({ "a": 1 })))], "InvalidParameter.Tags", "Tags.a is 1; tag values must be strings"),
        bad(IMM, imm_full, &[("/Tags", s(json!("nope")))], "InvalidParameter.Tags", "Tags is a string but not valid JSON"),
        bad(IMM, imm_full, &[("/Tags", s(json!("[1]")))], "InvalidParameter.Tags", "Tags is '[1]'; expected an object of string values"),
        bad(IMM, imm_full, &[("/Notification", s(json!(5)))], "InvalidParameter.Notification", "Notification is 5; expected an object"),
        bad(IMM, imm_full, &[("/Notification", s(json!("")))], "InvalidParameter.Notification", "Notification is ''; expected a non-empty string"),
        bad(IMM, imm_full, &[("/Notification", s(json!({ "Url": "x" })))], "InvalidParameter.Notification.Url", "unknown parameter"),
        bad(IMM, imm_full, &[("/Notification", s(json!({})))], "InvalidParameter.Notification", "Notification is {}; expected a URL, a channel name"),
        bad(IMM, imm_full, &[("/Notification", s(json!({ "Address": "a", "Topic": "b" })))], "InvalidParameter.Notification", "give exactly one destination"),
        bad(IMM, imm_full, &[("/Notification", s(json!({ "MNS": {} })))], "InvalidParameter.Notification.MNS.TopicName", "Notification.MNS.TopicName is required"),
        bad(IMM, imm_full, &[("/Notification", s(json!({ "Endpoint": 7 })))], "InvalidParameter.Notification.Endpoint", "Notification.Endpoint is 7; expected a string"),
    ]
}

#[test]
fn ice_bad_requests() {
    run_table(&ice_bad_cases(), &all_caps());
}

#[test]
fn imm_bad_requests() {
    run_table(&imm_bad_cases(), &all_caps());
}

#[test]
fn unknown_action_and_non_object_request() {
    let caps = Capabilities::with_render();
    let err = parse_request("SubmitHighlightJob", &imm_min(), &caps).expect_err("unknown action");
    assert_eq!(err.code, "InvalidParameter.Action");
    assert!(
        err.message.contains("'SubmitHighlightJob'"),
        "{}",
        err.message
    );
    for request in [json!([]), json!("x"), json!(null)] {
        let err = parse_request(IMM, &request, &caps).expect_err("not an object");
        assert_eq!(err.code, "InvalidParameter.Request", "{request}");
        let err = parse_request(ICE, &request, &caps).expect_err("not an object");
        assert_eq!(err.code, "InvalidParameter.Request", "{request}");
    }
}

// -------------------------------------------------------------------------------------------------
// Capability gating
// -------------------------------------------------------------------------------------------------

#[test]
fn gating_retrieval_only() {
    let caps = Capabilities::retrieval_only();
    let cases = vec![
        bad(
            ICE,
            ice_min,
            &[],
            "InvalidParameter.OutputConfig",
            "rendering reels is not supported yet",
        ),
        bad(
            ICE,
            ice_full,
            &[],
            "InvalidParameter.OutputConfig",
            "rendering reels is not supported yet",
        ),
        bad(
            IMM,
            imm_full,
            &[],
            "InvalidParameter.Type",
            "Type 'Compose' (rendering a video) is not supported yet",
        ),
        bad(
            IMM,
            imm_full,
            &[("/Type", s(json!("Concat")))],
            "InvalidParameter.Type",
            "Type 'Concat' (rendering a video) is not supported yet",
        ),
        bad(
            IMM,
            imm_min,
            &[
                ("/Output/URI", s(json!("opfs:/h/{index}.mp4"))),
                ("/Output/Container", s(json!("mp4"))),
            ],
            "InvalidParameter.Output.Container",
            "Output.Container is 'mp4': exporting each highlight as a file is not supported yet",
        ),
    ];
    run_table(&cases, &caps);
    // What retrieval_only accepts: Retrieval with Scene/Average, Content, Tags, notification, and an
    // Edit block whose modes are Closed.
    let request = edited(
        imm_min,
        &[
            ("/Mode", s(json!("Scene"))),
            ("/Highlight", s(json!({ "Content": "Sports" }))),
            ("/Output/MaxDuration", s(json!(20))),
            (
                "/Edit",
                s(json!({ "Mode": "Sequential", "TransitionMode": "Closed" })),
            ),
            ("/Tags", s(json!({ "a": "b" }))),
            (
                "/Notification",
                s(json!({ "Endpoint": "https://example.com/n" })),
            ),
        ],
    );
    parse_request(IMM, &request, &caps).expect("retrieval is supported");
}

#[test]
fn gating_with_render() {
    let caps = Capabilities::with_render();
    let compose = || {
        edited(
            imm_full,
            &[
                ("/Edit", s(json!({ "Mode": "Sequential" }))),
                ("/Output/Speed", None),
                ("/Output/Segment", None),
            ],
        )
    };
    // The render subset is accepted.
    parse_request(IMM, &compose(), &caps).expect("compose renders");
    parse_request(ICE, &ice_min(), &caps).expect("reels render");
    // The render build mixes the sources' own audio with a gain.
    let with_volume = edited(
        ice_min,
        &[(
            "/EditingConfig",
            s(json!({ "MediaConfig": { "Volume": 0.5 } })),
        )],
    );
    parse_request(ICE, &with_volume, &caps).expect("MediaConfig.Volume is applied by the mixer");
    // Speed is played by the renderer (time line) and the mixer (pitch-kept time-stretch).
    let mut slow = compose();
    set(&mut slow, "/Output/Speed", s(json!(0.5)));
    let slow = parse_request(IMM, &slow, &caps).expect("Speed is rendered");
    assert_eq!(slow.speed, 0.5);
    for container in ["mp4", "mov", "webm", "mkv"] {
        let mut request = compose();
        set(&mut request, "/Output/Container", s(json!(container)));
        parse_request(IMM, &request, &caps).unwrap_or_else(|e| panic!("{container}: {e}"));
    }
    let mut request = compose();
    set(
        &mut request,
        "/Edit",
        s(
            json!({ "Mode": "Sequential", "TransitionMode": "Sequential", "Transitions": [
        { "Transition": "fade" }, { "Transition": "fadeblack" }, { "Transition": "dissolve" }, { "Transition": "slideright" }
    ] }),
        ),
    );
    parse_request(IMM, &request, &caps).expect("built transitions");
    set(
        &mut request,
        "/Edit",
        s(json!({ "Mode": "Sequential", "TransitionMode": "Auto" })),
    );
    parse_request(IMM, &request, &caps).expect("Auto picks from built transitions");
    let request = edited(
        ice_min,
        &[(
            "/EditingConfig",
            s(
                json!({ "ProcessConfig": { "AllowTransition": true, "TransitionList": ["fadecolor"] } }),
            ),
        )],
    );
    parse_request(ICE, &request, &caps).expect("fadecolor is built");
    // Every visual effect is built, in every mode, whatever the case of its name.
    for mode in ["Auto", "Random", "Sequential"] {
        let mut edit = json!({ "Mode": "Sequential", "VfxEffectMode": mode });
        if mode != "Auto" {
            let list: Vec<Value> = catalog::VFX_EFFECTS
                .iter()
                .map(|n| json!({ "VfxEffect": n.to_uppercase() }))
                .collect();
            edit["VfxEffects"] = json!(list);
        }
        let request = edited(
            imm_full,
            &[
                ("/Edit", s(edit)),
                ("/Output/Speed", None),
                ("/Output/Segment", None),
            ],
        );
        let spec = parse_request(IMM, &request, &caps).expect("visual effects are built");
        assert_eq!(format!("{:?}", spec.vfx.mode), mode);
        let names: Vec<&str> = spec.vfx.list.iter().map(|v| v.name.as_str()).collect();
        if mode != "Auto" {
            assert_eq!(names, catalog::VFX_EFFECTS);
        }
    }

    fn render_compose() -> Value {
        edited(
            imm_full,
            &[
                ("/Edit", s(json!({ "Mode": "Sequential" }))),
                ("/Output/Speed", None),
                ("/Output/Segment", None),
            ],
        )
    }
    let mut cases = vec![
        bad(
            IMM,
            render_compose,
            &[
                ("/Edit/TransitionMode", s(json!("Random"))),
                (
                    "/Edit/Transitions",
                    s(json!([{ "Transition": "fade" }, { "Transition": "luma" }])),
                ),
            ],
            "InvalidParameter.Edit.Transitions.Transition",
            "transition 'luma' is not supported yet",
        ),
        bad(
            ICE,
            ice_min,
            &[(
                "/EditingConfig",
                s(json!({ "ProcessConfig": { "TransitionList": ["luma"] } })),
            )],
            "InvalidParameter.EditingConfig.ProcessConfig.TransitionList",
            "transition 'luma' is not supported yet",
        ),
        bad(
            ICE,
            ice_min,
            &[(
                "/OutputConfig",
                s(json!({ "MediaURL": "r_{index}.flv", "Count": 2 })),
            )],
            "InvalidParameter.OutputConfig.MediaURL",
            "container 'flv' cannot be written in the browser; use mp4, mov, webm or mkv",
        ),
    ];
    for container in ["asf", "avi", "mxf", "ts", "flv"] {
        cases.push(Bad {
            action: IMM,
            base: render_compose,
            edits: vec![("/Output/Container", s(json!(container)))],
            code: "InvalidParameter.Output.Container",
            message: "cannot be written in the browser; use mp4, mov, webm or mkv",
        });
    }
    run_table(&cases, &caps);

    // Every PlotPacingType is built (plan::pacing), so each is accepted and carried.
    for (name, pacing) in [
        ("Fast", PlotPacing::Fast),
        ("Normal", PlotPacing::Normal),
        ("Slow", PlotPacing::Slow),
    ] {
        let request = edited(
            ice_min,
            &[(
                "/InputConfig/HighlightStrategy",
                s(json!({ "PlotPacingType": name })),
            )],
        );
        assert_eq!(
            parse_request(ICE, &request, &caps)
                .expect("valid")
                .plot_pacing,
            Some(pacing)
        );
    }
}

#[test]
fn gating_overlay_media() {
    // Built with the render: openings, endings and background images are accepted; a build
    // without them refuses each, naming the array.
    for (key, entry) in [
        ("OpeningArray", "open.mp4"),
        ("EndingArray", "end.png"),
        ("BackgroundImageArray", "bg.jpg"),
    ] {
        let request = edited(
            ice_min,
            &[(&format!("/InputConfig/{key}") as &str, s(json!([entry])))],
        );
        parse_request(ICE, &request, &Capabilities::with_render()).expect("built");
        let without = Capabilities {
            overlay_media: false,
            ..Capabilities::with_render()
        };
        let err = parse_request(ICE, &request, &without).expect_err("not built");
        assert_eq!(err.code, format!("InvalidParameter.InputConfig.{key}"));
        assert!(
            err.message.contains(&format!(
                "InputConfig.{key} (1 entries) is not supported yet"
            )),
            "{}",
            err.message
        );
    }
}

#[test]
fn gating_containers_not_built_yet() {
    // A build that writes only mp4 refuses webm as "not supported yet", not as unwritable.
    let caps = Capabilities {
        containers: vec![Container::Mp4],
        ..Capabilities::with_render()
    };
    let request = edited(
        imm_min,
        &[
            ("/Type", s(json!("Concat"))),
            ("/Output/Container", s(json!("webm"))),
        ],
    );
    let err = parse_request(IMM, &request, &caps).expect_err("webm not built");
    assert_eq!(err.code, "InvalidParameter.Output.Container");
    assert!(
        err.message
            .contains("container 'webm' is not supported yet"),
        "{}",
        err.message
    );
}

#[test]
fn overlay_entries_as_objects() {
    let request = edited(
        ice_min,
        &[
            (
                "/InputConfig/OpeningArray",
                s(json!([{ "MediaURL": "open.png", "Duration": 2.5 }])),
            ),
            (
                "/InputConfig/TitleArray",
                s(
                    json!([{ "Text": "第一集", "FontSize": 0.08, "FontColor": "#FFcc00", "Y": 0.2, "Duration": 6 }]),
                ),
            ),
            (
                "/InputConfig/StickerArray",
                s(
                    json!([{ "MediaURL": "logo.png", "X": 0.7, "Y": 0.02, "Width": 0.25, "Start": 1, "Duration": 5, "Opacity": 0.8 }]),
                ),
            ),
            (
                "/InputConfig/BackgroundImageArray",
                s(json!([{ "MediaURL": "bg.jpg" }, "bg2.jpg"])),
            ),
        ],
    );
    let o = parse_request(ICE, &request, &Capabilities::with_render())
        .expect("valid")
        .overlays;
    assert_eq!(
        o.openings,
        [MediaEntry {
            uri: "open.png".into(),
            duration_s: Some(2.5)
        }]
    );
    assert_eq!(
        o.titles,
        [TextEntry {
            text: "第一集".into(),
            font_size: 0.08,
            color: [255, 204, 0],
            y: 0.2,
            duration_s: 6.0
        }]
    );
    assert_eq!(
        o.stickers,
        [StickerEntry {
            uri: "logo.png".into(),
            x: 0.7,
            y: 0.02,
            width: 0.25,
            height: None,
            start_s: 1.0,
            duration_s: Some(5.0),
            opacity: 0.8
        }]
    );
    assert_eq!(o.background_images, ["bg.jpg", "bg2.jpg"]);
}

#[test]
fn loudness_normalisation_is_on_unless_turned_off() {
    let compose = [
        ("/Type", Some(json!("Compose"))),
        ("/Output/Container", Some(json!("mp4"))),
    ];
    let imm = |audio: Value| {
        let mut edits = compose.to_vec();
        edits.push(("/Output/Audio", Some(audio)));
        let r = edited(imm_min, &edits);
        parse_request(IMM, &r, &all_caps())
            .expect("valid")
            .outputs
            .audio
    };
    let plain = edited(imm_min, &compose);
    assert!(
        !parse_request(IMM, &plain, &all_caps())
            .expect("valid")
            .outputs
            .audio
            .loudness_off
    );
    assert!(imm(json!({ "LoudnessNormalization": false })).loudness_off);
    assert!(!imm(json!({ "LoudnessNormalization": true })).loudness_off);
    let r = edited(
        ice_min,
        &[(
            "/OutputConfig",
            Some(json!({ "Audio": { "LoudnessNormalization": false } })),
        )],
    );
    assert!(
        parse_request(ICE, &r, &all_caps())
            .expect("valid")
            .outputs
            .audio
            .loudness_off
    );
}

#[test]
fn segments_through_both_apis() {
    let caps = Capabilities::with_render();
    assert!(caps.segment);
    let concat = |uri: &str, segment: Value, container: &str| {
        json!({
            "Type": "Concat",
            "Sources": [{ "URI": "a.mp4" }],
            "Output": { "URI": uri, "Container": container, "Segment": segment }
        })
    };
    // IMM: the URI names the playlist; segments need mp4.
    let spec = parse_request(
        IMM,
        &concat(
            "opfs:/r/ep.mpd",
            json!({ "Format": "dash", "Duration": 2 }),
            "mp4",
        ),
        &caps,
    )
    .expect("dash segments");
    assert_eq!(
        spec.segment,
        Some(SegmentSpec {
            format: SegmentFormat::Dash,
            duration_s: 2.0,
            start_number: 0
        })
    );
    parse_request(
        IMM,
        &concat("memory:", json!({ "Format": "hls" }), "mp4"),
        &caps,
    )
    .expect("memory playlist");
    let err = parse_request(
        IMM,
        &concat("opfs:/r/ep.mp4", json!({ "Format": "hls" }), "mp4"),
        &caps,
    )
    .expect_err("an .mp4 name for a playlist");
    assert_eq!(err.code, "InvalidParameter.Output.URI");
    assert!(err.message.contains(".m3u8"), "{}", err.message);
    let err = parse_request(IMM, &concat("opfs:/r/ep.m3u8", json!({}), "mkv"), &caps)
        .expect_err("segments in mkv");
    assert_eq!(err.code, "InvalidParameter.Output.Container");
    // Audio-only segments are built: a DisableVideo playlist is accepted.
    let audio_only = Capabilities {
        audio_only: true,
        ..Capabilities::with_render()
    };
    let mut request = concat("opfs:/r/ep.m3u8", json!({}), "mp4");
    request["Output"]["Video"] = json!({ "DisableVideo": true });
    let spec = parse_request(IMM, &request, &audio_only).expect("audio-only segments");
    assert!(spec.outputs.video.disabled && spec.segment.is_some());

    // ICE: a MediaURL naming a playlist, or reelcut's own OutputConfig.Segment.
    let ice = |output: Value| json!({ "InputConfig": { "MediaArray": ["a.mp4"] }, "OutputConfig": output });
    let spec = parse_request(
        ICE,
        &ice(json!({ "MediaURL": "opfs:/r/reel_{index}.m3u8", "Count": 2 })),
        &caps,
    )
    .expect("hls from the extension");
    assert_eq!(spec.outputs.container, Some(Container::Mp4));
    assert_eq!(
        spec.segment,
        Some(SegmentSpec {
            format: SegmentFormat::Hls,
            duration_s: DEFAULT_SEGMENT_DURATION_S,
            start_number: 0
        })
    );
    let spec = parse_request(
        ICE,
        &ice(json!({ "MediaURL": "opfs:/r/reel.mpd", "Segment": { "Format": "dash", "Duration": 3 } })),
        &caps,
    )
    .expect("dash with settings");
    assert_eq!(
        spec.segment.map(|s| (s.format, s.duration_s)),
        Some((SegmentFormat::Dash, 3.0))
    );
    let err = parse_request(
        ICE,
        &ice(json!({ "MediaURL": "opfs:/r/reel.m3u8", "Segment": { "Format": "dash" } })),
        &caps,
    )
    .expect_err("format and extension disagree");
    assert_eq!(err.code, "InvalidParameter.OutputConfig.MediaURL");
    // Without the capability both are refused as not built.
    let none = Capabilities {
        segment: false,
        ..Capabilities::with_render()
    };
    let err = parse_request(ICE, &ice(json!({ "MediaURL": "opfs:/r/reel.m3u8" })), &none)
        .expect_err("no segments");
    assert_eq!(err.code, "InvalidParameter.OutputConfig.MediaURL");
    assert!(err.message.contains("not supported yet"), "{}", err.message);
}
