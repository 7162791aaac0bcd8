//! WebCodecs driven from Rust: decoders whose outputs land in Rust queues, and owners of every
//! browser object that must be released (`VideoFrame`, `AudioData`, the codecs themselves), whose
//! `Drop` releases them, so no early return or error path can leak a decoder buffer.

mod audio_decoder;
mod audio_encoder_class;
mod chunk;
mod config;
mod encoder;
mod frame;
mod queue;
mod video_decoder;
mod wake;

pub use audio_decoder::AudioDecoderBox;
pub use audio_encoder_class::AudioEncoderClass;
pub use config::{audio_decoder_config, video_decoder_config};
pub use encoder::{
    audio_config, negotiate_video, video_config, AudioEncoderBox, EncodedChunk, VideoEncoderBox,
};
pub use frame::{wasm_f32_view, wasm_view, AudioBlock, Frame};
pub use video_decoder::VideoDecoderBox;
pub use wake::Notify;

use crate::media::codec_error::{codec_failure, CodecRole};
use crate::ApiError;
use wasm_bindgen::{JsCast, JsValue};

/// The message of a JS exception (`DOMException`, `Error`, or a plain value).
pub fn js_message(err: &JsValue) -> String {
    if let Some(e) = err.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    if let Some(s) = err.as_string() {
        return s;
    }
    js_sys::Reflect::get(err, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{err:?}"))
}

/// The name of a JS exception (`DataError`, `NotSupportedError`, ...), empty when it has none.
pub fn js_name(err: &JsValue) -> String {
    js_sys::Reflect::get(err, &"name".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_default()
}

/// A decode failure of one input: the browser rejected a chunk or the codec errored
/// (`InvalidMedia.Corrupt`, or `Unsupported` for a codec it cannot run), naming codec and time.
pub(crate) fn decode_error(what: &str, codec: &str, at_us: Option<i64>, err: &JsValue) -> ApiError {
    codec_failure(
        CodecRole::Decoder,
        what,
        codec,
        at_us,
        &js_name(err),
        &js_message(err),
    )
}

/// The error of a decoder that closed itself after an error its callback has not reported yet:
/// the queued error if there is one, otherwise one saying so.
pub(crate) fn closed_decoder(
    reported: Option<ApiError>,
    what: &str,
    codec: &str,
    at_us: Option<i64>,
) -> ApiError {
    reported.unwrap_or_else(|| {
        codec_failure(
            CodecRole::Decoder,
            what,
            codec,
            at_us,
            "InvalidStateError",
            "the decoder closed after an earlier error",
        )
    })
}

/// An encoder failure (`InvalidMedia.Unsupported`), naming codec and output time.
pub(crate) fn encode_error(what: &str, codec: &str, at_us: Option<i64>, err: &JsValue) -> ApiError {
    codec_failure(
        CodecRole::Encoder,
        what,
        codec,
        at_us,
        &js_name(err),
        &js_message(err),
    )
}
