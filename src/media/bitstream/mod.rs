//! Tells from a compressed video packet, without decoding it, whether the frame it holds is a
//! reference for later frames.
//!
//! Analysis samples at most 15 frames per second from sources that are often 30 fps; a frame that
//! no later frame depends on and that is not itself sampled need not be decoded at all. The
//! answer is deliberately conservative: [`FrameReference::NonReference`] only when the headers
//! show that skipping the frame leaves every later frame unchanged, and
//! [`FrameReference::Unknown`] whenever a header does not parse or the codec is not covered
//! (HEVC and anything else), in which case the caller decodes the frame.
//!
//! Covered: H.264 (avcC length-prefixed NAL units), VP8, VP9 (with superframes) and AV1
//! (low-overhead OBUs). Pure Rust, no browser types; no input can make it panic.

mod av1;
mod bit_reader;
mod bool_decoder;
mod h264;
mod vp8;
mod vp9;

use super::TrackInfo;

/// Whether later frames depend on the frame in a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameReference {
    /// Later frames (may) depend on it: it must be decoded.
    Reference,
    /// No later frame depends on it: it can be skipped unless it is wanted itself.
    NonReference,
    /// The packet could not be classified (unsupported codec, malformed or truncated header).
    Unknown,
}

#[derive(Debug, Clone)]
enum Codec {
    H264 { length_size: usize },
    Vp8(vp8::Vp8State),
    Vp9(vp9::Vp9State),
    Av1(av1::Av1State),
    Unsupported,
}

/// Classifies the packets of one video track, in decode order.
///
/// Feed it every packet of the track in decode order (after a seek, from the key frame the
/// demuxer resumes at): VP8 and VP9 follow the loop-filter deltas in force (VP9 also whether
/// the stream has been error resilient since its key frame), AV1 an in-band sequence header and
/// which reference slots hold key frames (showing a key frame again refreshes every slot). Until
/// that state is known the answers err towards `Reference` / `Unknown`.
#[derive(Debug, Clone)]
pub struct ReferenceClassifier {
    codec: Codec,
}

impl ReferenceClassifier {
    /// Reads what the track's decoder description holds (avcC length size, av1C sequence header).
    pub fn new(track: &TrackInfo) -> Self {
        let description = track.video.as_ref().and_then(|v| v.description.as_deref());
        let codec = match track.codec_name.as_str() {
            "h264" => match description.and_then(h264::length_size) {
                Some(length_size) => Codec::H264 { length_size },
                None => Codec::Unsupported,
            },
            "vp8" => Codec::Vp8(vp8::Vp8State::default()),
            "vp9" => Codec::Vp9(vp9::Vp9State::default()),
            "av1" => Codec::Av1(av1::Av1State::new(description)),
            _ => Codec::Unsupported,
        };
        Self { codec }
    }

    /// Classifies the next packet of the track.
    pub fn classify(&mut self, packet: &[u8]) -> FrameReference {
        match &mut self.codec {
            Codec::H264 { length_size } => h264::classify(packet, *length_size),
            Codec::Vp8(state) => state.classify(packet),
            Codec::Vp9(state) => state.classify(packet),
            Codec::Av1(state) => state.classify(packet),
            Codec::Unsupported => FrameReference::Unknown,
        }
    }
}

/// Classifies one packet on its own, knowing nothing about earlier packets: exact for H.264;
/// for VP8, VP9 and AV1 it errs towards `Reference` / `Unknown` where the answer depends on
/// earlier frames (VP9 then never says `NonReference`). Use a [`ReferenceClassifier`] for a
/// whole track.
pub fn reference_kind(track: &TrackInfo, packet: &[u8]) -> FrameReference {
    ReferenceClassifier::new(track).classify(packet)
}
