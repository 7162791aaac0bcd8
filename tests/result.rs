//! The job record a finished job adds (`engine::result`): the shapes both APIs return, built in
//! Rust from the stages' results and serialised exactly as the browser stores and sends them.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use reelcut::analysis::audio::AudioFeatures;
use reelcut::analysis::score::{Highlight, HighlightReport, Timeline};
use reelcut::analysis::SourceFeatures;
use reelcut::engine::{
    analysed_source_summary, attach_score_curves, highlight_records, reel_outputs, render_settings,
    rendered_output, source_input, source_summary, unrendered_output, Delivery, JobResult,
};
use reelcut::job::validate::{parse_request, Capabilities};
use reelcut::media::{AudioInfo, MediaInfo, TrackInfo, TrackKind, VideoInfo};
use reelcut::plan::{PlannedClip, Reel};
use reelcut::ApiError;
use serde_json::{json, Value};

fn info(with_audio: bool) -> MediaInfo {
    let mut tracks = vec![TrackInfo {
        id: 1,
        kind: TrackKind::Video,
        codec_name: "h264".into(),
        duration_s: 12.5,
        video: Some(VideoInfo {
            codec: "avc1.64001f".into(),
            description: None,
            coded_width: 1280,
            coded_height: 720,
            pixel_aspect: (1, 1),
            rotation: 90,
            display_width: 720,
            display_height: 1280,
            frame_rate: 25.0,
            frame_count: 312,
        }),
        audio: None,
    }];
    if with_audio {
        tracks.push(TrackInfo {
            id: 2,
            kind: TrackKind::Audio,
            codec_name: "aac".into(),
            duration_s: 12.5,
            video: None,
            audio: Some(AudioInfo {
                codec: "mp4a.40.2".into(),
                description: None,
                sample_rate: 48_000,
                channels: 2,
            }),
        });
    }
    MediaInfo {
        container: "mp4".into(),
        duration_s: 12.5,
        tracks,
        notes: vec!["the header says 20 s; the samples say 12.5 s".into()],
    }
}

fn clip(in_s: f64, out_s: f64) -> PlannedClip {
    PlannedClip {
        source: 0,
        in_s,
        out_s,
        score: 0.87654,
        reasons: vec!["laughter".into()],
        transition_in: None,
        hook: false,
        vfx: None,
    }
}

fn delivered(error: Option<(ApiError, String)>) -> Delivery {
    Delivery {
        frames: 75,
        render_seconds: 1.23456,
        size: 123_456.0,
        video_codec: Some("avc1.42E01F".into()),
        audio_codec: None,
        audio_encoder: None,
        upload_attempts: Some(2),
        loudness: None,
        error,
        files: Vec::new(),
    }
}

#[test]
fn a_source_summary_has_display_size_codecs_and_the_demuxers_notes() {
    let s = serde_json::to_value(source_summary("a.mp4", &info(true), 250, Some(260))).unwrap();
    assert_eq!(
        s,
        json!({
            "URI": "a.mp4", "Container": "mp4", "Duration": 12.5, "Video": "h264", "Audio": "aac",
            "Width": 720, "Height": 1280, "Frames": 250, "DecodedFrames": 260,
            "Notes": ["the header says 20 s; the samples say 12.5 s"],
        })
    );
    // A Concat does not analyse: no decoded-frame count, and no audio is `null`, not missing.
    let mut quiet = info(false);
    quiet.notes.clear();
    let s = serde_json::to_value(source_summary("b.mp4", &quiet, 0, None)).unwrap();
    assert_eq!(s["Audio"], Value::Null);
    assert!(s.get("DecodedFrames").is_none() && s.get("Notes").is_none());
}

#[test]
fn highlights_are_rounded_to_the_millisecond_and_name_their_source() {
    let spec = parse_request(
        "CreateHighlightTask",
        &json!({ "Type": "Retrieval", "Sources": [{ "URI": "ep1.mp4" }, { "URI": "ep2.mp4" }], "Output": { "URI": "memory:" } }),
        &Capabilities::with_render(),
    )
    .unwrap();
    let report = HighlightReport {
        highlights: vec![Highlight {
            source: 1,
            start: 3.24159,
            end: 9.87654,
            score: 0.91234,
            reasons: vec!["shouting".into()],
        }],
        profile: "drama".into(),
        notes: vec![],
        timeline: vec![],
    };
    let h = serde_json::to_value(highlight_records(&spec, &report)).unwrap();
    assert_eq!(
        h,
        json!([{ "Source": 1, "URI": "ep2.mp4", "Start": 3.242, "End": 9.877, "Score": 0.912, "Reasons": ["shouting"] }])
    );
}

