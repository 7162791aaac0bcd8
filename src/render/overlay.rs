//! Overlay layers of a reel (titles, sub-headings, stickers): pictures drawn over the whole
//! composed frame, after the clips and their transitions, so they stay put across cuts.
//!
//! The plan says what each layer shows (an image file or a line of text the browser rasterises),
//! where (shares of the output frame) and when (output seconds); [`on_at`] says which layers are
//! on at a frame and how opaque. The pixels are composited by [`super::compose::image`].

use serde::{Deserialize, Serialize};

use super::compose::image::ShowTime;
use super::Rect;
use crate::job::spec::{OverlaySpec, StickerEntry, TextEntry};

/// Titles and sub-headings fade in and out over this long, so they do not pop on and off.
pub const TEXT_FADE_S: f64 = 0.25;

/// Widest a line of text is drawn, as a share of the frame width.
pub const LINE_MAX_WIDTH: f64 = 0.94;

/// What an overlay layer shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum OverlayContent {
    /// An image file (sticker), decoded once per job.
    Image { uri: String },
    /// A line of text rasterised once by the browser, `font_px` high in `color`.
    Text {
        text: String,
        font_px: f64,
        color: [u8; 3],
    },
}

/// Where an overlay layer sits, in shares of the output frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum OverlayPlace {
    /// Top-left corner `(x, y)`, `w` of the frame width, `h` of its height (`None`: the image's
    /// own aspect ratio).
    Box {
        x: f64,
        y: f64,
        w: f64,
        h: Option<f64>,
    },
    /// Centred horizontally at its own pixel size, its vertical centre at `y` of the height.
    CentredLine { y: f64 },
}

/// One overlay of a reel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlayLayer {
    /// Which entry it comes from: `TitleArray[2]`, `StickerArray[0]`, ... (for the record).
    pub entry: String,
    pub content: OverlayContent,
    pub place: OverlayPlace,
    pub start_s: f64,
    pub end_s: f64,
    pub fade_s: f64,
    pub opacity: f32,
}

/// An overlay layer on at one frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlayOn {
    /// Index into [`super::RenderPlan::overlays`].
    pub layer: usize,
    pub opacity: f32,
}

impl OverlayLayer {
    fn show(&self) -> ShowTime {
        ShowTime {
            start_s: self.start_s,
            end_s: self.end_s,
            fade_s: self.fade_s,
        }
    }

    /// Its rectangle in output pixels, for an image of `img_w x img_h` on a `out_w x out_h` frame.
    pub fn rect(&self, img_w: usize, img_h: usize, out_w: u32, out_h: u32) -> Rect {
        let (ow, oh) = (f64::from(out_w), f64::from(out_h));
        let (iw, ih) = (img_w.max(1) as f64, img_h.max(1) as f64);
        match self.place {
            OverlayPlace::Box { x, y, w, h } => {
                let w_px = w * ow;
                let h_px = h.map_or(w_px * ih / iw, |h| h * oh);
                Rect::new(x * ow, y * oh, w_px, h_px)
            }
            OverlayPlace::CentredLine { y } => {
                // A line longer than the frame is shrunk to fit rather than cut at both sides.
                let k = (LINE_MAX_WIDTH * ow / iw).min(1.0);
                let (w, h) = (iw * k, ih * k);
                Rect::new((ow - w) / 2.0, y * oh - h / 2.0, w, h)
            }
        }
    }
}

/// The overlay layers on at output time `t`, bottom first (in plan order).
pub fn on_at(layers: &[OverlayLayer], t: f64) -> Vec<OverlayOn> {
    layers
        .iter()
        .enumerate()
        .filter_map(|(layer, l)| {
            let opacity = l.show().opacity_at(t) * l.opacity;
            (opacity > 0.0).then_some(OverlayOn { layer, opacity })
        })
        .collect()
}

/// The overlay layers of output `index` (0-based) of a `duration_s` reel `height` pixels high:
/// its title (`TitleArray[index % n]`, [`super::bookend::pick`]), its sub-heading (picked the same way),
/// then every sticker in request order (drawn last, on top).
pub fn overlay_layers(
    spec: &OverlaySpec,
    index: usize,
    duration_s: f64,
    height: u32,
) -> Vec<OverlayLayer> {
    let mut layers = Vec::new();
    let text = |name: &str, list: &[TextEntry]| {
        super::bookend::pick(list, index).map(|(i, e)| OverlayLayer {
            entry: format!("{name}[{i}]"),
            content: OverlayContent::Text {
                text: e.text.clone(),
                font_px: (e.font_size * f64::from(height)).round().max(1.0),
                color: e.color,
            },
            place: OverlayPlace::CentredLine { y: e.y },
            start_s: 0.0,
            end_s: e.duration_s.min(duration_s),
            fade_s: TEXT_FADE_S,
            opacity: 1.0,
        })
    };
    layers.extend(text("TitleArray", &spec.titles));
    layers.extend(text("SubHeadingArray", &spec.subheadings));
    layers.extend(
        spec.stickers
            .iter()
            .enumerate()
            .map(|(i, s)| sticker(i, s, duration_s)),
    );
    layers
}

fn sticker(i: usize, s: &StickerEntry, duration_s: f64) -> OverlayLayer {
    OverlayLayer {
        entry: format!("StickerArray[{i}]"),
        content: OverlayContent::Image { uri: s.uri.clone() },
        place: OverlayPlace::Box {
            x: s.x,
            y: s.y,
            w: s.width,
            h: s.height,
        },
        start_s: s.start_s,
        end_s: s
            .duration_s
            .map_or(duration_s, |d| (s.start_s + d).min(duration_s)),
        fade_s: 0.0,
        opacity: s.opacity as f32,
    }
}
