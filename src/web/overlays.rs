//! The pictures of a reel's overlay layers, made in the worker: image files are read through the
//! job's readers and decoded by the browser (`createImageBitmap`, drawn to an `OffscreenCanvas`,
//! read back as RGBA); titles are rasterised by the browser's 2D text (`fillText` with the system
//! fonts, so any script the system can show works). Each picture is made once per job and kept
//! as RGBA in Rust; compositing is [`crate::render::compose::image`]'s.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ImageBitmap, OffscreenCanvas, OffscreenCanvasRenderingContext2d};

use super::codec::js_message;
use super::source::{settle, JsByteSource};
use crate::job::spec::OverlaySpec;
use crate::media::ByteSource;
use crate::num_text::Num;
use crate::render::bookend::{self, BookendMedia};
use crate::render::compose::image::RgbaImage;
use crate::render::overlay::OverlayContent;
use crate::ApiError;

/// Largest image file read (a sticker or background is a still; more is a mistake).
const MAX_IMAGE_BYTES: u64 = 64 << 20;
/// Largest decoded image side, in pixels (an RGBA copy of 8192x8192 is 256 MB).
const MAX_IMAGE_SIDE: u32 = 8192;
/// Room around the glyphs for the outline and shadow, as a share of the font size.
const TEXT_PAD: f64 = 0.25;

/// The overlay pictures of one job, by what they show.
#[derive(Default)]
pub(super) struct OverlayPictures {
    made: RefCell<HashMap<String, Rc<RgbaImage>>>,
}

impl OverlayPictures {
    /// The picture of `content`, made on first use; `open_uri` opens an image reference.
    pub async fn get(
        &self,
        content: &OverlayContent,
        open_uri: &dyn Fn(&str) -> Result<Promise, ApiError>,
    ) -> Result<Rc<RgbaImage>, ApiError> {
        let key = serde_json::to_string(content)
            .map_err(|e| ApiError::internal(format!("overlay key: {e}")))?;
        if let Some(p) = self.made.borrow().get(&key) {
            return Ok(p.clone());
        }
        let picture = Rc::new(match content {
            OverlayContent::Image { uri } => {
                let named =
                    |e: ApiError| ApiError::new(e.code, format!("image {uri}: {}", e.message));
                let reader = settle(open_uri(uri)).await.map_err(named)?;
                decode_image(reader).await.map_err(named)?
            }
            OverlayContent::Text {
                text,
                font_px,
                color,
            } => rasterise_text(text, *font_px, *color)?,
        });
        self.made.borrow_mut().insert(key, picture.clone());
        Ok(picture)
    }
}

/// Opens the openings, endings and background images the job's `outputs` outputs show (each
/// reference once), before any output is planned: a still image is decoded into `pictures` (the
/// render uses that copy), a video's headers are read. A missing or undecodable file fails the
/// job naming its entry, as a bad source does.
pub(super) async fn probe_overlay_media(
    spec: &OverlaySpec,
    outputs: usize,
    pictures: &OverlayPictures,
    open_uri: &dyn Fn(&str) -> Result<Promise, ApiError>,
) -> Result<HashMap<String, BookendMedia>, ApiError> {
    let mut media = HashMap::new();
    for index in 0..outputs {
        if let Some((i, uri)) = bookend::pick(&spec.background_images, index) {
            let named = |e: ApiError| {
                ApiError::new(
                    e.code,
                    format!("InputConfig.BackgroundImageArray[{i}]: {}", e.message),
                )
            };
            let image = OverlayContent::Image { uri: uri.clone() };
            pictures.get(&image, open_uri).await.map_err(named)?;
        }
        for (name, i, entry) in bookend::picked(spec, index) {
            if media.contains_key(&entry.uri) {
                continue;
            }
            let named = |e: ApiError| {
                ApiError::new(e.code, format!("InputConfig.{name}[{i}]: {}", e.message))
            };
            let probed = probe_bookend(&entry.uri, pictures, open_uri)
                .await
                .map_err(named)?;
            media.insert(entry.uri.clone(), probed);
        }
    }
    Ok(media)
}

/// A still image ([`bookend::looks_like_image`]: decoded and kept) or a video (its headers).
async fn probe_bookend(
    uri: &str,
    pictures: &OverlayPictures,
    open_uri: &dyn Fn(&str) -> Result<Promise, ApiError>,
) -> Result<BookendMedia, ApiError> {
    let in_file = |e: ApiError| ApiError::new(e.code, format!("{uri}: {}", e.message));
    let reader = settle(open_uri(uri)).await.map_err(in_file)?;
    let mut source = JsByteSource::new(reader).map_err(in_file)?;
    let head = source
        .read_at(0, source.len().min(32) as usize)
        .map_err(in_file)?;
    if bookend::looks_like_image(&head) {
        drop(source);
        let image = OverlayContent::Image {
            uri: uri.to_string(),
        };
        let picture = pictures.get(&image, open_uri).await?;
        return Ok(BookendMedia::Still {
            width: picture.width() as u32,
            height: picture.height() as u32,
        });
    }
    let demuxer = crate::media::open(Box::new(source)).map_err(in_file)?;
    let info = demuxer.info();
    let input = crate::engine::source_input(info, Vec::new()).ok_or_else(|| {
        in_file(ApiError::unsupported(
            "it is neither an image nor a video with a video track",
        ))
    })?;
    if !(input.duration_s.is_finite() && input.duration_s > 0.0) {
        return Err(in_file(ApiError::corrupt(
            "the video reports no duration, so its length on the reel is unknown",
        )));
    }
    Ok(BookendMedia::Video {
        geometry: input.geometry,
        duration_s: input.duration_s,
        has_audio: input.has_audio,
    })
}

