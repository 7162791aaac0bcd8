//! The benchmark's pure-decode baseline: demux and decode every video frame of an input with the
//! engine's own demuxer, decoder settings and queue depth, closing each frame at once (no
//! analysis). The analysis' speed is reported as a ratio to this, so both must share one path.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::analyse::MAX_DECODE_QUEUE;
use super::api::to_js;
use super::codec::{video_config, video_decoder_config, VideoDecoderBox};
use super::encoders::negotiate_encoders;
use super::source::JsByteSource;
use crate::engine::{RenderSettings, VideoEncoding};
use crate::job::spec::{Container, DEFAULT_GOP_SIZE};
use crate::media;
use crate::ApiError;

/// Decodes every video frame behind `reader`; returns how many came out.
#[wasm_bindgen(js_name = decodeAllFrames)]
pub async fn decode_all_frames(
    #[wasm_bindgen(unchecked_param_type = "unknown")] reader: JsValue,
) -> Result<u32, JsValue> {
    decode(reader).await.map_err(to_js)
}

async fn decode(reader: JsValue) -> Result<u32, ApiError> {
    let mut demuxer = media::open(Box::new(JsByteSource::new(reader)?))?;
    let track = demuxer
        .info()
        .video_track()
        .cloned()
        .ok_or_else(|| ApiError::unsupported("the input has no video track"))?;
    let config = video_decoder_config(&track).await?;
    // Every frame is counted and closed in the output callback (`Frame`'s Drop): nothing is kept.
    let frames = Rc::new(Cell::new(0u32));
    let counted = frames.clone();
    let video = VideoDecoderBox::open(&config, &track.codec_name, move |_| {
        counted.set(counted.get() + 1);
        false
    })?;
    while let Some(packet) = demuxer.next_packet()? {
        if packet.track_id != track.id {
            continue;
        }
        while video.pending() > MAX_DECODE_QUEUE {
            video.wait().await;
        }
        video.decode(&packet)?;
    }
    video.flush().await?;
    Ok(frames.get())
}

/// The `VideoEncoderConfig` the engine negotiates for a plain MP4 reel of this size and rate (no
/// codec, bit rate or CRF asked for): the pure-encode baseline configures its encoder exactly so.
#[wasm_bindgen(js_name = engineVideoEncoderConfig)]
pub async fn engine_video_encoder_config(
    width: u32,
    height: u32,
    fps: f64,
) -> Result<web_sys::VideoEncoderConfig, JsValue> {
    let settings = RenderSettings {
        width,
        height,
        fps,
        gop: DEFAULT_GOP_SIZE,
        container: Container::Mp4,
        placement: None,
        source_volume: 1.0,
        speed: 1.0,
        video: VideoEncoding {
            codec: None,
            bitrate_bps: None,
            crf: None,
        },
        video_disabled: false,
        audio: None,
        loudness: None,
        segment: None,
    };
    // No audio: the wasm AAC loader is never asked for.
    let no_aac = || Err(JsValue::from_str("the video baseline encodes no audio"));
    let encoding = negotiate_encoders(&settings, &no_aac)
        .await
        .map_err(to_js)?;
    let video = encoding
        .video
        .as_ref()
        .ok_or_else(|| to_js(crate::ApiError::internal("no video encoder was negotiated")))?;
    Ok(video_config(video))
}
