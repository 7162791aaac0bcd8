//! Demuxed packets as WebCodecs chunks (timestamps in microseconds). The chunk constructors copy
//! the bytes, so they are handed a view of wasm memory rather than a fresh JS copy per packet.

use super::wasm_view;
use web_sys::{
    EncodedAudioChunk, EncodedAudioChunkInit, EncodedAudioChunkType, EncodedVideoChunk,
    EncodedVideoChunkInit, EncodedVideoChunkType,
};

use crate::media::Packet;

pub(super) fn video_chunk(p: &Packet) -> Result<EncodedVideoChunk, wasm_bindgen::JsValue> {
    let kind = if p.is_key {
        EncodedVideoChunkType::Key
    } else {
        EncodedVideoChunkType::Delta
    };
    let init = EncodedVideoChunkInit::new(&packet_view(p), 0, kind);
    init.set_timestamp_f64(p.pts_us as f64);
    init.set_duration_f64(p.duration_us.max(0) as f64);
    EncodedVideoChunk::new(&init)
}

/// Every audio packet of the codecs reelcut reads decodes on its own: all are key chunks.
pub(super) fn audio_chunk(p: &Packet) -> Result<EncodedAudioChunk, wasm_bindgen::JsValue> {
    let init = EncodedAudioChunkInit::new(&packet_view(p), 0, EncodedAudioChunkType::Key);
    init.set_timestamp_f64(p.pts_us as f64);
    init.set_duration_f64(p.duration_us.max(0) as f64);
    EncodedAudioChunk::new(&init)
}

fn packet_view(p: &Packet) -> js_sys::Uint8Array {
    wasm_view(p.data.as_ptr() as u32, p.data.len() as u32)
}
