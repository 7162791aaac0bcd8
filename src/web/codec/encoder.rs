//! WebCodecs encoders owned by Rust: negotiation with `isConfigSupported` over the candidates of
//! [`crate::media::encoding`], encoded chunks copied into an [`OutputQueue`] as they come out,
//! backpressure on `encodeQueueSize`, the codec closed on `Drop`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    AudioData, AudioEncoder, AudioEncoderConfig, AudioEncoderInit, CodecState, EncodedAudioChunk,
    EncodedVideoChunk, EncodedVideoChunkType, LatencyMode, VideoEncoder, VideoEncoderBitrateMode,
    VideoEncoderConfig, VideoEncoderEncodeOptions, VideoEncoderInit, VideoFrame,
};

use super::audio_encoder_class::AudioEncoderClass;
use super::queue::OutputQueue;
use super::{encode_error, js_message};
use crate::media::encoding::{AudioCandidate, VideoCandidate, VideoFamily};
use crate::ApiError;

/// One encoded sample, copied out of the browser.
pub struct EncodedChunk {
    pub timestamp_us: i64,
    pub duration_us: i64,
    pub key: bool,
    pub data: Vec<u8>,
}

pub fn video_config(c: &VideoCandidate) -> VideoEncoderConfig {
    let config = VideoEncoderConfig::new(&c.codec, c.height, c.width);
    config.set_framerate(c.framerate);
    if c.quantizer.is_some() {
        // The quantizer comes with each frame (`VideoEncoderBox::encode`); no rate to aim at.
        config.set_bitrate_mode(VideoEncoderBitrateMode::Quantizer);
    } else {
        config.set_bitrate_f64(c.bitrate as f64);
        config.set_bitrate_mode(VideoEncoderBitrateMode::Variable);
    }
    config.set_latency_mode(LatencyMode::Quality);
    // H.264 as length-prefixed NAL units with an avcC record: what the MP4 and Matroska writers store.
    if c.codec.starts_with("avc1") {
        let avc = js_sys::Object::new();
        let _ = Reflect::set(&avc, &"format".into(), &"avc".into());
        let _ = Reflect::set(&config, &"avc".into(), &avc);
    }
    config
}

pub fn audio_config(c: &AudioCandidate) -> AudioEncoderConfig {
    let config = AudioEncoderConfig::new(&c.codec, c.number_of_channels, c.sample_rate);
    config.set_bitrate_f64(c.bitrate as f64);
    config
}

/// The first video candidate this browser can encode.
pub async fn negotiate_video(candidates: &[VideoCandidate]) -> Option<VideoCandidate> {
    for c in candidates {
        if let Ok(s) = VideoEncoder::is_config_supported(&video_config(c)).await {
            if s.get_supported().unwrap_or(false) {
                return Some(c.clone());
            }
        }
    }
    None
}

/// The codec-specific encode option that carries a frame's quantizer (WebCodecs' codec
/// registrations: `avc`, `vp9` and `av1` each take `{quantizer}`).
/// VP8 has none (nor does `quantizer_for_crf` give it one).
fn per_frame_quantizer(
    family: VideoFamily,
    quantizer: u32,
) -> Option<(&'static str, js_sys::Object)> {
    let key = match family {
        VideoFamily::Avc => "avc",
        VideoFamily::Vp9 => "vp9",
        VideoFamily::Av1 => "av1",
        VideoFamily::Vp8 => return None,
    };
    let options = js_sys::Object::new();
    let _ = Reflect::set(&options, &"quantizer".into(), &quantizer.into());
    Some((key, options))
}

/// The `decoderConfig.description` an encoder reports with its first chunk (avcC, AudioSpecificConfig, OpusHead).
fn description_of(metadata: &JsValue) -> Option<Vec<u8>> {
    let config = Reflect::get(metadata, &"decoderConfig".into()).ok()?;
    let desc = Reflect::get(&config, &"description".into()).ok()?;
    if desc.is_undefined() || desc.is_null() {
        return None;
    }
    let bytes = if desc.is_instance_of::<js_sys::ArrayBuffer>() {
        Uint8Array::new(&desc)
    } else {
        let view: js_sys::Object = desc.unchecked_into();
        let buffer = Reflect::get(&view, &"buffer".into()).ok()?;
        let offset = Reflect::get(&view, &"byteOffset".into()).ok()?.as_f64()? as u32;
        let len = Reflect::get(&view, &"byteLength".into()).ok()?.as_f64()? as u32;
        Uint8Array::new_with_byte_offset_and_length(&buffer, offset, len)
    };
    Some(bytes.to_vec())
}

