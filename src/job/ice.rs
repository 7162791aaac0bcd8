//! `SubmitScreenMediaHighlightsJob` (ICE) requests into a [`JobSpec`].

use super::overlays;
use super::reader::*;
use super::spec::{
    Api, AudioSpec, Container, EffectMode, JobKind, JobSpec, MusicMode, MusicSpec, MusicTrack,
    OutputSpec, OverlaySpec, PlotPacing, SegmentSpec, SelectionMode, SourceSpec, Tags,
    TransitionItem, TransitionSpec, VfxSpec, VideoSpec, DEFAULT_MUSIC_VOLUME,
    DEFAULT_SEGMENT_DURATION_S, DEFAULT_TRANSITION_DURATION_S, DEFAULT_WEIGHT,
};
use super::validate::{
    check_music, check_output_uri, check_target, music_tracks, output_duration, request_error,
    transition_name, MAX_ICE_COUNT, MAX_ICE_TRANSITIONS, MAX_VOLUME, MUSIC_MODES,
};
use serde_json::Value;

pub(super) fn parse_screen_highlights(request: &Value) -> Result<JobSpec> {
    let root = At::default();
    let top = Obj::new(
        request,
        &root,
        &["InputConfig", "EditingConfig", "OutputConfig", "UserData"],
    )
    .map_err(|e| request_error(e, request))?;

    // UserData: JSON text (or an object); may carry NotifyAddress.
    let (user_data, notify) = match top.get("UserData") {
        None => (None, None),
        Some((v, at)) => {
            let text = user_data_text(v, &at)?;
            let parsed: Value = serde_json::from_str(&text).map_err(|e| {
                at.err(format!("UserData is not valid JSON ({e}); it must be a JSON text such as {{\"NotifyAddress\":\"https://...\"}}"))
            })?;
            let notify = match parsed.get("NotifyAddress") {
                None | Some(Value::Null) => None,
                Some(addr) => Some(notify_target(addr, &at.key("NotifyAddress"))?),
            };
            (Some(text), notify)
        }
    };

    // InputConfig.
    let (input_v, input_at) = top.get("InputConfig").ok_or_else(|| {
        root.key("InputConfig")
            .err("InputConfig is required (it holds MediaArray)")
    })?;
    let input_value = decode(input_v, &input_at)?;
    let input = Obj::new(
        &input_value,
        &input_at,
        &[
            "MediaArray",
            "HighlightStrategy",
            "OpeningArray",
            "EndingArray",
            "TitleArray",
            "SubHeadingArray",
            "StickerArray",
            "BackgroundMusicArray",
            "BackgroundImageArray",
        ],
    )?;
    let (media_v, media_at) = input.need("MediaArray")?;
    let items = array(media_v, &media_at, 1, 30)?;
    let mut sources = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        sources.push(SourceSpec {
            uri: non_empty(item, &media_at.index(i))?,
            start_s: 0.0,
            duration_s: 0.0,
        });
    }

    let mut intro_auto = false;
    let mut plot_pacing = None;
    let mut target = None;
    if let Some((v, at)) = input.get("HighlightStrategy") {
        let hs = Obj::new(v, &at, &["IntroConfig", "TargetDuration", "PlotPacingType"])?;
        if let Some((v, at)) = hs.get("IntroConfig") {
            let ic = Obj::new(v, &at, &["Mode"])?;
            intro_auto = opt(&ic, "Mode", |v, a| {
                name(v, a, &[("Auto", true), ("Disabled", false)])
            })?
            .unwrap_or(false);
        }
        target = opt(&hs, "TargetDuration", |v, a| at_least(v, a, 5.0))?
            .map(|t| (t, hs.at.key("TargetDuration")));
        plot_pacing = opt(&hs, "PlotPacingType", |v, a| {
            name(
                v,
                a,
                &[
                    ("Fast", PlotPacing::Fast),
                    ("Normal", PlotPacing::Normal),
                    ("Slow", PlotPacing::Slow),
                ],
            )
        })?;
    }

    let list = |key: &str, max: usize, max_chars: Option<usize>| -> Result<Vec<String>> {
        Ok(opt(&input, key, |v, a| strings(v, a, max, max_chars))?.unwrap_or_default())
    };
    // Entry formats: src/job/overlays.rs.
    let overlays = OverlaySpec {
        openings: overlays::array_in(&input, "OpeningArray", 20, &overlays::media_entry)?,
        endings: overlays::array_in(&input, "EndingArray", 20, &overlays::media_entry)?,
        titles: overlays::array_in(&input, "TitleArray", 50, &overlays::title_entry)?,
        subheadings: overlays::array_in(
            &input,
            "SubHeadingArray",
            50,
            &overlays::subheading_entry,
        )?,
        stickers: overlays::array_in(&input, "StickerArray", 50, &overlays::sticker_entry)?,
        background_images: overlays::array_in(
            &input,
            "BackgroundImageArray",
            50,
            &overlays::image_entry,
        )?,
    };
    let mut music_tracks_all: Vec<MusicTrack> = list("BackgroundMusicArray", 50, None)?
        .into_iter()
        .map(|uri| MusicTrack {
            uri,
            volume: DEFAULT_MUSIC_VOLUME,
        })
        .collect();

    // EditingConfig.
    let mut source_volume = 1.0;
    let mut transitions = TransitionSpec {
        mode: EffectMode::Closed,
        list: Vec::new(),
    };
    let mut music_mode = None;
    if let Some((v, at)) = top.get("EditingConfig") {
        let value = decode(v, &at)?;
        let ec = Obj::new(
            &value,
            &at,
            &[
                "MediaConfig",
                "ProcessConfig",
                "BackgroundMusicMode",
                "BackgroundMusics",
            ],
        )?;
        if let Some((v, at)) = ec.get("MediaConfig") {
            let mc = Obj::new(v, &at, &["Volume"])?;
            source_volume =
                opt(&mc, "Volume", |v, a| number_in(v, a, 0.0, MAX_VOLUME))?.unwrap_or(1.0);
        }
        if let Some((v, at)) = ec.get("ProcessConfig") {
            let pc = Obj::new(v, &at, &["AllowTransition", "TransitionList"])?;
            let allow = opt(&pc, "AllowTransition", boolean)?;
            let mut list = Vec::new();
            if let Some((v, at)) = pc.get("TransitionList") {
                let items = array(v, &at, 0, MAX_ICE_TRANSITIONS)?;
                for (i, item) in items.iter().enumerate() {
                    list.push(TransitionItem {
                        name: transition_name(item, &at.index(i))?,
                        duration_s: DEFAULT_TRANSITION_DURATION_S,
                        weight: DEFAULT_WEIGHT,
                    });
                }
            }
            transitions = TransitionSpec {
                mode: transition_mode(allow, !list.is_empty()),
                list,
            };
        }
        if let Some((v, at)) = ec.get("BackgroundMusics") {
            music_tracks_all.extend(music_tracks(v, &at, 50)?);
        }
        if let Some((v, at)) = ec.get("BackgroundMusicMode") {
            let mode = name(v, &at, MUSIC_MODES)?;
            check_music(mode, &music_tracks_all, &at, v)?;
            music_mode = Some(mode);
        }
    }
    // Giving music in the ICE API means wanting it: default to one track at random per reel.
    let music_mode = music_mode.unwrap_or(if music_tracks_all.is_empty() {
        MusicMode::Closed
    } else {
        MusicMode::Random
    });

    // OutputConfig.
    let mut outputs = OutputSpec {
        uri: None,
        container: Some(Container::Mp4),
        count: 1,
        width: None,
        height: None,
        video: VideoSpec::default(),
        audio: AudioSpec::default(),
        source_volume,
    };
    let mut max_duration = None;
    let mut segment = None;
    if let Some((v, at)) = top.get("OutputConfig") {
        let value = decode(v, &at)?;
        let oc = Obj::new(
            &value,
            &at,
            &[
                "MediaURL",
                "Count",
                "Width",
                "Height",
                "MaxDuration",
                "Bitrate",
                "Video",
                "Audio",
                "Segment",
            ],
        )?;
        outputs.count =
            opt(&oc, "Count", |v, a| integer_in(v, a, 1, MAX_ICE_COUNT))?.map_or(1, |c| c as u32);
        // reelcut's own `Segment` (the cloud API has none), or a MediaURL naming a playlist
        // (`.m3u8` HLS, `.mpd` DASH) with the default segment settings.
        if let Some((v, at)) = oc.get("Segment") {
            segment = Some(super::output::segment_spec(v, &at)?);
        }
        if let Some((v, at)) = oc.get("MediaURL") {
            let url = non_empty(v, &at)?;
            check_output_uri(&url, v, &at)?;
            match (super::output::segment_format_of(&url), &segment) {
                (_, Some(seg)) => {
                    super::output::check_segment_uri(&url, seg.format, v, &at)?;
                    outputs.container = Some(Container::Mp4);
                }
                (Some(format), None) => {
                    segment = Some(SegmentSpec {
                        format,
                        duration_s: DEFAULT_SEGMENT_DURATION_S,
                        start_number: 0,
                    });
                    outputs.container = Some(Container::Mp4);
                }
                (None, None) => {
                    if let Some(c) = container_from_url(&url, v, &at)? {
                        outputs.container = Some(c);
                    }
                }
            }
            if outputs.count > 1 && !url.contains("{index}") {
                return Err(at.bad(
                    v,
                    format!("it must contain {{index}} when OutputConfig.Count is {} (the reels would overwrite each other)", outputs.count),
                ));
            }
            outputs.uri = Some(url);
        }
        let even = |v: &Value, a: &At| -> Result<u32> {
            let x = u32_in(v, a, 2, 4096)?;
            if x % 2 != 0 {
                return Err(a.bad(
                    v,
                    "allowed even integers 2..4096 (video encoders need even sizes)",
                ));
            }
            Ok(x)
        };
        let width = opt(&oc, "Width", even)?;
        let height = opt(&oc, "Height", even)?;
        match (width, height) {
            (Some(_), None) => return Err(oc.at.key("Height").err("OutputConfig.Height is required when OutputConfig.Width is given (give both or neither)")),
            (None, Some(_)) => return Err(oc.at.key("Width").err("OutputConfig.Width is required when OutputConfig.Height is given (give both or neither)")),
            _ => {}
        }
        outputs.width = width;
        outputs.height = height;
        max_duration = opt(&oc, "MaxDuration", output_duration)?;
        outputs.video.bitrate_bps = opt(&oc, "Bitrate", positive)?.map(|kbps| bps(kbps * 1000.0));
        if let Some((v, at)) = oc.get("Video") {
            let vo = Obj::new(v, &at, &["Crf"])?;
            outputs.video.crf = opt(&vo, "Crf", |v, a| u32_in(v, a, 0, 51))?;
        }
        if let Some((v, at)) = oc.get("Audio") {
            // reelcut's own setting (the cloud API has no OutputConfig.Audio).
            let ao = Obj::new(v, &at, &["LoudnessNormalization"])?;
            outputs.audio.loudness_off = !super::output::loudness_normalization(&ao, false)?;
        }
    }
    let target_duration_s = check_target(target, max_duration, "OutputConfig.MaxDuration")?;

    Ok(JobSpec {
        api: Api::ScreenMediaHighlights,
        kind: JobKind::ScreenHighlights,
        sources,
        mode: SelectionMode::Scene,
        content: None,
        intro_auto,
        plot_pacing,
        target_duration_s,
        max_duration_s: max_duration,
        outputs,
        transitions,
        vfx: VfxSpec {
            mode: EffectMode::Closed,
            list: Vec::new(),
        },
        music: MusicSpec {
            mode: music_mode,
            tracks: music_tracks_all,
        },
        overlays,
        segment,
        speed: 1.0,
        user_data,
        tags: Tags::default(),
        notify,
        project_name: None,
    })
}

