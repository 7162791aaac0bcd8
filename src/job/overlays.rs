//! The entries of the screen-highlights overlay arrays (`InputConfig.OpeningArray`, `EndingArray`,
//! `TitleArray`, `SubHeadingArray`, `StickerArray`, `BackgroundImageArray`).
//!
//! The cloud documentation gives the arrays and, for most, only "a media ID or URL"; reelcut
//! defines each entry as either that plain string or an object that adds where, how large, when
//! and in which colour (all positions and sizes are fractions of the output frame, so one request
//! suits every output size; all times are seconds of the output reel):
//!
//! | array | plain entry | object fields (defaults) |
//! |---|---|---|
//! | `OpeningArray`, `EndingArray` | `"open.mp4"` | `MediaURL`, `Duration` (an image shows [`STILL_DEFAULT_S`]; a video plays whole, or its first `Duration` s), 0.5..=60 |
//! | `TitleArray` | `"Episode 1"` (<= 50 characters) | `Text`, `FontSize` (share of the frame height, 0.01..=0.3, [`TITLE_FONT_SIZE`]), `FontColor` (`#RRGGBB`, white), `Y` (centre of the line, 0..=1, [`TITLE_Y`]), `Duration` ([`TITLE_DEFAULT_S`], 0.5..=3600) |
//! | `SubHeadingArray` | `"The reveal"` | as `TitleArray` (defaults [`SUBHEADING_FONT_SIZE`], [`SUBHEADING_Y`]) |
//! | `StickerArray` | `"logo.png"` | `MediaURL`, `X`, `Y` (top-left corner, 0..=1, default 0.05), `Width` (0..=1, default 0.2), `Height` (0..=1; absent: the image's own aspect), `Start` (>= 0, 0), `Duration` (> 0; absent: to the end), `Opacity` (0..=1, 1) |
//! | `BackgroundImageArray` | `"bg.jpg"` | `MediaURL` |

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::reader::*;

/// How long an opening or ending still image shows when the entry gives no `Duration`.
pub const STILL_DEFAULT_S: f64 = 3.0;
/// How long a title shows from the start of the reel by default.
pub const TITLE_DEFAULT_S: f64 = 4.0;
/// Default title size: 6 % of the frame height (about 115 px in 1920-high portrait).
pub const TITLE_FONT_SIZE: f64 = 0.06;
/// Default title line centre: 12 % down the frame, clear of the usual subtitle area.
pub const TITLE_Y: f64 = 0.12;
/// Default sub-heading size and line centre: smaller, just under the title.
pub const SUBHEADING_FONT_SIZE: f64 = 0.035;
pub const SUBHEADING_Y: f64 = 0.19;
/// Longest title, in characters (SPEC section 3).
pub const MAX_TITLE_CHARS: usize = 50;

/// An opening or ending: an image or a video, shown before / after the reel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct MediaEntry {
    /// Media reference, as for sources.
    pub uri: String,
    /// Seconds shown: an image's time on screen, a video's first seconds; `None` = the default
    /// ([`STILL_DEFAULT_S`] for an image, the whole video).
    pub duration_s: Option<f64>,
}

/// A line of text drawn over the reel (title or sub-heading).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct TextEntry {
    pub text: String,
    /// Height of the text as a share of the frame height.
    pub font_size: f64,
    /// RGB colour.
    pub color: [u8; 3],
    /// Vertical centre of the line as a share of the frame height (the line is centred
    /// horizontally).
    pub y: f64,
    /// Seconds shown from the start of the reel.
    pub duration_s: f64,
}

/// An image drawn over the reel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct StickerEntry {
    pub uri: String,
    /// Top-left corner, shares of the frame width / height.
    pub x: f64,
    pub y: f64,
    /// Width as a share of the frame width.
    pub width: f64,
    /// Height as a share of the frame height; `None` keeps the image's aspect ratio.
    pub height: Option<f64>,
    /// Output seconds at which it appears.
    pub start_s: f64,
    /// Seconds shown; `None` = to the end of the reel.
    pub duration_s: Option<f64>,
    pub opacity: f64,
}

/// A plain reference, or an object whose `MediaURL` is one (plus the fields in `known`).
fn media_ref<'a>(value: &'a Value, at: &At, known: &[&str]) -> Result<(String, Option<Obj<'a>>)> {
    if value.is_string() {
        return Ok((non_empty(value, at)?, None));
    }
    if !value.is_object() {
        return Err(at.bad(
            value,
            "expected a media reference string or an object with MediaURL",
        ));
    }
    let o = Obj::new(value, at, known)?;
    let (v, a) = o.need("MediaURL")?;
    Ok((non_empty(v, &a)?, Some(o)))
}

/// An `OpeningArray` / `EndingArray` entry.
pub(super) fn media_entry(value: &Value, at: &At) -> Result<MediaEntry> {
    let (uri, o) = media_ref(value, at, &["MediaURL", "Duration"])?;
    let duration_s = match &o {
        Some(o) => opt(o, "Duration", |v, a| number_in(v, a, 0.5, 60.0))?,
        None => None,
    };
    Ok(MediaEntry { uri, duration_s })
}

