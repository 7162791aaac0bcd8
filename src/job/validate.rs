//! Parsing and validation of both cloud APIs' requests into one [`JobSpec`] (SPEC sections 3-6).
//!
//! The request is walked as a `serde_json::Value` rather than derived into structs, because the
//! cloud APIs are loose in ways derive cannot express with good errors: a top-level parameter may be
//! an object or a JSON string holding it, numbers may arrive as numeric strings, booleans as
//! `"true"`/`"false"`, and every error must name the field path, the value given and what is
//! allowed, under a code such as `InvalidParameter.Edit.Transitions.Weight`.
//!
//! Conventions (the same for every field):
//! - A JSON `null` counts as absent.
//! - Unknown keys are refused at every level (`InvalidParameter.<Path>`, "unknown parameter"), so a
//!   typo never turns into a silently ignored setting.
//! - Enum values are case-sensitive, as documented by the cloud APIs (a wrong case gets a "did you
//!   mean" hint); effect names are case-insensitive (see `catalog.rs`).
//! - Paths in messages are 0-based (`Sources[0].URI`); codes drop the index
//!   (`InvalidParameter.Sources.URI`).
//!
//! Validation answers "is this a correct request"; [`check_capabilities`] then answers "can this
//! build do it", so a valid request for an effect not built yet is refused with "… is not supported
//! yet", never accepted and ignored.