/// The container named by a URL's file extension (query and fragment ignored), `None` when the last
/// path segment has no extension (`memory:`, `https://host/upload?sig=...`).
pub(super) fn container_from_url(url: &str, value: &Value, at: &At) -> Result<Option<Container>> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit(['/', ':']).next().unwrap_or(path);
    let Some((_, ext)) = last.rsplit_once('.') else {
        return Ok(None);
    };
    let ext = ext.to_ascii_lowercase();
    Container::from_name(&ext).map(Some).ok_or_else(|| {
        let names: Vec<String> = Container::ALL.iter().map(|c| format!(".{}", c.name())).collect();
        at.bad(value, format!("its extension '.{ext}' is not a known container; allowed: {} (or no extension for mp4)", names.join(", ")))
    })
}

/// The ICE `ProcessConfig` as a transition mode: the one mapping of `AllowTransition` +
/// `TransitionList`.
///
/// The screen-highlights documentation gives a plain list of names, with no order rule, no
/// weights and no mode (SPEC: "one is chosen per cut, in order or at random"; the seed's only
/// example has one entry, where both readings agree). reelcut reads it as the highlight-task API's
/// `Random` mode with every entry at that API's documented default `Weight` (50), i.e. uniformly at
/// random, drawn from the request's seed so the same request gives the same reels:
/// - `AllowTransition` false: no transitions ([`EffectMode::Closed`]);
/// - true (or absent) with a list: one entry per cut at random ([`EffectMode::Random`]);
/// - true without a list: reelcut's choice ([`EffectMode::Auto`]);
/// - absent without a list: none.
pub(super) fn transition_mode(allow: Option<bool>, has_list: bool) -> EffectMode {
    match (allow.unwrap_or(has_list), has_list) {
        (false, _) => EffectMode::Closed,
        (true, false) => EffectMode::Auto,
        (true, true) => EffectMode::Random,
    }
}