/// A `BackgroundImageArray` entry.
pub(super) fn image_entry(value: &Value, at: &At) -> Result<String> {
    Ok(media_ref(value, at, &["MediaURL"])?.0)
}

/// A `StickerArray` entry.
pub(super) fn sticker_entry(value: &Value, at: &At) -> Result<StickerEntry> {
    let known = [
        "MediaURL", "X", "Y", "Width", "Height", "Start", "Duration", "Opacity",
    ];
    let (uri, o) = media_ref(value, at, &known)?;
    let mut s = StickerEntry {
        uri,
        x: 0.05,
        y: 0.05,
        width: 0.2,
        height: None,
        start_s: 0.0,
        duration_s: None,
        opacity: 1.0,
    };
    let Some(o) = o else {
        return Ok(s);
    };
    let share = |v: &Value, a: &At| number_in(v, a, 0.0, 1.0);
    s.x = opt(&o, "X", share)?.unwrap_or(s.x);
    s.y = opt(&o, "Y", share)?.unwrap_or(s.y);
    s.width = opt(&o, "Width", share)?.unwrap_or(s.width);
    s.height = opt(&o, "Height", share)?;
    for (key, size) in [("Width", Some(s.width)), ("Height", s.height)] {
        if size == Some(0.0) {
            return Err(o.at.key(key).err(format!(
                "{}.{key} is 0: a sticker needs a size > 0",
                o.at.path
            )));
        }
    }
    s.start_s = opt(&o, "Start", |v, a| at_least(v, a, 0.0))?.unwrap_or(0.0);
    s.duration_s = opt(&o, "Duration", positive)?;
    s.opacity = opt(&o, "Opacity", share)?.unwrap_or(1.0);
    Ok(s)
}

/// A `TitleArray` entry.
pub(super) fn title_entry(value: &Value, at: &At) -> Result<TextEntry> {
    text_entry(value, at, true)
}

/// A `SubHeadingArray` entry.
pub(super) fn subheading_entry(value: &Value, at: &At) -> Result<TextEntry> {
    text_entry(value, at, false)
}

/// A `TitleArray` (`title` true) or `SubHeadingArray` entry.
fn text_entry(value: &Value, at: &At, title: bool) -> Result<TextEntry> {
    let (size, y) = if title {
        (TITLE_FONT_SIZE, TITLE_Y)
    } else {
        (SUBHEADING_FONT_SIZE, SUBHEADING_Y)
    };
    let mut e = TextEntry {
        text: String::new(),
        font_size: size,
        color: [255, 255, 255],
        y,
        duration_s: TITLE_DEFAULT_S,
    };
    let text_at;
    let text_value;
    if value.is_string() {
        (text_value, text_at) = (value, at.clone());
    } else if value.is_object() {
        let o = Obj::new(
            value,
            at,
            &["Text", "FontSize", "FontColor", "Y", "Duration"],
        )?;
        (text_value, text_at) = o.need("Text")?;
        e.font_size = opt(&o, "FontSize", |v, a| number_in(v, a, 0.01, 0.3))?.unwrap_or(size);
        e.color = opt(&o, "FontColor", colour)?.unwrap_or(e.color);
        e.y = opt(&o, "Y", |v, a| number_in(v, a, 0.0, 1.0))?.unwrap_or(y);
        e.duration_s =
            opt(&o, "Duration", |v, a| number_in(v, a, 0.5, 3600.0))?.unwrap_or(TITLE_DEFAULT_S);
    } else {
        return Err(at.bad(value, "expected a string or an object with Text"));
    }
    e.text = non_empty(text_value, &text_at)?;
    let n = e.text.chars().count();
    if n > MAX_TITLE_CHARS {
        return Err(text_at.err(format!(
            "{} is {} ({n} characters); allowed at most {MAX_TITLE_CHARS} characters",
            text_at.path,
            show(text_value)
        )));
    }
    Ok(e)
}

/// A colour `#RRGGBB` (the `#` optional, hex digits in either case).
fn colour(value: &Value, at: &At) -> Result<[u8; 3]> {
    let s = string(value, at)?;
    let hex = s.trim().trim_start_matches('#');
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    match (hex.len(), byte(0), byte(2), byte(4)) {
        (6, Some(r), Some(g), Some(b)) => Ok([r, g, b]),
        _ => Err(at.bad(value, "expected a colour #RRGGBB")),
    }
}

/// Every entry of the array `key` of `obj` (at most `max`; absent = none), read with `entry`.
pub(super) fn array_in<T>(
    obj: &Obj,
    key: &str,
    max: usize,
    entry: &dyn Fn(&Value, &At) -> Result<T>,
) -> Result<Vec<T>> {
    let Some((value, at)) = obj.get(key) else {
        return Ok(Vec::new());
    };
    array(value, &at, 0, max)?
        .iter()
        .enumerate()
        .map(|(i, item)| entry(item, &at.index(i)))
        .collect()
}
