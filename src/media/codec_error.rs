//! What a failed browser decoder or encoder means for the job, decided in one place (pure, tested
//! natively): a decoder that rejects an input's data makes it `InvalidMedia.Corrupt`; a codec the
//! browser cannot run (`NotSupportedError`, a refused configuration, any encoder failure) is
//! `InvalidMedia.Unsupported`. Every message names the codec and, where known, the media time.
//! `Internal` is not used for codec failures: they come from the input or the browser, not a bug.

use crate::num_text::Num;
use crate::ApiError;

/// Which side of the pipeline failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodecRole {
    Decoder,
    Encoder,
}

/// The job error for a codec failure. `kind` is `video` or `audio`; `codec` the codec name or
/// string; `at_us` the timestamp of the chunk or frame concerned (input time for a decoder,
/// output time for an encoder); `js_name` the exception's name (`DataError`, `EncodingError`,
/// `NotSupportedError`, `InvalidStateError`, ...) and `message` its text.
pub fn codec_failure(
    role: CodecRole,
    kind: &str,
    codec: &str,
    at_us: Option<i64>,
    js_name: &str,
    message: &str,
) -> ApiError {
    let at = at_us.map_or(String::new(), |us| {
        let side = if role == CodecRole::Decoder {
            "of the input"
        } else {
            "of the output"
        };
        format!(" at {:.3} s {side}", Num(us as f64 / 1e6))
    });
    let detail = if message.is_empty() { js_name } else { message };
    match role {
        CodecRole::Decoder if js_name == "NotSupportedError" => ApiError::unsupported(format!(
            "this browser cannot decode {kind} codec {codec}{at}: {detail}"
        )),
        CodecRole::Decoder => {
            ApiError::corrupt(format!("{kind} decoding failed ({codec}){at}: {detail}"))
        }
        CodecRole::Encoder => ApiError::unsupported(format!(
            "the browser's {kind} encoder ({codec}) failed{at}: {detail}"
        )),
    }
}
