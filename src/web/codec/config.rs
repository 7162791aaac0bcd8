//! Decoder configurations from the demuxer's track descriptions, checked with
//! `isConfigSupported` so an undecodable input fails with a clear error naming its codec.

use js_sys::Uint8Array;
use web_sys::{AudioDecoder, AudioDecoderConfig, VideoDecoder, VideoDecoderConfig};

use crate::media::TrackInfo;
use crate::ApiError;

/// The video decoder configuration of `track`, or `InvalidMedia.Unsupported` naming the codec.
pub async fn video_decoder_config(track: &TrackInfo) -> Result<VideoDecoderConfig, ApiError> {
    let v = track.video.as_ref().ok_or_else(|| {
        ApiError::internal("video_decoder_config called on a track without video")
    })?;
    let config = VideoDecoderConfig::new(&v.codec);
    config.set_coded_width(v.coded_width);
    config.set_coded_height(v.coded_height);
    if let Some(d) = &v.description {
        config.set_description_u8_array(&Uint8Array::from(d.as_slice()));
    }
    let supported = match VideoDecoder::is_config_supported(&config).await {
        Ok(s) => s.get_supported().unwrap_or(false),
        Err(_) => false,
    };
    if !supported {
        return Err(ApiError::unsupported(format!(
            "video codec {} ({}, {}x{}) cannot be decoded by this browser's WebCodecs",
            track.codec_name, v.codec, v.coded_width, v.coded_height
        )));
    }
    Ok(config)
}

/// The audio decoder configuration of `track`, or `None` when this browser cannot decode it
/// (the caller goes on with the picture and notes it).
pub async fn audio_decoder_config(track: &TrackInfo) -> Option<AudioDecoderConfig> {
    let a = track.audio.as_ref()?;
    let config = AudioDecoderConfig::new(&a.codec, a.channels, a.sample_rate);
    if let Some(d) = &a.description {
        config.set_description_u8_array(&Uint8Array::from(d.as_slice()));
    }
    match AudioDecoder::is_config_supported(&config).await {
        Ok(s) if s.get_supported().unwrap_or(false) => Some(config),
        _ => None,
    }
}