use super::catalog;
use super::error::ApiError;
use super::spec::{
    Api, AudioCodec, AudioSpec, Container, EffectMode, JobKind, JobSpec, MusicMode, MusicSpec,
    MusicTrack, OutputSpec, OverlaySpec, PlotPacing, ScaleType, SegmentFormat, SegmentSpec,
    SelectionMode, SourceSpec, TransitionItem, TransitionSpec, VfxItem, VfxSpec, VideoCodec,
    VideoSpec, DEFAULT_CRF, DEFAULT_GOP_SIZE, DEFAULT_MUSIC_VOLUME, DEFAULT_SEGMENT_DURATION_S,
    DEFAULT_TRANSITION_DURATION_S, DEFAULT_WEIGHT,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The action name of the screen-highlights API (ICE).
pub const ACTION_SCREEN_HIGHLIGHTS: &str = "SubmitScreenMediaHighlightsJob";
/// The action name of the highlight-task API (IMM).
pub const ACTION_HIGHLIGHT_TASK: &str = "CreateHighlightTask";
/// `UserData` limit (SPEC section 1): 64 KiB of UTF-8.
pub const MAX_USER_DATA_BYTES: usize = 64 * 1024;
/// ICE `OutputConfig.Count` upper bound. The cloud gives none; 10 keeps a browser job (each reel is
/// a full encode) finishable and still leaves room for reels that differ from each other.
pub const MAX_ICE_COUNT: i64 = 10;
/// ICE `TransitionList` length bound (the cloud gives none; generous but finite).
pub const MAX_ICE_TRANSITIONS: usize = 50;
/// Upper bound of gains (`MediaConfig.Volume`, music `Volume`): 10 = +20 dB, the IMM music bound.
pub const MAX_VOLUME: f64 = 10.0;

type Result<T> = std::result::Result<T, ApiError>;

// ---------------------------------------------------------------------------------------------
// Capabilities
// ---------------------------------------------------------------------------------------------

/// What this build of reelcut can actually do. A parameter whose effect is not built is refused
/// with `InvalidParameter.<Field>` and a message "… is not supported yet" — never accepted and
/// silently ignored. The render work extends this struct and [`check_capabilities`].
#[derive(Debug, Clone, PartialEq)]
pub struct Capabilities {
    /// Writing media files at all: Concat/Compose, screen-highlights reels, per-highlight exports,
    /// output width/height.
    pub render: bool,
    /// Transition names that can be rendered (canonical lowercase catalogue names).
    pub transitions: Vec<String>,
    /// Visual effects (`VfxEffectMode` other than Closed).
    pub vfx: bool,
    /// Background music.
    pub music: bool,
    /// Opening/ending clips, titles, subheadings, stickers and background images (ICE arrays).
    pub overlays: bool,
    /// HLS/DASH segmented output.
    pub segment: bool,
    /// Playback speed other than 1.
    pub speed: bool,
    /// Explicit video/audio encoding settings (codec, bit rate, CRF, frame rate, GOP, scale type,
    /// pixel format, disabling a track, audio format).
    pub transcode: bool,
    /// A gain on the sources' own audio (ICE `MediaConfig.Volume` other than 1).
    pub source_volume: bool,
    /// Audio-only output (`TranscodeVideo.DisableVideo`).
    pub audio_only: bool,
    /// Containers that can be written.
    pub containers: Vec<Container>,
}

impl Capabilities {
    /// What exists now: analysis and Retrieval results, no rendering of any kind.
    pub fn retrieval_only() -> Self {
        Capabilities {
            render: false,
            transitions: Vec::new(),
            vfx: false,
            music: false,
            overlays: false,
            segment: false,
            speed: false,
            transcode: false,
            source_volume: false,
            audio_only: false,
            containers: Vec::new(),
        }
    }

    /// What the render issue adds: Compose/Concat/screen-highlights reels and per-highlight exports
    /// in mp4/mov/webm/mkv, encoding settings, and the transitions of
    /// [`catalog::RENDER_TRANSITIONS`], the sources' own audio gain; no music, vfx, overlays,
    /// segments, speed or audio-only output yet.
    pub fn with_render() -> Self {
        Capabilities {
            render: true,
            transitions: catalog::RENDER_TRANSITIONS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            transcode: true,
            source_volume: true,
            containers: vec![
                Container::Mp4,
                Container::Mov,
                Container::Webm,
                Container::Mkv,
            ],
            ..Capabilities::retrieval_only()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/// Parses and validates one request, then checks it against `caps`.
///
/// `action` is `"SubmitScreenMediaHighlightsJob"` or `"CreateHighlightTask"`; `request` is the whole
/// JSON object of that API's parameters (PascalCase keys). Returns the validated model or the first
/// error (`InvalidParameter.Action` for an unknown action).
pub fn parse_request(action: &str, request: &Value, caps: &Capabilities) -> Result<JobSpec> {
    let spec = match action {
        ACTION_SCREEN_HIGHLIGHTS => parse_screen_highlights(request)?,
        ACTION_HIGHLIGHT_TASK => parse_highlight_task(request)?,
        other => return Err(unknown_action(other)),
    };
    check_capabilities(&spec, caps)?;
    Ok(spec)
}

/// `InvalidParameter.Action` naming the action given and the two known ones.
fn unknown_action(action: &str) -> ApiError {
    ApiError::invalid_parameter(
        "Action",
        format!(
            "Action is '{action}'; allowed: {ACTION_SCREEN_HIGHLIGHTS}, {ACTION_HIGHLIGHT_TASK}"
        ),
    )
}

/// [`parse_request`] for a request given as JSON text (what crosses the wasm boundary). Text that is
/// not JSON is `InvalidParameter.Request`.
pub fn parse_request_json(action: &str, request: &str, caps: &Capabilities) -> Result<JobSpec> {
    let value: Value = serde_json::from_str(request).map_err(|e| {
        ApiError::invalid_parameter("Request", format!("the request is not valid JSON: {e}"))
    })?;
    parse_request(action, &value, caps)
}

// ---------------------------------------------------------------------------------------------
// Field paths and scalar readers
// ---------------------------------------------------------------------------------------------

/// Where a value sits: `path` for messages (with indices), `code` for the error code (without).
#[derive(Debug, Clone, Default)]
struct At {
    path: String,
    code: String,
}

impl At {
    fn key(&self, key: &str) -> At {
        if self.path.is_empty() {
            At {
                path: key.to_string(),
                code: key.to_string(),
            }
        } else {
            At {
                path: format!("{}.{key}", self.path),
                code: format!("{}.{key}", self.code),
            }
        }
    }

    fn index(&self, i: usize) -> At {
        At {
            path: format!("{}[{i}]", self.path),
            code: self.code.clone(),
        }
    }

    /// An `InvalidParameter.<code>` error with a free message.
    fn err(&self, message: impl Into<String>) -> ApiError {
        ApiError::invalid_parameter(&self.code, message)
    }

    /// "`<path>` is `<value>`; `<allowed>`".
    fn bad(&self, value: &Value, allowed: impl std::fmt::Display) -> ApiError {
        self.err(format!("{} is {}; {allowed}", self.path, show(value)))
    }

    fn required(&self) -> ApiError {
        self.err(format!("{} is required", self.path))
    }
}

/// A value as quoted in messages: strings in single quotes, others as compact JSON, cut at 80 chars.
fn show(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// Formats a bound for messages: `10`, `0.5`.
fn num(x: f64) -> String {
    format!("{x}")
}

/// A top-level parameter that may be given as a JSON string holding the value (SPEC 3: "each an
/// object or a JSON string"); returns the decoded value.
fn decode(value: &Value, at: &At) -> Result<Value> {
    match value {
        Value::String(text) => serde_json::from_str(text)
            .map_err(|e| at.err(format!("{} is a string but not valid JSON ({e})", at.path))),
        other => Ok(other.clone()),
    }
}

/// A JSON object whose keys are all in `known`.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    at: At,
}

impl<'a> Obj<'a> {
    fn new(value: &'a Value, at: &At, known: &[&str]) -> Result<Obj<'a>> {
        let map = value
            .as_object()
            .ok_or_else(|| at.bad(value, "expected an object"))?;
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let key_at = at.key(key);
                let hint = known
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(key))
                    .map(|k| format!(" (names are case-sensitive: did you mean '{k}'?)"))
                    .unwrap_or_default();
                let place = if at.path.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", at.path)
                };
                return Err(key_at.err(format!(
                    "{} is an unknown parameter{hint}; known{place}: {}",
                    key_at.path,
                    known.join(", ")
                )));
            }
        }
        Ok(Obj {
            map,
            at: at.clone(),
        })
    }

    /// The value of `key` and its location, or `None` when absent or `null`.
    fn get(&self, key: &str) -> Option<(&'a Value, At)> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some((v, self.at.key(key))),
        }
    }

    /// The value of `key`, or a "… is required" error.
    fn need(&self, key: &str) -> Result<(&'a Value, At)> {
        self.get(key).ok_or_else(|| self.at.key(key).required())
    }
}

