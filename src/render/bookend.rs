//! Openings, endings and background images (ICE `OpeningArray`, `EndingArray`,
//! `BackgroundImageArray`): how they enter a reel's render plan.
//!
//! - Pick rule: output `i` (0-based) takes entry `i % len` of each array ([`pick`]; titles and
//!   sub-headings use the same rule).
//! - An opening or ending is one more source of the plan and one more clip on its time line:
//!   the opening from 0, the reel after it, the ending after the reel, all hard cuts. It is drawn
//!   with the output's placement like every clip (so `ScaleType`, the default placement and the
//!   background image apply to it alike). A video plays from its start for its own length, or
//!   its first `Duration` seconds when that is shorter, with its own audio at its own level
//!   (`MediaConfig.Volume` and `Speed` are the reel's); a still image shows for its `Duration`
//!   or [`STILL_DEFAULT_S`], in silence.
//! - Titles, sub-headings and stickers belong to the reel: their times count from the reel's
//!   first frame (after the opening) and they end with the reel (before the ending). Background
//!   music plays under the whole output, opening and ending included.
//! - The background image is decoded once per job, scaled to cover the frame (centred) and drawn
//!   behind every clip whose picture does not fill the frame ([`uses_backdrop`]), in place of the
//!   black bars or the blurred copy.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Placement, Rect, RenderClip, RenderPlan, SourceGeometry};
use crate::job::spec::{MediaEntry, OverlaySpec, STILL_DEFAULT_S};

/// An opening or ending source of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookendSource {
    /// Index into [`RenderPlan::sources`].
    pub source: usize,
    /// Which entry it is: `OpeningArray[1]`, `EndingArray[0]` (for errors and the record).
    pub entry: String,
    /// Its media reference.
    pub uri: String,
    /// A still image (decoded once per job and shown for every source time) rather than a video.
    pub still: bool,
    /// Whether it has sound (a video with an audio track).
    pub has_audio: bool,
}

/// What the job learned about an opening or ending's media before planning.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BookendMedia {
    /// A still image of this size.
    Still { width: u32, height: u32 },
    /// A video: its geometry, length in seconds (> 0) and whether it has audio.
    Video {
        geometry: SourceGeometry,
        duration_s: f64,
        has_audio: bool,
    },
}

/// The entry of `list` that output `index` (0-based) takes, with its position: `index % len`.
pub fn pick<T>(list: &[T], index: usize) -> Option<(usize, &T)> {
    let i = index % list.len().max(1);
    list.get(i).map(|e| (i, e))
}

/// The `(array, position, entry)` of every opening and ending output `index` shows.
pub fn picked(spec: &OverlaySpec, index: usize) -> Vec<(&'static str, usize, &MediaEntry)> {
    [
        ("OpeningArray", &spec.openings),
        ("EndingArray", &spec.endings),
    ]
    .into_iter()
    .filter_map(|(name, list)| pick(list, index).map(|(i, e)| (name, i, e)))
    .collect()
}

/// The background image output `index` shows behind its fitted pictures, if any.
pub fn backdrop_for(spec: &OverlaySpec, index: usize) -> Option<&str> {
    pick(&spec.background_images, index).map(|(_, uri)| uri.as_str())
}

/// How long an entry shows: an image its `Duration` or [`STILL_DEFAULT_S`]; a video its own
/// length, or its first `Duration` seconds when shorter.
pub fn shown_s(entry: &MediaEntry, media: &BookendMedia) -> f64 {
    match *media {
        BookendMedia::Still { .. } => entry.duration_s.unwrap_or(STILL_DEFAULT_S),
        BookendMedia::Video { duration_s, .. } => {
            entry.duration_s.map_or(duration_s, |d| d.min(duration_s))
        }
    }
}

/// `plan` (a reel starting at 0, its overlays timed from 0) with output `index`'s opening
/// before it, its ending after it and its background image; `media` holds what was learned of
/// every picked entry's media (by reference). An entry missing from `media` is an internal
/// error: the job probes every picked entry first.
pub fn add_bookends(
    mut plan: RenderPlan,
    spec: &OverlaySpec,
    index: usize,
    media: &HashMap<String, BookendMedia>,
) -> Result<RenderPlan, crate::ApiError> {
    plan.backdrop = backdrop_for(spec, index).map(str::to_string);
    for (name, i, entry) in picked(spec, index) {
        let m = media.get(&entry.uri).ok_or_else(|| {
            crate::ApiError::internal(format!("{name}[{i}] {} was not probed", entry.uri))
        })?;
        let len = shown_s(entry, m);
        let source = plan.sources.len();
        let (geometry, still, has_audio) = match *m {
            BookendMedia::Still { width, height } => {
                (SourceGeometry::simple(width, height), true, false)
            }
            BookendMedia::Video {
                geometry,
                has_audio,
                ..
            } => (geometry, false, has_audio),
        };
        plan.sources.push(geometry);
        plan.bookends.push(BookendSource {
            source,
            entry: format!("{name}[{i}]"),
            uri: entry.uri.clone(),
            still,
            has_audio,
        });
        let opening = name == "OpeningArray";
        if opening {
            for c in &mut plan.clips {
                c.out_start_s += len;
            }
            for o in &mut plan.overlays {
                o.start_s += len;
                o.end_s += len;
            }
        }
        let clip = RenderClip::plain(
            source,
            0.0,
            len,
            if opening { 0.0 } else { plan.duration_s },
        );
        if opening {
            plan.clips.insert(0, clip);
        } else {
            plan.clips.push(clip);
        }
        plan.duration_s += len;
    }
    Ok(plan)
}

/// Whether a clip drawn with `placement` shows the backdrop image behind it: the placements
/// whose picture may not fill the frame (`Letterbox`, and `LetterboxOverBlur`, whose blurred
/// copy the image replaces).
pub fn uses_backdrop(placement: Placement) -> bool {
    matches!(
        placement,
        Placement::Letterbox | Placement::LetterboxOverBlur
    )
}

/// Where an `img_w x img_h` image goes to cover a `out_w x out_h` frame: scaled keeping its
/// aspect until it covers, centred (the overflow is cut equally on both sides).
pub fn cover_rect(img_w: usize, img_h: usize, out_w: u32, out_h: u32) -> Rect {
    let (iw, ih) = (img_w.max(1) as f64, img_h.max(1) as f64);
    let (w, h) = (f64::from(out_w), f64::from(out_h));
    let s = (w / iw).max(h / ih);
    let (cw, ch) = (iw * s, ih * s);
    Rect::new((w - cw) / 2.0, (h - ch) / 2.0, cw, ch)
}

/// Whether a file starting with `head` is a still image (PNG, JPEG, GIF, WebP, BMP, AVIF) rather
/// than a video: the image formats' signatures. Anything else is read as a video.
pub fn looks_like_image(head: &[u8]) -> bool {
    let at = |i: usize, sig: &[u8]| head.get(i..i + sig.len()) == Some(sig);
    at(0, b"\x89PNG\r\n\x1a\n")
        || at(0, b"\xff\xd8\xff")
        || at(0, b"GIF8")
        || (at(0, b"RIFF") && at(8, b"WEBP"))
        || at(0, b"BM")
        || (at(4, b"ftyp") && (at(8, b"avif") || at(8, b"avis")))
}
