//! Parsing and validation of both cloud APIs' requests into one [`JobSpec`] (SPEC sections 3-6):
//! the entry points and the pieces both APIs share. `reader.rs` reads values with field paths,
//! `ice.rs` and `imm.rs` walk each API's request, `capabilities.rs` refuses what this build cannot
//! do yet.
//!
//! Validation answers "is this a correct request"; [`check_capabilities`] then answers "can this
//! build do it", so a valid request for an effect not built yet is refused with "… is not supported
//! yet", never accepted and ignored. The conventions every field follows are in `reader.rs`.

use super::catalog;
use super::error::ApiError;
use super::reader::*;
use super::spec::{EffectMode, JobSpec, MusicMode, MusicTrack, DEFAULT_MUSIC_VOLUME};
use serde_json::Value;

pub use super::capabilities::{check_capabilities, Capabilities};

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

/// Parses and validates one request, then checks it against `caps`.
///
/// `action` is `"SubmitScreenMediaHighlightsJob"` or `"CreateHighlightTask"`; `request` is the whole
/// JSON object of that API's parameters (PascalCase keys). Returns the validated model or the first
/// error (`InvalidParameter.Action` for an unknown action).
pub fn parse_request(action: &str, request: &Value, caps: &Capabilities) -> Result<JobSpec> {
    let spec = match action {
        ACTION_SCREEN_HIGHLIGHTS => super::ice::parse_screen_highlights(request)?,
        ACTION_HIGHLIGHT_TASK => super::imm::parse_highlight_task(request)?,
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

pub(super) const MUSIC_MODES: &[(&str, MusicMode)] = &[
    ("Closed", MusicMode::Closed),
    ("Random", MusicMode::Random),
    ("Sequential", MusicMode::Sequential),
];

pub(super) const EFFECT_MODES: &[(&str, EffectMode)] = &[
    ("Closed", EffectMode::Closed),
    ("Auto", EffectMode::Auto),
    ("Random", EffectMode::Random),
    ("Sequential", EffectMode::Sequential),
];

/// `BackgroundMusics[]` entries: `{ URI (required), Volume 0..10 (default 0.2) }`.
pub(super) fn music_tracks(value: &Value, at: &At, max: usize) -> Result<Vec<MusicTrack>> {
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
pub(super) fn transition_name(value: &Value, at: &At) -> Result<String> {
    let given = non_empty(value, at)?;
    catalog::transition(&given).map(str::to_string).ok_or_else(|| {
        at.bad(value, "expected a transition name from SPEC section 6 (e.g. fade, wipeleft, fadecolor, directional; see src/job/catalog.rs)")
    })
}

/// A music mode that needs tracks must have some.
pub(super) fn check_music(
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

/// The shortest output duration a request may ask for: the minimum clip length (1 s).
pub(super) const MIN_OUTPUT_DURATION_S: f64 = 1.0;

/// `MaxDuration` / `TargetDuration`: a number of seconds, at least the minimum clip (1 s), so a
/// request that cannot produce a single clip is refused here rather than blamed on its input.
pub(super) fn output_duration(value: &Value, at: &At) -> Result<f64> {
    let x = number(value, at)?;
    if x.is_nan() || x < MIN_OUTPUT_DURATION_S {
        return Err(at.bad(
            value,
            format!(
                "allowed >= {} (seconds; the shortest clip is {} s)",
                num(MIN_OUTPUT_DURATION_S),
                num(MIN_OUTPUT_DURATION_S)
            ),
        ));
    }
    Ok(x)
}

/// An output location every sink can write: no backslash (OPFS and the CLI refuse it), no `.` or
/// `..` path segment (also percent-encoded: an http(s) URL would be normalised out of its folder,
/// an OPFS path or a CLI name would leave its directory), and an `opfs:` path that names a file.
pub(super) fn check_output_uri(uri: &str, value: &Value, at: &At) -> Result<()> {
    if uri.contains('\\') {
        return Err(at.bad(
            value,
            "a backslash is not allowed in an output location (use '/' between folders)",
        ));
    }
    let lower = uri.to_ascii_lowercase();
    let path = if let Some(rest) = lower.strip_prefix("opfs:") {
        rest
    } else if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        let rest = rest.split(['?', '#']).next().unwrap_or("");
        rest.find('/').map_or("", |i| &rest[i..])
    } else if lower.starts_with("memory:") {
        return Ok(());
    } else {
        lower.as_str()
    };
    let dots = |seg: &str| {
        let seg = seg.replace("%2e", ".");
        seg == "." || seg == ".."
    };
    if path.split('/').any(dots) {
        return Err(at.bad(
            value,
            "an output location may not contain '.' or '..' path segments",
        ));
    }
    if lower.starts_with("opfs:") && (path.trim_matches('/').is_empty() || path.ends_with('/')) {
        return Err(at.bad(value, "an opfs: location must name a file"));
    }
    Ok(())
}

/// `TargetDuration` must not exceed `MaxDuration`.
pub(super) fn check_target(
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
pub(super) fn request_error(e: ApiError, request: &Value) -> ApiError {
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