fn string(value: &Value, at: &At) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(at.bad(other, "expected a string")),
    }
}

fn non_empty(value: &Value, at: &At) -> Result<String> {
    let s = string(value, at)?;
    if s.trim().is_empty() {
        return Err(at.bad(value, "expected a non-empty string"));
    }
    Ok(s)
}

/// A number given as a JSON number or a numeric string (cloud APIs accept both).
fn number(value: &Value, at: &At) -> Result<f64> {
    let parsed = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match parsed {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(at.bad(value, "expected a number")),
    }
}

/// A number in `lo..=hi`.
fn number_in(value: &Value, at: &At, lo: f64, hi: f64) -> Result<f64> {
    let x = number(value, at)?;
    if !(lo..=hi).contains(&x) {
        return Err(at.bad(value, format!("allowed {}..{}", num(lo), num(hi))));
    }
    Ok(x)
}

/// A number > 0.
fn positive(value: &Value, at: &At) -> Result<f64> {
    let x = number(value, at)?;
    if x <= 0.0 {
        return Err(at.bad(value, "allowed > 0"));
    }
    Ok(x)
}

/// A number >= `lo`.
fn at_least(value: &Value, at: &At, lo: f64) -> Result<f64> {
    let x = number(value, at)?;
    if x < lo {
        return Err(at.bad(value, format!("allowed >= {}", num(lo))));
    }
    Ok(x)
}

/// A whole number in `lo..=hi` (a numeric string is fine; `50.5` is not).
fn integer_in(value: &Value, at: &At, lo: i64, hi: i64) -> Result<i64> {
    let x = number(value, at)?;
    if x.fract() != 0.0 || x < lo as f64 || x > hi as f64 {
        return Err(at.bad(value, format!("allowed integers {lo}..{hi}")));
    }
    // In range of i64 by the check above.
    Ok(x as i64)
}

/// [`integer_in`] as `u32`; callers keep `hi <= u32::MAX`.
fn u32_in(value: &Value, at: &At, lo: u32, hi: u32) -> Result<u32> {
    let x = integer_in(value, at, i64::from(lo), i64::from(hi))?;
    u32::try_from(x).map_err(|_| at.bad(value, format!("allowed integers {lo}..{hi}")))
}

/// A bool given as JSON `true`/`false` or the strings `"true"`/`"false"`.
fn boolean(value: &Value, at: &At) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(at.bad(other, "expected true or false")),
    }
}