/// State the output callback shares: chunks, the first error, the decoder description.
struct Outputs {
    queue: Rc<OutputQueue<EncodedChunk>>,
    description: Rc<RefCell<Option<Vec<u8>>>>,
}

impl Outputs {
    fn new() -> Self {
        Self {
            queue: OutputQueue::new(),
            description: Rc::new(RefCell::new(None)),
        }
    }
}

/// Keeps the first decoder description an encoder reports.
fn keep_description(slot: &RefCell<Option<Vec<u8>>>, metadata: &JsValue) {
    if slot.borrow().is_none() {
        *slot.borrow_mut() = description_of(metadata);
    }
}

pub struct VideoEncoderBox {
    encoder: VideoEncoder,
    out: Outputs,
    codec: String,
    /// `{avc|vp9|av1: {quantizer}}` given with every frame in quantizer mode.
    per_frame: Option<(&'static str, js_sys::Object)>,
    _output: Closure<dyn FnMut(EncodedVideoChunk, JsValue)>,
    _error: Closure<dyn FnMut(JsValue)>,
    _dequeue: Closure<dyn FnMut()>,
}

impl VideoEncoderBox {
    pub fn open(candidate: &VideoCandidate) -> Result<Self, ApiError> {
        let out = Outputs::new();
        let (q, d) = (out.queue.clone(), out.description.clone());
        let output = Closure::<dyn FnMut(EncodedVideoChunk, JsValue)>::new(
            move |chunk: EncodedVideoChunk, meta: JsValue| {
                keep_description(&d, &meta);
                let mut data = vec![0u8; chunk.byte_length() as usize];
                if let Err(e) = chunk.copy_to_with_u8_slice(&mut data) {
                    q.fail(ApiError::internal(format!(
                        "copying an encoded video chunk failed: {}",
                        js_message(&e)
                    )));
                    return;
                }
                q.push(EncodedChunk {
                    timestamp_us: chunk.timestamp() as i64,
                    duration_us: chunk.duration().unwrap_or(0.0) as i64,
                    key: chunk.type_() == EncodedVideoChunkType::Key,
                    data,
                });
            },
        );
        let vcodec = candidate.codec.to_string();
        let error = out
            .queue
            .error_callback(move |e| encode_error("video", &vcodec, None, e));
        let dequeue = out.queue.dequeue_callback();
        let init = VideoEncoderInit::new(
            error.as_ref().unchecked_ref(),
            output.as_ref().unchecked_ref(),
        );
        let encoder = VideoEncoder::new(&init).map_err(|e| {
            ApiError::unsupported(format!(
                "VideoEncoder could not be created: {}",
                js_message(&e)
            ))
        })?;
        encoder.set_ondequeue(Some(dequeue.as_ref().unchecked_ref()));
        let this = Self {
            encoder,
            out,
            codec: candidate.codec.to_string(),
            per_frame: candidate
                .quantizer
                .and_then(|q| per_frame_quantizer(candidate.family, q)),
            _output: output,
            _error: error,
            _dequeue: dequeue,
        };
        this.encoder
            .configure(&video_config(candidate))
            .map_err(|e| {
                ApiError::unsupported(format!(
                    "the video encoder refused {}: {}",
                    candidate.codec,
                    js_message(&e)
                ))
            })?;
        Ok(this)
    }

    pub fn chunks(&self) -> &OutputQueue<EncodedChunk> {
        &self.out.queue
    }
    pub fn description(&self) -> Option<Vec<u8>> {
        self.out.description.borrow().clone()
    }

    /// Encodes `frame` once fewer than `max_queue` frames wait inside the encoder.
    pub async fn encode(
        &self,
        frame: &VideoFrame,
        key: bool,
        max_queue: u32,
    ) -> Result<(), ApiError> {
        let queue = &self.out.queue;
        queue
            .wait_while(|| self.encoder.encode_queue_size() > max_queue)
            .await?;
        let options = VideoEncoderEncodeOptions::new();
        options.set_key_frame(key);
        if let Some((codec_key, quantizer)) = &self.per_frame {
            let _ = Reflect::set(&options, &(*codec_key).into(), quantizer);
        }
        self.encoder
            .encode_with_options(frame, &options)
            .map_err(|e| encode_error("video", &self.codec, Some(frame.timestamp() as i64), &e))
    }