/// An `ImageBitmap`, closed when dropped (its pixels live outside the wasm heap).
struct Bitmap(ImageBitmap);

impl Drop for Bitmap {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A 2D `OffscreenCanvas`; dropping it shrinks the canvas to nothing, which frees its backing
/// store at once instead of whenever the collector runs.
struct Canvas {
    canvas: OffscreenCanvas,
    ctx: OffscreenCanvasRenderingContext2d,
}

impl Canvas {
    fn new(w: u32, h: u32) -> Result<Self, ApiError> {
        let fail =
            |e: JsValue| ApiError::internal(format!("an OffscreenCanvas: {}", js_message(&e)));
        let canvas = OffscreenCanvas::new(w, h).map_err(fail)?;
        let ctx = canvas
            .get_context("2d")
            .map_err(fail)?
            .ok_or_else(|| ApiError::internal("no 2d context on an OffscreenCanvas"))?
            .unchecked_into();
        Ok(Self { canvas, ctx })
    }

    /// The canvas' pixels, straight-alpha RGBA.
    fn rgba(&self) -> Result<RgbaImage, ApiError> {
        let (w, h) = (self.canvas.width(), self.canvas.height());
        let data = self
            .ctx
            .get_image_data(0, 0, w as i32, h as i32)
            .map_err(|e| ApiError::internal(format!("reading a canvas: {}", js_message(&e))))?
            .data()
            .0;
        Ok(RgbaImage::new(w as usize, h as usize, data)?)
    }
}

impl Drop for Canvas {
    fn drop(&mut self) {
        self.canvas.set_width(0);
        self.canvas.set_height(0);
    }
}

/// Decodes the image file behind `reader` (any format the browser decodes: PNG, JPEG, WebP, GIF's
/// first frame, AVIF...) to straight-alpha RGBA.
async fn decode_image(reader: JsValue) -> Result<RgbaImage, ApiError> {
    let mut source = JsByteSource::new(reader)?;
    let size = source.len();
    if size == 0 {
        return Err(ApiError::corrupt("the file is empty"));
    }
    if size > MAX_IMAGE_BYTES {
        return Err(ApiError::unsupported(format!(
            "the file is {size} bytes; images of at most {MAX_IMAGE_BYTES} bytes are read"
        )));
    }
    let bytes = source.read_at(0, size as usize)?;
    drop(source);
    let parts = Array::of1(&Uint8Array::from(bytes.as_slice()));
    let blob = Blob::new_with_u8_array_sequence(&parts)
        .map_err(|e| ApiError::internal(format!("a Blob of the image: {}", js_message(&e))))?;
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let undecodable = |e: JsValue| {
        ApiError::unsupported(format!(
            "this browser cannot decode it as an image ({})",
            js_message(&e)
        ))
    };
    let promise = scope
        .create_image_bitmap_with_blob(&blob)
        .map_err(undecodable)?;
    let bitmap = Bitmap(
        JsFuture::from(promise)
            .await
            .map_err(undecodable)?
            .unchecked_into(),
    );
    let (w, h) = (bitmap.0.width(), bitmap.0.height());
    if w == 0 || h == 0 || w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
        return Err(ApiError::unsupported(format!(
            "the image is {w}x{h}; 1..={MAX_IMAGE_SIDE} pixels a side are drawn"
        )));
    }
    let canvas = Canvas::new(w, h)?;
    canvas
        .ctx
        .draw_image_with_image_bitmap(&bitmap.0, 0.0, 0.0)
        .map_err(|e| ApiError::internal(format!("drawing the image: {}", js_message(&e))))?;
    drop(bitmap);
    canvas.rgba()
}

/// `text` as one line `font_px` high in `color`, bold system sans-serif, with a dark outline and
/// a soft shadow so it reads on light and dark pictures alike; the image is the line's box plus
/// [`TEXT_PAD`] of the size around it.
fn rasterise_text(text: &str, font_px: f64, color: [u8; 3]) -> Result<RgbaImage, ApiError> {
    let font = format!("bold {}px sans-serif", Num(font_px.round()));
    let pad = (font_px * TEXT_PAD).ceil();
    let measure = Canvas::new(1, 1)?;
    measure.ctx.set_font(&font);
    let width = measure
        .ctx
        .measure_text(text)
        .map_err(|e| ApiError::internal(format!("measuring a title: {}", js_message(&e))))?
        .width();
    let w = (width + 2.0 * pad)
        .ceil()
        .clamp(1.0, f64::from(MAX_IMAGE_SIDE)) as u32;
    let h = (font_px * 1.3 + 2.0 * pad)
        .ceil()
        .clamp(1.0, f64::from(MAX_IMAGE_SIDE)) as u32;
    let canvas = Canvas::new(w, h)?;
    let ctx = &canvas.ctx;
    ctx.set_font(&font);
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    let (cx, cy) = (f64::from(w) / 2.0, f64::from(h) / 2.0);
    ctx.set_shadow_color("rgba(0,0,0,0.6)");
    ctx.set_shadow_blur(font_px * 0.12);
    ctx.set_shadow_offset_y(font_px * 0.04);
    ctx.set_line_join("round");
    ctx.set_line_width((font_px * 0.08).max(1.0));
    ctx.set_stroke_style_str("rgba(0,0,0,0.75)");
    let fail = |e: JsValue| ApiError::internal(format!("drawing a title: {}", js_message(&e)));
    ctx.stroke_text(text, cx, cy).map_err(fail)?;
    ctx.set_shadow_color("rgba(0,0,0,0)");
    ctx.set_fill_style_str(&format!("rgb({},{},{})", color[0], color[1], color[2]));
    ctx.fill_text(text, cx, cy).map_err(fail)?;
    canvas.rgba()
}