/// Both APIs' output records from one set of facts: `Outputs[].URI` for highlight tasks,
/// `SubJobList[].MediaURL` for screen-highlights jobs; a failed upload keeps where the file is.
#[test]
fn outputs_are_named_per_api_and_say_what_was_written() {
    let caps = Capabilities::with_render();
    let ice = parse_request(
        "SubmitScreenMediaHighlightsJob",
        &json!({ "InputConfig": { "MediaArray": ["a.mp4"] }, "OutputConfig": { "MediaURL": "https://up.example/r{index}.mp4", "Count": 2 } }),
        &caps,
    )
    .unwrap();
    let inputs = [source_input(&info(true), Vec::new()).unwrap()];
    let settings = render_settings(&ice, &inputs);
    let reels = [
        Reel {
            clips: vec![clip(1.0, 4.0)],
            duration_s: 3.0,
            notes: vec![],
        },
        Reel {
            clips: vec![],
            duration_s: 0.0,
            notes: vec![],
        },
    ];
    let outs = reel_outputs(&ice, &settings, &inputs, &reels, &Default::default());
    let kept = "opfs:/reelcut-outbox/job-1.mp4".to_string();
    let records = vec![
        rendered_output(
            &outs[0],
            &settings,
            delivered(Some((
                ApiError::new("Output.UploadFailed", "HTTP 503"),
                kept,
            ))),
        ),
        unrendered_output(&outs[1]),
    ];
    let mut result = JobResult::default();
    result.set_outputs(&ice, records.clone());
    let v = serde_json::to_value(&result).unwrap();
    assert!(v.get("Outputs").is_none());
    let first = &v["SubJobList"][0];
    assert_eq!(first["MediaURL"], "https://up.example/r1.mp4");
    assert_eq!(first["Status"], "Failed");
    assert_eq!(first["ErrorCode"], "Output.UploadFailed");
    assert_eq!(first["Location"], "opfs:/reelcut-outbox/job-1.mp4");
    assert_eq!(first["UploadAttempts"], 2);
    assert_eq!(first["Duration"], 3.0);
    assert_eq!(first["RenderSeconds"], 1.235);
    assert_eq!(
        (first["Width"].as_u64(), first["Height"].as_u64()),
        (Some(720), Some(1280))
    );
    assert_eq!(
        first["AudioCodec"],
        Value::Null,
        "no audio encoder was used"
    );
    assert_eq!(first["Clips"][0]["In"], 1.0);
    let second = &v["SubJobList"][1];
    assert_eq!(second["Index"], 2);
    assert_eq!(second["ErrorCode"], "InvalidMedia.Unsupported");
    assert!(second.get("Duration").is_none());

    let imm = parse_request(
        "CreateHighlightTask",
        &json!({ "Type": "Compose", "Sources": [{ "URI": "a.mp4" }], "Output": { "URI": "memory:", "Container": "mp4" } }),
        &caps,
    )
    .unwrap();
    let outs = reel_outputs(&imm, &settings, &inputs, &reels[..1], &Default::default());
    let mut result = JobResult::default();
    result.set_outputs(
        &imm,
        vec![rendered_output(&outs[0], &settings, delivered(None))],
    );
    let v = serde_json::to_value(&result).unwrap();
    assert!(v.get("SubJobList").is_none());
    assert_eq!(v["Outputs"][0]["URI"], "memory:");
    assert_eq!(v["Outputs"][0]["Status"], "Success");
    assert!(v["Outputs"][0].get("ErrorCode").is_none());
}

#[test]
fn each_analysed_source_gets_its_score_curve() {
    let mut sources = vec![
        source_summary("a.mp4", &info(true), 250, Some(250)),
        source_summary("b.mp4", &info(true), 250, Some(250)),
    ];
    let report = HighlightReport {
        highlights: vec![],
        profile: "drama".into(),
        notes: vec![],
        timeline: vec![Timeline {
            source: 1,
            start: 2.00049,
            step_s: 0.5,
            values: vec![0.12345, 0.9],
        }],
    };
    attach_score_curves(&mut sources, &report);
    let v = serde_json::to_value(&sources).unwrap();
    assert!(v[0].get("ScoreCurve").is_none());
    assert_eq!(
        v[1]["ScoreCurve"],
        json!({ "Start": 2.0, "Step": 0.5, "Values": [0.123f32, 0.9f32] })
    );
}

#[test]
fn an_analysed_source_says_where_it_has_speech() {
    let speech = [false, true, true, false, false, true];
    let audio = AudioFeatures {
        t0: 1.0,
        hop_s: 0.5,
        rms_db: vec![-20.0; speech.len()],
        speech: speech.to_vec(),
        ..Default::default()
    };
    let features = SourceFeatures {
        duration_s: 4.0,
        audio: Some(audio),
        ..Default::default()
    };
    let v = serde_json::to_value(analysed_source_summary(
        "a.mp4",
        &info(true),
        &features,
        (0, 0),
    ))
    .unwrap();
    // Each run of speech hops is one span; one still open at the end closes there.
    assert_eq!(
        v["Speech"],
        json!([{ "Start": 1.5, "End": 2.5 }, { "Start": 3.5, "End": 4.0 }])
    );
    // A source without audio says nothing rather than "no speech".
    let silent = analysed_source_summary("a.mp4", &info(false), &SourceFeatures::default(), (0, 0));
    assert!(serde_json::to_value(silent)
        .unwrap()
        .get("Speech")
        .is_none());
}