    pub async fn flush(&self) -> Result<(), ApiError> {
        self.out.queue.check()?;
        let result = self.encoder.flush().await;
        self.out.queue.check()?;
        result
            .map(|_| ())
            .map_err(|e| encode_error("video", &self.codec, None, &e))
    }
}

impl Drop for VideoEncoderBox {
    fn drop(&mut self) {
        self.encoder.set_ondequeue(None);
        if self.encoder.state() != CodecState::Closed {
            let _ = self.encoder.close();
        }
    }
}

pub struct AudioEncoderBox {
    encoder: AudioEncoder,
    out: Outputs,
    codec: String,
    _output: Closure<dyn FnMut(EncodedAudioChunk, JsValue)>,
    _error: Closure<dyn FnMut(JsValue)>,
    _dequeue: Closure<dyn FnMut()>,
}

impl AudioEncoderBox {
    /// An encoder made by `class` (the browser's, or the wasm AAC one negotiation chose).
    pub fn open(candidate: &AudioCandidate, class: &AudioEncoderClass) -> Result<Self, ApiError> {
        let out = Outputs::new();
        let (q, d) = (out.queue.clone(), out.description.clone());
        let output = Closure::<dyn FnMut(EncodedAudioChunk, JsValue)>::new(
            move |chunk: EncodedAudioChunk, meta: JsValue| {
                keep_description(&d, &meta);
                let mut data = vec![0u8; chunk.byte_length() as usize];
                if let Err(e) = chunk.copy_to_with_u8_slice(&mut data) {
                    q.fail(ApiError::internal(format!(
                        "copying an encoded audio chunk failed: {}",
                        js_message(&e)
                    )));
                    return;
                }
                q.push(EncodedChunk {
                    timestamp_us: chunk.timestamp() as i64,
                    duration_us: chunk.duration().unwrap_or(0.0) as i64,
                    key: true,
                    data,
                });
            },
        );
        let acodec = candidate.codec.to_string();
        let error = out
            .queue
            .error_callback(move |e| encode_error("audio", &acodec, None, e));
        let dequeue = out.queue.dequeue_callback();
        let init = AudioEncoderInit::new(
            error.as_ref().unchecked_ref(),
            output.as_ref().unchecked_ref(),
        );
        let encoder = class.construct(&init)?;
        encoder.set_ondequeue(Some(dequeue.as_ref().unchecked_ref()));
        let this = Self {
            encoder,
            out,
            codec: candidate.codec.to_string(),
            _output: output,
            _error: error,
            _dequeue: dequeue,
        };
        this.encoder
            .configure(&audio_config(candidate))
            .map_err(|e| {
                ApiError::unsupported(format!(
                    "the audio encoder refused {}: {}",
                    candidate.codec,
                    js_message(&e)
                ))
            })?;
        Ok(this)
    }

    pub fn chunks(&self) -> &OutputQueue<EncodedChunk> {
        &self.out.queue
    }
    pub fn description(&self) -> Option<Vec<u8>> {
        self.out.description.borrow().clone()
    }

    pub async fn encode(&self, data: &AudioData, max_queue: u32) -> Result<(), ApiError> {
        let queue = &self.out.queue;
        queue
            .wait_while(|| self.encoder.encode_queue_size() > max_queue)
            .await?;
        self.encoder
            .encode(data)
            .map_err(|e| encode_error("audio", &self.codec, Some(data.timestamp() as i64), &e))
    }

    pub async fn flush(&self) -> Result<(), ApiError> {
        self.out.queue.check()?;
        let result = self.encoder.flush().await;
        self.out.queue.check()?;
        result
            .map(|_| ())
            .map_err(|e| encode_error("audio", &self.codec, None, &e))
    }
}

impl Drop for AudioEncoderBox {
    fn drop(&mut self) {
        self.encoder.set_ondequeue(None);
        if self.encoder.state() != CodecState::Closed {
            let _ = self.encoder.close();
        }
    }
}
