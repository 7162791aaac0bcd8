//! `CreateHighlightTask` (IMM) requests into a [`JobSpec`].

use super::capabilities::kind_name;
use super::catalog;
use super::output::{check_segment_uri, segment_spec, target_audio, target_video};
use super::reader::*;
use super::spec::{
    Api, AudioSpec, Container, EffectMode, JobKind, JobSpec, MusicMode, MusicSpec, OutputSpec,
    OverlaySpec, SelectionMode, SourceSpec, Tags, TransitionItem, TransitionSpec, VfxItem, VfxSpec,
    VideoSpec, DEFAULT_TRANSITION_DURATION_S, DEFAULT_WEIGHT,
};
use super::validate::{
    check_music, check_output_uri, check_target, music_tracks, output_duration, request_error,
    transition_name, EFFECT_MODES, MUSIC_MODES,
};
use serde_json::Value;

pub(super) fn parse_highlight_task(request: &Value) -> Result<JobSpec> {
    let root = At::default();
    let top = Obj::new(
        request,
        &root,
        &[
            "ProjectName",
            "Sources",
            "Mode",
            "Type",
            "Highlight",
            "Edit",
            "Output",
            "UserData",
            "Tags",
            "CredentialConfig",
            "Notification",
        ],
    )
    .map_err(|e| request_error(e, request))?;

    if let Some((_, at)) = top.get("CredentialConfig") {
        return Err(at.err(
            "CredentialConfig is not supported: reelcut runs in the browser and reads media with the page's own access, not with cloud credentials",
        ));
    }
    let project_name = opt(&top, "ProjectName", string)?;

    let (type_v, type_at) = top.need("Type")?;
    let kind = name(
        type_v,
        &type_at,
        &[
            ("Retrieval", JobKind::Retrieval),
            ("Concat", JobKind::Concat),
            ("Compose", JobKind::Compose),
        ],
    )?;
    let mode = opt(&top, "Mode", |v, a| {
        name(
            v,
            a,
            &[
                ("Scene", SelectionMode::Scene),
                ("Average", SelectionMode::Average),
            ],
        )
    })?
    .unwrap_or(SelectionMode::Average);

    // Sources.
    let (src_v, src_at) = top.need("Sources")?;
    let src_value = decode(src_v, &src_at)?;
    let items = array(&src_value, &src_at, 1, 10)?;
    let mut sources = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let o = Obj::new(item, &src_at.index(i), &["URI", "StartTime", "Duration"])?;
        let (uri_v, uri_at) = o.need("URI")?;
        sources.push(SourceSpec {
            uri: non_empty(uri_v, &uri_at)?,
            start_s: opt(&o, "StartTime", |v, a| at_least(v, a, 0.0))?.unwrap_or(0.0),
            duration_s: opt(&o, "Duration", |v, a| at_least(v, a, 0.0))?.unwrap_or(0.0),
        });
    }

    // Highlight.
    let content = match top.get("Highlight") {
        None => None,
        Some((v, at)) => {
            let value = decode(v, &at)?;
            let h = Obj::new(&value, &at, &["Content"])?;
            let (cv, cat) = h.need("Content")?;
            let content = non_empty(cv, &cat)?;
            let n = content.chars().count();
            if n > 100 {
                return Err(cat.err(format!(
                    "{} is {} ({n} characters); allowed at most 100 characters",
                    cat.path,
                    show(cv)
                )));
            }
            Some(content)
        }
    };

    // Edit.
    let mut transitions = TransitionSpec {
        mode: EffectMode::Closed,
        list: Vec::new(),
    };
    let mut vfx = VfxSpec {
        mode: EffectMode::Closed,
        list: Vec::new(),
    };
    let mut music = MusicSpec {
        mode: MusicMode::Closed,
        tracks: Vec::new(),
    };
    let mut edit_at = None;
    if let Some((v, at)) = top.get("Edit") {
        let value = decode(v, &at)?;
        let e = Obj::new(
            &value,
            &at,
            &[
                "Mode",
                "BackgroundMusicMode",
                "BackgroundMusics",
                "TransitionMode",
                "Transitions",
                "VfxEffectMode",
                "VfxEffects",
            ],
        )?;
        let (mv, mat) = e.need("Mode")?;
        name(mv, &mat, &[("Sequential", ())])?;

        music.tracks =
            opt(&e, "BackgroundMusics", |v, a| music_tracks(v, a, 1))?.unwrap_or_default();
        if let Some((v, a)) = e.get("BackgroundMusicMode") {
            music.mode = name(v, &a, MUSIC_MODES)?;
            check_music(music.mode, &music.tracks, &a, v)?;
        }

        if let Some((v, at)) = e.get("Transitions") {
            for (i, item) in array(v, &at, 0, 10)?.iter().enumerate() {
                let o = Obj::new(item, &at.index(i), &["Transition", "Duration", "Weight"])?;
                let (nv, nat) = o.need("Transition")?;
                transitions.list.push(TransitionItem {
                    name: transition_name(nv, &nat)?,
                    duration_s: opt(&o, "Duration", |v, a| number_in(v, a, 0.0, 5.0))?
                        .unwrap_or(DEFAULT_TRANSITION_DURATION_S),
                    weight: opt(&o, "Weight", |v, a| u32_in(v, a, 1, 100))?
                        .unwrap_or(DEFAULT_WEIGHT),
                });
            }
        }
        if let Some((v, a)) = e.get("TransitionMode") {
            transitions.mode = name(v, &a, EFFECT_MODES)?;
            if matches!(
                transitions.mode,
                EffectMode::Random | EffectMode::Sequential
            ) && transitions.list.is_empty()
            {
                return Err(a.bad(v, "Random and Sequential need at least one entry in Edit.Transitions (or use Auto)"));
            }
        }

        if let Some((v, at)) = e.get("VfxEffects") {
            for (i, item) in array(v, &at, 0, 10)?.iter().enumerate() {
                let o = Obj::new(item, &at.index(i), &["VfxEffect", "Weight"])?;
                let (nv, nat) = o.need("VfxEffect")?;
                let given = non_empty(nv, &nat)?;
                let canonical = catalog::vfx(&given).ok_or_else(|| {
                    nat.bad(nv, format!("allowed: {}", catalog::VFX_EFFECTS.join(", ")))
                })?;
                vfx.list.push(VfxItem {
                    name: canonical.to_string(),
                    weight: opt(&o, "Weight", |v, a| u32_in(v, a, 1, 100))?
                        .unwrap_or(DEFAULT_WEIGHT),
                });
            }
        }
        if let Some((v, a)) = e.get("VfxEffectMode") {
            vfx.mode = name(v, &a, EFFECT_MODES)?;
            if matches!(vfx.mode, EffectMode::Random | EffectMode::Sequential)
                && vfx.list.is_empty()
            {
                return Err(a.bad(v, "Random and Sequential need at least one entry in Edit.VfxEffects (or use Auto)"));
            }
        }
        edit_at = Some(at);
    }

    // Output.
    let (out_v, out_at) = top.need("Output")?;
    let out_value = decode(out_v, &out_at)?;
    let o = Obj::new(
        &out_value,
        &out_at,
        &[
            "URI",
            "Container",
            "Speed",
            "MaxDuration",
            "TargetDuration",
            "Segment",
            "Video",
            "Audio",
        ],
    )?;
    let (uri_v, uri_at) = o.need("URI")?;
    let uri = non_empty(uri_v, &uri_at)?;
    check_output_uri(&uri, uri_v, &uri_at)?;
    let container_names: Vec<&str> = Container::ALL.iter().map(|c| c.name()).collect();
    let container_table: Vec<(&str, Container)> =
        Container::ALL.iter().map(|c| (c.name(), *c)).collect();
    let container = opt(&o, "Container", |v, a| name(v, a, &container_table))?;
    if kind.renders() && container.is_none() {
        return Err(o.at.key("Container").err(format!(
            "Output.Container is required for Type '{}'; allowed: {}",
            kind_name(kind),
            container_names.join(", ")
        )));
    }
    let speed = opt(&o, "Speed", |v, a| number_in(v, a, 0.5, 1.0))?.unwrap_or(1.0);
    let max_duration = opt(&o, "MaxDuration", output_duration)?;
    let target =
        opt(&o, "TargetDuration", output_duration)?.map(|t| (t, o.at.key("TargetDuration")));
    let target_duration_s = check_target(target, max_duration, "Output.MaxDuration")?;

    let segment = match o.get("Segment") {
        None => None,
        Some((v, at)) => {
            let seg = segment_spec(v, &at)?;
            check_segment_uri(&uri, seg.format, uri_v, &uri_at)?;
            if let Some(c) = container.filter(|c| *c != Container::Mp4) {
                return Err(o.at.key("Container").err(format!(
                    "Output.Container is '{}': HLS/DASH segments are fragmented MP4, so Output.Segment needs Container 'mp4'",
                    c.name()
                )));
            }
            Some(seg)
        }
    };
    let (width, height, video) = match o.get("Video") {
        None => (None, None, VideoSpec::default()),
        Some((v, at)) => target_video(v, &at)?,
    };
    let audio = match o.get("Audio") {
        None => AudioSpec::default(),
        Some((v, at)) => target_audio(v, &at)?,
    };
    if video.disabled && audio.disabled {
        return Err(o.at.key("Audio").key("DisableAudio").err(
            "Output.Audio.DisableAudio is true and Output.Video.DisableVideo is true: the output would be empty",
        ));
    }

    // A Retrieval without a container writes no file: settings that only shape written files would
    // be ignored, so they are refused.
    if kind == JobKind::Retrieval {
        if container.is_none() {
            let no_file = |what: &str| {
                o.at.key(what).err(format!(
                    "Output.{what} only applies to written files; Type 'Retrieval' writes one only with Output.Container"
                ))
            };
            if speed != 1.0 {
                return Err(no_file("Speed"));
            }
            if segment.is_some() {
                return Err(no_file("Segment"));
            }
            if video.is_set() || width.is_some() {
                return Err(no_file("Video"));
            }
            if audio.is_set() {
                return Err(no_file("Audio"));
            }
            if let Some(at) = &edit_at {
                let modes = [
                    ("TransitionMode", transitions.mode != EffectMode::Closed),
                    ("VfxEffectMode", vfx.mode != EffectMode::Closed),
                    ("BackgroundMusicMode", music.mode != MusicMode::Closed),
                ];
                if let Some((key, _)) = modes.iter().find(|(_, on)| *on) {
                    return Err(at.key(key).err(format!(
                        "Edit.{key} only applies to written files; Type 'Retrieval' writes one only with Output.Container"
                    )));
                }
            }
        } else if !uri.contains("{index}") {
            return Err(uri_at.bad(
                uri_v,
                "it must contain {index}: Type 'Retrieval' with Output.Container writes one file per highlight",
            ));
        } else if let (Some(at), true) = (&edit_at, vfx.mode != EffectMode::Closed) {
            // Exported highlights are copies of the source ranges; effects belong to the reels.
            return Err(at.key("VfxEffectMode").err(
                "Edit.VfxEffectMode applies to the reels of Type 'Compose' and 'Concat'; Type 'Retrieval' exports each highlight as it is",
            ));
        } else if let (Some(at), true) = (&edit_at, music.mode != MusicMode::Closed) {
            return Err(at.key("BackgroundMusicMode").err(
                "Edit.BackgroundMusicMode applies to the reels of Type 'Compose' and 'Concat'; Type 'Retrieval' exports each highlight as it is",
            ));
        }
    }
    if let (Some(at), true) = (&edit_at, video.disabled) {
        // Transitions and effects are drawn on the picture; an audio-only output has none.
        let drawn = [
            ("TransitionMode", transitions.mode != EffectMode::Closed),
            ("VfxEffectMode", vfx.mode != EffectMode::Closed),
        ];
        if let Some((key, _)) = drawn.iter().find(|(_, on)| *on) {
            return Err(at.key(key).err(format!(
                "Edit.{key} draws on the picture, and Output.Video.DisableVideo is true: the output has none"
            )));
        }
    }
    if let (Some(at), true) = (&edit_at, music.mode != MusicMode::Closed && audio.disabled) {
        return Err(at.key("BackgroundMusicMode").err(format!(
            "Edit.BackgroundMusicMode is '{:?}' but Output.Audio.DisableAudio is true: the music would not be heard",
            music.mode
        )));
    }

    let user_data = opt(&top, "UserData", user_data_text)?;
    let tags = match top.get("Tags") {
        None => Tags::default(),
        Some((v, at)) => tags(v, &at)?,
    };
    let notify = match top.get("Notification") {
        None => None,
        Some((v, at)) => Some(notification(v, &at)?),
    };

    Ok(JobSpec {
        api: Api::HighlightTask,
        kind,
        sources,
        mode,
        content,
        intro_auto: false,
        plot_pacing: None,
        target_duration_s,
        max_duration_s: max_duration,
        outputs: OutputSpec {
            uri: Some(uri),
            container,
            count: 1,
            width,
            height,
            video,
            audio,
            source_volume: 1.0,
        },
        transitions,
        vfx,
        music,
        overlays: OverlaySpec::default(),
        segment,
        speed,
        user_data,
        tags,
        notify,
        project_name,
    })
}