/// One of the names in `table`, exactly as spelled there.
fn name<T: Copy>(value: &Value, at: &At, table: &[(&str, T)]) -> Result<T> {
    let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    let Value::String(given) = value else {
        return Err(at.bad(value, format!("expected one of: {}", names.join(", "))));
    };
    if let Some((_, v)) = table.iter().find(|(n, _)| n == given) {
        return Ok(*v);
    }
    let hint = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(given))
        .map(|n| format!(" (names are case-sensitive: did you mean '{n}'?)"))
        .unwrap_or_default();
    Err(at.bad(value, format!("allowed: {}{hint}", names.join(", "))))
}

/// An array of at most `max` entries (at least `min`).
fn array<'a>(value: &'a Value, at: &At, min: usize, max: usize) -> Result<&'a Vec<Value>> {
    let items = value
        .as_array()
        .ok_or_else(|| at.bad(value, "expected an array"))?;
    if items.len() < min || items.len() > max {
        let allowed = if min == 0 {
            format!("at most {max}")
        } else {
            format!("{min}..{max}")
        };
        return Err(at.err(format!(
            "{} has {} entries; allowed {allowed}",
            at.path,
            items.len()
        )));
    }
    Ok(items)
}

/// An array of non-empty strings (media references, texts), each at most `max_chars` characters.
fn strings(value: &Value, at: &At, max: usize, max_chars: Option<usize>) -> Result<Vec<String>> {
    let items = array(value, at, 0, max)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_at = at.index(i);
        let s = non_empty(item, &item_at)?;
        if let Some(limit) = max_chars {
            let n = s.chars().count();
            if n > limit {
                return Err(item_at.err(format!(
                    "{} is {} ({n} characters); allowed at most {limit} characters",
                    item_at.path,
                    show(item)
                )));
            }
        }
        out.push(s);
    }
    Ok(out)
}

/// An optional field read with `read`.
fn opt<T>(obj: &Obj, key: &str, read: impl FnOnce(&Value, &At) -> Result<T>) -> Result<Option<T>> {
    obj.get(key).map(|(v, at)| read(v, &at)).transpose()
}

/// Converts a bit rate in bit/s to the model's integer, at least 1.
fn bps(x: f64) -> u64 {
    // Saturating float-to-int conversion; x > 0 was checked.
    x.round().max(1.0) as u64
}

/// `UserData` as echoed text: a string as given, an object/array serialised; at most 64 KiB.
fn user_data_text(value: &Value, at: &At) -> Result<String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Object(_) | Value::Array(_) => value.to_string(),
        other => return Err(at.bad(other, "expected a string (JSON text) or an object")),
    };
    if text.len() > MAX_USER_DATA_BYTES {
        return Err(at.err(format!(
            "{} is {} bytes; allowed at most {MAX_USER_DATA_BYTES} bytes (64 KiB)",
            at.path,
            text.len()
        )));
    }
    Ok(text)
}

/// A notification destination: an `http(s)://` URL, or any other non-empty name, which is used as a
/// `BroadcastChannel` name (SPEC section 1).
fn notify_target(value: &Value, at: &At) -> Result<String> {
    let s = non_empty(value, at)?;
    let lower = s.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://"))
        && s.split_once("://")
            .is_some_and(|(_, rest)| rest.trim().is_empty())
    {
        return Err(at.bad(
            value,
            "expected an http(s) URL with a host, or a channel name",
        ));
    }
    Ok(s)
}

// ---------------------------------------------------------------------------------------------
// Shared pieces (both APIs)
// ---------------------------------------------------------------------------------------------

const MUSIC_MODES: &[(&str, MusicMode)] = &[
    ("Closed", MusicMode::Closed),
    ("Random", MusicMode::Random),
    ("Sequential", MusicMode::Sequential),
];

const EFFECT_MODES: &[(&str, EffectMode)] = &[
    ("Closed", EffectMode::Closed),
    ("Auto", EffectMode::Auto),
    ("Random", EffectMode::Random),
    ("Sequential", EffectMode::Sequential),
];

/// `BackgroundMusics[]` entries: `{ URI (required), Volume 0..10 (default 0.2) }`.
fn music_tracks(value: &Value, at: &At, max: usize) -> Result<Vec<MusicTrack>> {
    let items = array(value, at, 0, max)?;
    let mut tracks = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let o = Obj::new(item, &at.index(i), &["URI", "Volume"])?;
        let (uri_v, uri_at) = o.need("URI")?;
        tracks.push(MusicTrack {
            uri: non_empty(uri_v, &uri_at)?,
            volume: opt(&o, "Volume", |v, a| number_in(v, a, 0.0, MAX_VOLUME))?
                .unwrap_or(DEFAULT_MUSIC_VOLUME),
        });
    }
    Ok(tracks)
}

