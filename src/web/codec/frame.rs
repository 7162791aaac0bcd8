//! Owners of decoded media: `Drop` closes the browser object, releasing its decoder buffer.

use js_sys::{Float32Array, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{AudioData, AudioDataCopyToOptions, AudioSampleFormat, VideoFrame, VideoPixelFormat};

use crate::analysis::{PixelFormat, PlaneLayout};
use crate::ApiError;

/// A decoded `VideoFrame`, closed when dropped.
pub struct Frame(VideoFrame);

impl Frame {
    pub fn new(frame: VideoFrame) -> Self {
        Self(frame)
    }
    pub fn raw(&self) -> &VideoFrame {
        &self.0
    }
    /// Presentation time in microseconds.
    pub fn timestamp_us(&self) -> f64 {
        self.0.timestamp()
    }
    /// The CPU pixel layout, when the frame has one (`None`: an opaque, GPU-backed frame).
    pub fn pixel_format(&self) -> Option<Result<PixelFormat, ApiError>> {
        self.0
            .format()
            .map(|f| PixelFormat::parse(format_name(f)).map_err(ApiError::from))
    }
    /// Visible size in pixels (what `copyTo` writes by default).
    pub fn visible_size(&self) -> (u32, u32) {
        match self.0.visible_rect() {
            Some(r) => (r.width() as u32, r.height() as u32),
            None => (self.0.coded_width(), self.0.coded_height()),
        }
    }
    /// Whether the frame's YUV uses the BT.601 matrix (SD sources), not BT.709.
    pub fn is_bt601(&self) -> bool {
        matches!(
            self.0.color_space().matrix(),
            Some(
                web_sys::VideoMatrixCoefficients::Smpte170m
                    | web_sys::VideoMatrixCoefficients::Bt470bg
            )
        )
    }
    pub fn full_range(&self) -> bool {
        self.0.color_space().full_range().unwrap_or(false)
    }

    /// Bytes [`Frame::copy_to`] writes.
    pub fn allocation_size(&self) -> Result<usize, ApiError> {
        self.0.allocation_size().map(|n| n as usize).map_err(|e| {
            ApiError::corrupt(format!(
                "frame has no CPU layout: {}",
                super::js_message(&e)
            ))
        })
    }

    /// Copies the visible pixels into `buf` (resized to fit) and returns the plane layout.
    pub async fn copy_into(&self, buf: &mut Vec<u8>) -> Result<Vec<PlaneLayout>, ApiError> {
        let size = self.allocation_size()?;
        if buf.len() < size {
            buf.resize(size, 0);
        }
        self.copy_to(&mut buf[..size]).await
    }

    /// Copies the visible pixels into `dest` (at least [`Frame::allocation_size`] bytes) and
    /// returns the plane layout. The bytes go straight from the decoder into wasm memory.
    pub async fn copy_to(&self, dest: &mut [u8]) -> Result<Vec<PlaneLayout>, ApiError> {
        // A view over wasm memory: Chromium writes CPU frames synchronously inside `copyTo`,
        // before any other code can grow (and so detach) the memory; the promise only reports
        // the layout.
        let view = wasm_view(dest.as_mut_ptr() as u32, dest.len() as u32);
        let promise = self.0.copy_to_with_u8_array(&view);
        let layout = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| {
                ApiError::corrupt(format!(
                    "copying a decoded frame failed: {}",
                    super::js_message(&e)
                ))
            })?;
        let layout: js_sys::Array = layout.unchecked_into();
        Ok(layout
            .iter()
            .map(|p| {
                let p: web_sys::PlaneLayout = p.unchecked_into();
                PlaneLayout {
                    offset: p.get_offset() as usize,
                    stride: p.get_stride() as usize,
                }
            })
            .collect())
    }
}