/// `Tags`: an object (or JSON text of one) of string values.
fn tags(value: &Value, at: &At) -> Result<Tags> {
    let decoded = decode(value, at)?;
    let map = decoded
        .as_object()
        .ok_or_else(|| at.bad(value, "expected an object of string values"))?;
    // The request's object iterates in key order, once per key, as `Tags` keeps them.
    let mut out = Vec::new();
    for (k, v) in map {
        let tag_at = at.key(k);
        if k.trim().is_empty() {
            return Err(at.err("Tags has an empty key"));
        }
        out.push((
            k.clone(),
            string(v, &tag_at).map_err(|_| {
                at.err(format!(
                    "{} is {}; tag values must be strings",
                    tag_at.path,
                    show(v)
                ))
            })?,
        ));
    }
    Ok(Tags(out))
}

/// `Notification`: where the completion message goes. Accepted forms (the first four are the cloud
/// shapes, read for their destination):
/// - a string: an `http(s)://` URL (POST) or a `BroadcastChannel` name;
/// - `{ "Address": "..." }` or `{ "Endpoint": "..." }`: the same, under a key;
/// - `{ "MNS": { "TopicName": "t" } }` or `{ "RocketMQ": { "TopicName": "t" } }`: channel `t`;
/// - `{ "Topic": "t" }`: channel `t`.
///
/// Exactly one destination must be given.
fn notification(value: &Value, at: &At) -> Result<String> {
    let decoded = match value {
        // A string is a URL or channel name unless it is JSON text of an object.
        Value::String(s) if s.trim_start().starts_with('{') => decode(value, at)?,
        Value::String(_) => return notify_target(value, at),
        other => other.clone(),
    };
    let n = Obj::new(
        &decoded,
        at,
        &["Address", "Endpoint", "Topic", "MNS", "RocketMQ"],
    )?;
    let mut found = Vec::new();
    for key in ["Address", "Endpoint", "Topic"] {
        if let Some((v, a)) = n.get(key) {
            found.push(notify_target(v, &a)?);
        }
    }
    for key in ["MNS", "RocketMQ"] {
        if let Some((v, a)) = n.get(key) {
            let q = Obj::new(v, &a, &["TopicName"])?;
            let (tv, tat) = q.need("TopicName")?;
            found.push(notify_target(tv, &tat)?);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(at.bad(value, "expected a URL, a channel name, or an object with one of Address, Endpoint, Topic, MNS.TopicName, RocketMQ.TopicName")),
        _ => Err(at.bad(value, "give exactly one destination (Address, Endpoint, Topic, MNS or RocketMQ)")),
    }
}