/// A transition name from either catalogue (case-insensitive), in canonical spelling.
fn transition_name(value: &Value, at: &At) -> Result<String> {
    let given = non_empty(value, at)?;
    catalog::transition(&given).map(str::to_string).ok_or_else(|| {
        at.bad(value, "expected a transition name from SPEC section 6 (e.g. fade, wipeleft, fadecolor, directional; see src/job/catalog.rs)")
    })
}

/// A music mode that needs tracks must have some.
fn check_music(
    mode: MusicMode,
    tracks: &[MusicTrack],
    mode_at: &At,
    mode_value: &Value,
) -> Result<()> {
    if mode != MusicMode::Closed && tracks.is_empty() {
        return Err(mode_at.bad(
            mode_value,
            "Random and Sequential need at least one background music track",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// SubmitScreenMediaHighlightsJob (ICE)
// ---------------------------------------------------------------------------------------------

fn parse_screen_highlights(request: &Value) -> Result<JobSpec> {
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
    let overlays = OverlaySpec {
        openings: list("OpeningArray", 20, None)?,
        endings: list("EndingArray", 20, None)?,
        titles: list("TitleArray", 50, Some(50))?,
        subheadings: list("SubHeadingArray", 50, None)?,
        stickers: list("StickerArray", 50, None)?,
        background_images: list("BackgroundImageArray", 50, None)?,
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
            // AllowTransition absent + a list = the list is wanted; true + no list = engine's choice;
            // true + list = one from the list per cut, at random; false = no transitions.
            let mode = match (allow.unwrap_or(!list.is_empty()), list.is_empty()) {
                (false, _) => EffectMode::Closed,
                (true, true) => EffectMode::Auto,
                (true, false) => EffectMode::Random,
            };
            transitions = TransitionSpec { mode, list };
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
            ],
        )?;
        outputs.count =
            opt(&oc, "Count", |v, a| integer_in(v, a, 1, MAX_ICE_COUNT))?.map_or(1, |c| c as u32);
        if let Some((v, at)) = oc.get("MediaURL") {
            let url = non_empty(v, &at)?;
            if let Some(c) = container_from_url(&url, v, &at)? {
                outputs.container = Some(c);
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
        max_duration = opt(&oc, "MaxDuration", positive)?;
        outputs.video.bitrate_bps = opt(&oc, "Bitrate", positive)?.map(|kbps| bps(kbps * 1000.0));
        if let Some((v, at)) = oc.get("Video") {
            let vo = Obj::new(v, &at, &["Crf"])?;
            outputs.video.crf = opt(&vo, "Crf", |v, a| u32_in(v, a, 0, 51))?;
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
        segment: None,
        speed: 1.0,
        user_data,
        tags: BTreeMap::new(),
        notify,
        project_name: None,
    })
}

/// The container named by a URL's file extension (query and fragment ignored), `None` when the last
/// path segment has no extension (`memory:`, `https://host/upload?sig=...`).
fn container_from_url(url: &str, value: &Value, at: &At) -> Result<Option<Container>> {
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

/// `TargetDuration` must not exceed `MaxDuration`.
fn check_target(
    target: Option<(f64, At)>,
    max: Option<f64>,
    max_name: &str,
) -> Result<Option<f64>> {
    match (target, max) {
        (Some((t, at)), Some(m)) if t > m => Err(at.err(format!(
            "{} is {}; it must not exceed {max_name} {}",
            at.path,
            num(t),
            num(m)
        ))),
        (target, _) => Ok(target.map(|(t, _)| t)),
    }
}

/// Maps an error about the request's own shape (not an object) to `InvalidParameter.Request`.
fn request_error(e: ApiError, request: &Value) -> ApiError {
    if request.is_object() {
        e
    } else {
        ApiError::invalid_parameter(
            "Request",
            format!(
                "the request is {}; expected a JSON object of parameters",
                show(request)
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// CreateHighlightTask (IMM)
// ---------------------------------------------------------------------------------------------

fn parse_highlight_task(request: &Value) -> Result<JobSpec> {
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
    let max_duration = opt(&o, "MaxDuration", positive)?;
    let target = opt(&o, "TargetDuration", positive)?.map(|t| (t, o.at.key("TargetDuration")));
    let target_duration_s = check_target(target, max_duration, "Output.MaxDuration")?;

    let segment = match o.get("Segment") {
        None => None,
        Some((v, at)) => Some(segment_spec(v, &at)?),
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
        }
    }

    let user_data = opt(&top, "UserData", user_data_text)?;
    let tags = match top.get("Tags") {
        None => BTreeMap::new(),
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

fn kind_name(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Retrieval => "Retrieval",
        JobKind::Concat => "Concat",
        JobKind::Compose => "Compose",
        JobKind::ScreenHighlights => "ScreenHighlights",
    }
}

/// `Output.Segment`: `Format` hls|dash (default hls), `Duration` > 0, `StartNumber` >= 0 (hls only).
fn segment_spec(value: &Value, at: &At) -> Result<SegmentSpec> {
    let s = Obj::new(value, at, &["Format", "Duration", "StartNumber"])?;
    let format = opt(&s, "Format", |v, a| {
        name(
            v,
            a,
            &[("hls", SegmentFormat::Hls), ("dash", SegmentFormat::Dash)],
        )
    })?
    .unwrap_or(SegmentFormat::Hls);
    let duration_s = opt(&s, "Duration", positive)?.unwrap_or(DEFAULT_SEGMENT_DURATION_S);
    let start_number = match s.get("StartNumber") {
        None => 0,
        Some((v, a)) => {
            if format != SegmentFormat::Hls {
                return Err(a.bad(v, "StartNumber applies only to Segment.Format 'hls'"));
            }
            u32_in(v, &a, 0, u32::MAX)?
        }
    };
    Ok(SegmentSpec {
        format,
        duration_s,
        start_number,
    })
}

/// `Output.Video` (TargetVideo): returns (width, height, settings).
fn target_video(value: &Value, at: &At) -> Result<(Option<u32>, Option<u32>, VideoSpec)> {
    let tv = Obj::new(value, at, &["DisableVideo", "TranscodeVideo"])?;
    let mut video = VideoSpec {
        disabled: opt(&tv, "DisableVideo", boolean)?.unwrap_or(false),
        ..VideoSpec::default()
    };
    let (mut width, mut height) = (None, None);
    if let Some((v, at)) = tv.get("TranscodeVideo") {
        if video.disabled {
            return Err(at.err("Output.Video.TranscodeVideo is given but Output.Video.DisableVideo is true; give one or the other"));
        }
        let t = Obj::new(
            v,
            &at,
            &[
                "Codec",
                "Bitrate",
                "CRF",
                "FrameRate",
                "Resolution",
                "ScaleType",
                "GOPSize",
                "PixelFormat",
            ],
        )?;
        video.codec = opt(&t, "Codec", |v, a| {
            name(
                v,
                a,
                &[
                    ("h264", VideoCodec::H264),
                    ("h265", VideoCodec::H265),
                    ("vp9", VideoCodec::Vp9),
                    ("av1", VideoCodec::Av1),
                ],
            )
        })?;
        video.bitrate_bps = opt(&t, "Bitrate", positive)?.map(bps);
        video.crf = opt(&t, "CRF", |v, a| u32_in(v, a, 0, 51))?;
        if video.bitrate_bps.is_none() && video.crf.is_none() {
            video.crf = Some(DEFAULT_CRF);
        }
        video.frame_rate = opt(&t, "FrameRate", |v, a| {
            let x = positive(v, a)?;
            if x > 120.0 {
                return Err(a.bad(v, "allowed > 0 and <= 120"));
            }
            Ok(x)
        })?;
        if let Some((v, a)) = t.get("Resolution") {
            let (w, h) = resolution(v, &a)?;
            width = Some(w);
            height = Some(h);
        }
        video.scale_type = opt(&t, "ScaleType", |v, a| {
            name(
                v,
                a,
                &[
                    ("stretch", ScaleType::Stretch),
                    ("crop", ScaleType::Crop),
                    ("fill", ScaleType::Fill),
                    ("fit", ScaleType::Fit),
                ],
            )
        })?;
        video.gop_size =
            Some(opt(&t, "GOPSize", |v, a| u32_in(v, a, 1, 100_000))?.unwrap_or(DEFAULT_GOP_SIZE));
        video.pixel_format = opt(&t, "PixelFormat", |v, a| {
            name(v, a, &[("yuv420p", "yuv420p")])
        })?
        .map(str::to_string);
    }
    Ok((width, height, video))
}

/// `Resolution` "WxH", each side 1..4096.
fn resolution(value: &Value, at: &At) -> Result<(u32, u32)> {
    let s = string(value, at)?;
    let allowed = "expected \"WxH\" with each side an integer 1..4096, e.g. \"1280x720\"";
    let (w, h) = s.split_once('x').ok_or_else(|| at.bad(value, allowed))?;
    let side = |t: &str| {
        t.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=4096).contains(n))
    };
    match (side(w), side(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(at.bad(value, allowed)),
    }
}

/// `Output.Audio` (TargetAudio).
fn target_audio(value: &Value, at: &At) -> Result<AudioSpec> {
    let ta = Obj::new(value, at, &["DisableAudio", "TranscodeAudio"])?;
    let mut audio = AudioSpec {
        disabled: opt(&ta, "DisableAudio", boolean)?.unwrap_or(false),
        ..AudioSpec::default()
    };
    if let Some((v, at)) = ta.get("TranscodeAudio") {
        if audio.disabled {
            return Err(at.err("Output.Audio.TranscodeAudio is given but Output.Audio.DisableAudio is true; give one or the other"));
        }
        let t = Obj::new(v, &at, &["Codec", "Bitrate", "SampleRate", "Channel"])?;
        audio.codec = opt(&t, "Codec", |v, a| {
            name(
                v,
                a,
                &[
                    ("aac", AudioCodec::Aac),
                    ("opus", AudioCodec::Opus),
                    ("mp3", AudioCodec::Mp3),
                    ("vorbis", AudioCodec::Vorbis),
                    ("flac", AudioCodec::Flac),
                ],
            )
        })?;
        audio.bitrate_bps = opt(&t, "Bitrate", positive)?.map(bps);
        audio.sample_rate = opt(&t, "SampleRate", |v, a| u32_in(v, a, 8000, 96000))?;
        audio.channels = opt(&t, "Channel", |v, a| u32_in(v, a, 1, 8))?;
    }
    Ok(audio)
}

/// `Tags`: an object (or JSON text of one) of string values.
fn tags(value: &Value, at: &At) -> Result<BTreeMap<String, String>> {
    let decoded = decode(value, at)?;
    let map = decoded
        .as_object()
        .ok_or_else(|| at.bad(value, "expected an object of string values"))?;
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let tag_at = at.key(k);
        if k.trim().is_empty() {
            return Err(at.err("Tags has an empty key"));
        }
        out.insert(
            k.clone(),
            string(v, &tag_at).map_err(|_| {
                at.err(format!(
                    "{} is {}; tag values must be strings",
                    tag_at.path,
                    show(v)
                ))
            })?,
        );
    }
    Ok(out)
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

// ---------------------------------------------------------------------------------------------
// Capability gating
// ---------------------------------------------------------------------------------------------

/// Refuses, with "… is not supported yet", every requested effect `caps` says this build cannot
/// produce. Runs after validation, so it only sees correct requests. Error codes name the request
/// field the user wrote (they differ per API). The render work extends this one function.
pub fn check_capabilities(spec: &JobSpec, caps: &Capabilities) -> Result<()> {
    let ice = spec.api == Api::ScreenMediaHighlights;
    let field =
        |ice_name: &'static str, imm_name: &'static str| if ice { ice_name } else { imm_name };

    // 1. Writing files at all.
    if !caps.render {
        match spec.kind {
            JobKind::ScreenHighlights => {
                return Err(ApiError::invalid_parameter(
                    "OutputConfig",
                    "SubmitScreenMediaHighlightsJob renders reels, and rendering reels is not supported yet by this build of reelcut (it finds highlights: use CreateHighlightTask with Type 'Retrieval')",
                ))
            }
            JobKind::Concat | JobKind::Compose => {
                return Err(ApiError::not_supported_yet(
                    "Type",
                    format!("'{}' (rendering a video)", kind_name(spec.kind)),
                ))
            }
            JobKind::Retrieval => {
                if let Some(c) = spec.outputs.container {
                    return Err(ApiError::invalid_parameter(
                        "Output.Container",
                        format!(
                            "Output.Container is '{}': exporting each highlight as a file is not supported yet by reelcut; omit Output.Container to list highlights only",
                            c.name()
                        ),
                    ));
                }
            }
        }
    }
    let container_field = field("OutputConfig.MediaURL", "Output.Container");
    if let Some(c) = spec.outputs.container {
        if !c.browser_writable() {
            return Err(ApiError::invalid_parameter(
                container_field,
                format!("{container_field}: container '{}' cannot be written in the browser; use mp4, mov, webm or mkv", c.name()),
            ));
        }
        if !caps.containers.contains(&c) {
            return Err(ApiError::not_supported_yet(
                container_field,
                format!("container '{}'", c.name()),
            ));
        }
    }
    if !caps.render && spec.outputs.width.is_some() {
        return Err(ApiError::not_supported_yet(
            field(
                "OutputConfig.Width",
                "Output.Video.TranscodeVideo.Resolution",
            ),
            "(resizing output)",
        ));
    }

    if spec.outputs.video.disabled && !caps.audio_only {
        return Err(ApiError::not_supported_yet(
            "Output.Video.DisableVideo",
            "(audio-only output)",
        ));
    }

    // 2. Effects.
    if spec.transitions.mode != EffectMode::Closed {
        let mode_field = field(
            "EditingConfig.ProcessConfig.AllowTransition",
            "Edit.TransitionMode",
        );
        if caps.transitions.is_empty() {
            return Err(ApiError::not_supported_yet(
                mode_field,
                format!("'{:?}' (transitions)", spec.transitions.mode),
            ));
        }
        if spec.transitions.mode != EffectMode::Auto {
            let item_field = field(
                "EditingConfig.ProcessConfig.TransitionList",
                "Edit.Transitions.Transition",
            );
            if let Some(t) = spec
                .transitions
                .list
                .iter()
                .find(|t| !caps.transitions.contains(&t.name))
            {
                return Err(ApiError::invalid_parameter(
                    item_field,
                    format!(
                        "transition '{}' is not supported yet by reelcut; this build renders: {}",
                        t.name,
                        caps.transitions.join(", ")
                    ),
                ));
            }
        }
    }
    if spec.vfx.mode != EffectMode::Closed && !caps.vfx {
        return Err(ApiError::not_supported_yet(
            "Edit.VfxEffectMode",
            format!("'{:?}' (visual effects)", spec.vfx.mode),
        ));
    }
    if spec.music.mode != MusicMode::Closed && !caps.music {
        return Err(ApiError::not_supported_yet(
            field(
                "InputConfig.BackgroundMusicArray",
                "Edit.BackgroundMusicMode",
            ),
            format!("'{:?}' (background music)", spec.music.mode),
        ));
    }
    if !caps.overlays {
        let o = &spec.overlays;
        let arrays = [
            ("InputConfig.OpeningArray", o.openings.len()),
            ("InputConfig.EndingArray", o.endings.len()),
            ("InputConfig.TitleArray", o.titles.len()),
            ("InputConfig.SubHeadingArray", o.subheadings.len()),
            ("InputConfig.StickerArray", o.stickers.len()),
            (
                "InputConfig.BackgroundImageArray",
                o.background_images.len(),
            ),
        ];
        if let Some((f, n)) = arrays.iter().find(|(_, n)| *n > 0) {
            return Err(ApiError::not_supported_yet(f, format!("({n} entries)")));
        }
    }
    if spec.segment.is_some() && !caps.segment {
        return Err(ApiError::not_supported_yet(
            "Output.Segment",
            "(HLS/DASH segmented output)",
        ));
    }
    if spec.speed != 1.0 && !caps.speed {
        return Err(ApiError::not_supported_yet(
            "Output.Speed",
            format!("{} (changing playback speed)", num(spec.speed)),
        ));
    }
    if spec.outputs.source_volume != 1.0 && !caps.source_volume {
        return Err(ApiError::not_supported_yet(
            "EditingConfig.MediaConfig.Volume",
            format!(
                "{} (a gain on the original audio)",
                num(spec.outputs.source_volume)
            ),
        ));
    }

    // 3. Encoding settings.
    if !caps.transcode {
        if spec.outputs.video.is_set() {
            let f = if ice {
                if spec.outputs.video.bitrate_bps.is_some() {
                    "OutputConfig.Bitrate"
                } else {
                    "OutputConfig.Video.Crf"
                }
            } else {
                "Output.Video"
            };
            return Err(ApiError::not_supported_yet(f, "(video encoding settings)"));
        }
        if spec.outputs.audio.is_set() {
            return Err(ApiError::not_supported_yet(
                "Output.Audio",
                "(audio encoding settings)",
            ));
        }
    }
    Ok(())
}