impl Frame {
    /// The frame drawn at `width x height` on a canvas and read back as RGBA: for opaque
    /// (GPU-backed) frames, which have no CPU layout to copy.
    pub fn read_back_rgba(&self, width: u32, height: u32) -> Result<Vec<u8>, ApiError> {
        let fail = |e: wasm_bindgen::JsValue| {
            ApiError::corrupt(format!(
                "reading back a GPU frame failed: {}",
                super::js_message(&e)
            ))
        };
        let canvas = web_sys::OffscreenCanvas::new(width, height).map_err(fail)?;
        let ctx: web_sys::OffscreenCanvasRenderingContext2d = canvas
            .get_context("2d")
            .map_err(fail)?
            .ok_or_else(|| ApiError::internal("no 2d context for a read-back"))?
            .unchecked_into();
        ctx.draw_image_with_video_frame_and_dw_and_dh(
            &self.0,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .map_err(fail)?;
        Ok(ctx
            .get_image_data(0, 0, width as i32, height as i32)
            .map_err(fail)?
            .data()
            .0)
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A `Float32Array` over `samples` in this module's memory (valid until the memory grows: for
/// APIs that copy what they are given, such as the `AudioData` constructor).
pub fn wasm_f32_view(samples: &[f32]) -> Float32Array {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    Float32Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        samples.as_ptr() as u32,
        samples.len() as u32,
    )
}

/// A `Uint8Array` over `len` bytes of this module's memory at `ptr`.
pub fn wasm_view(ptr: u32, len: u32) -> Uint8Array {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), ptr, len)
}

fn format_name(f: VideoPixelFormat) -> &'static str {
    match f {
        VideoPixelFormat::I420 => "I420",
        VideoPixelFormat::I420a => "I420A",
        VideoPixelFormat::I422 => "I422",
        VideoPixelFormat::I444 => "I444",
        VideoPixelFormat::Nv12 => "NV12",
        VideoPixelFormat::Rgba => "RGBA",
        VideoPixelFormat::Rgbx => "RGBX",
        VideoPixelFormat::Bgra => "BGRA",
        VideoPixelFormat::Bgrx => "BGRX",
        _ => "unknown",
    }
}

/// A decoded `AudioData`, closed when dropped.
pub struct AudioBlock(AudioData);

impl AudioBlock {
    pub fn new(data: AudioData) -> Self {
        Self(data)
    }
    pub fn raw(&self) -> &AudioData {
        &self.0
    }
    pub fn timestamp_s(&self) -> f64 {
        self.0.timestamp() / 1e6
    }
    pub fn duration_s(&self) -> f64 {
        f64::from(self.0.number_of_frames()) / f64::from(self.0.sample_rate())
    }
    pub fn sample_rate(&self) -> u32 {
        self.0.sample_rate() as u32
    }
    pub fn channels(&self) -> usize {
        self.0.number_of_channels() as usize
    }

    /// The samples as one f32 slice per channel, copied into `out` (reused between blocks).
    pub fn copy_planes<'o>(
        &self,
        scratch: &mut Option<Float32Array>,
        out: &'o mut Vec<f32>,
    ) -> Result<Vec<&'o [f32]>, ApiError> {
        let frames = self.0.number_of_frames() as usize;
        let channels = self.channels();
        out.resize(frames * channels, 0.0);
        let view = match scratch {
            Some(a) if a.length() as usize >= frames => a.subarray(0, frames as u32),
            _ => {
                let a = Float32Array::new_with_length(frames.max(4096) as u32);
                let v = a.subarray(0, frames as u32);
                *scratch = Some(a);
                v
            }
        };
        for c in 0..channels {
            let opts = AudioDataCopyToOptions::new(c as u32);
            opts.set_format(AudioSampleFormat::F32Planar);
            self.0
                .copy_to_with_buffer_source(&view, &opts)
                .map_err(|e| {
                    ApiError::corrupt(format!(
                        "copying decoded audio failed: {}",
                        super::js_message(&e)
                    ))
                })?;
            view.copy_to(&mut out[c * frames..(c + 1) * frames]);
        }
        Ok(out.chunks_exact(frames.max(1)).take(channels).collect())
    }
}

impl Drop for AudioBlock {
    fn drop(&mut self) {
        self.0.close();
    }
}
