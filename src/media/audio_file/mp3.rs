//! MP3 (MPEG-1/2/2.5 Layer III) elementary streams: an optional ID3v2 tag, then frames whose
//! 4-byte headers give their length. Each frame is one WebCodecs chunk (`mp3`). The LAME/Xing
//! info frame at the start carries no audio and is skipped; a trailing ID3v1 tag ends the stream.

use super::{packet, single_track, AudioPackets, Bytes};
use crate::media::{AudioInfo, MediaInfo, Packet};
use crate::ApiError;

/// Bytes searched for the first frame after the tag (junk some encoders leave).
const MAX_LEADING_JUNK: u64 = 64 * 1024;

/// The length of an ID3v2 tag at the start of `head` (0 when there is none).
pub(super) fn id3_len(head: &[u8]) -> u64 {
    if head.len() < 10 || &head[..3] != b"ID3" {
        return 0;
    }
    let size = head[6..10]
        .iter()
        .fold(0u64, |acc, &b| (acc << 7) | u64::from(b & 0x7F));
    let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
    10 + size + footer
}

/// A parsed frame header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FrameHeader {
    pub sample_rate: u32,
    pub channels: u32,
    /// Whole frame, header included.
    pub len: usize,
    pub samples: u32,
    pub mpeg1: bool,
    pub crc: bool,
}

/// The header at the start of `b`; `Err(layer)` for a valid header of another layer.
pub(crate) fn parse_header(b: &[u8]) -> Option<Result<FrameHeader, u8>> {
    if b.len() < 4 || b[0] != 0xFF || b[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (b[1] >> 3) & 3; // 0: 2.5, 2: 2, 3: 1
    let layer = (b[1] >> 1) & 3; // 1: III, 2: II, 3: I
    let bitrate_index = usize::from(b[2] >> 4);
    let rate_index = usize::from((b[2] >> 2) & 3);
    if version == 1 || layer == 0 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    if layer != 1 {
        return Some(Err(4 - layer));
    }
    let mpeg1 = version == 3;
    const RATES: [u32; 3] = [44100, 48000, 32000];
    let sample_rate = RATES[rate_index]
        >> if mpeg1 {
            0
        } else if version == 2 {
            1
        } else {
            2
        };
    const KBPS_V1: [u32; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const KBPS_V2: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let kbps = if mpeg1 { KBPS_V1 } else { KBPS_V2 }[bitrate_index];
    let samples = if mpeg1 { 1152 } else { 576 };
    let padding = u32::from((b[2] >> 1) & 1);
    let len = (samples / 8 * kbps * 1000 / sample_rate + padding) as usize;
    Some(Ok(FrameHeader {
        sample_rate,
        channels: if b[3] >> 6 == 3 { 1 } else { 2 },
        len,
        samples,
        mpeg1,
        crc: b[1] & 1 == 0,
    }))
}

/// Whether a frame is the Xing/Info/VBRI header frame encoders put first (no audio).
fn is_info_frame(h: &FrameHeader, frame: &[u8]) -> bool {
    let side = match (h.mpeg1, h.channels) {
        (true, 1) => 17,
        (true, _) => 32,
        (false, 1) => 9,
        (false, _) => 17,
    };
    let at = 4 + side + if h.crc { 2 } else { 0 };
    let tag = |o: usize| frame.get(o..o + 4);
    matches!(tag(at), Some(b"Xing") | Some(b"Info")) || tag(36) == Some(b"VBRI")
}

pub(super) struct Mp3Demuxer {
    bytes: Bytes,
    pos: u64,
    info: MediaInfo,
    first: FrameHeader,
    samples: u64,
}

impl Mp3Demuxer {
    pub(super) fn open(mut bytes: Bytes, start: u64) -> Result<Self, ApiError> {
        // The first frame is where a header is followed by another one (or the end of the file).
        let mut pos = start;
        let limit = start + MAX_LEADING_JUNK;
        let first = loop {
            if pos >= limit || pos + 4 > bytes.len() {
                return Err(ApiError::unsupported(
                    "no MPEG audio frame found (not an MP3 file)",
                ));
            }
            match bytes.get(pos, 4).map(parse_header)? {
                Some(Err(layer)) => {
                    return Err(ApiError::unsupported(format!(
                        "MPEG audio layer {} (reelcut reads MP3, layer III)",
                        ["I", "II"][usize::from(layer - 1).min(1)]
                    )))
                }
                Some(Ok(h)) => {
                    let next = pos + h.len as u64;
                    let follows = next >= bytes.len()
                        || matches!(bytes.get(next, 4).map(parse_header)?, Some(Ok(n)) if n.sample_rate == h.sample_rate);
                    if follows {
                        break h;
                    }
                    pos += 1;
                }
                None => pos += 1,
            }
        };
        let frame = bytes.get(pos, first.len)?.to_vec();
        if is_info_frame(&first, &frame) {
            pos += first.len as u64;
        }
        let info = AudioInfo {
            codec: "mp3".into(),
            description: None,
            sample_rate: first.sample_rate,
            channels: first.channels,
        };
        Ok(Self {
            bytes,
            pos,
            info: single_track("mp3", info, "mp3", 0.0),
            first,
            samples: 0,
        })
    }
}

impl AudioPackets for Mp3Demuxer {
    fn info(&self) -> &MediaInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError> {
        let head = self.bytes.get(self.pos, 4)?;
        if head.len() < 4 || head.starts_with(b"TAG") || head.starts_with(b"APETAGEX") {
            return Ok(None);
        }
        let h = match parse_header(head) {
            Some(Ok(h)) if h.sample_rate == self.first.sample_rate => h,
            _ => {
                return Err(ApiError::corrupt(format!(
                    "MP3: no frame header at byte {} (the file is damaged)",
                    self.pos
                )))
            }
        };
        let Some(data) = self.bytes.exact(self.pos, h.len)? else {
            // A frame cut short by the end of the file: the decoder would reject it.
            return Ok(None);
        };
        let data = data.to_vec();
        self.pos += h.len as u64;
        let p = packet(data, self.samples, u64::from(h.samples), h.sample_rate);
        self.samples += u64::from(h.samples);
        Ok(Some(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        // MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding, joint stereo: 417 bytes.
        let h = parse_header(&[0xFF, 0xFB, 0x90, 0x44]).and_then(Result::ok);
        assert_eq!(
            h.map(|h| (h.len, h.sample_rate, h.channels, h.samples)),
            Some((417, 44100, 2, 1152))
        );
        // MPEG-2 layer III, 64 kbit/s, 24 kHz, mono: 72 * 64000 / 24000 = 192 bytes.
        let h = parse_header(&[0xFF, 0xF3, 0x84, 0xC0]).and_then(Result::ok);
        assert_eq!(
            h.map(|h| (h.len, h.sample_rate, h.channels, h.samples)),
            Some((192, 24000, 1, 576))
        );
        // Layer II is recognised and refused by name.
        assert_eq!(parse_header(&[0xFF, 0xFD, 0x90, 0x44]), Some(Err(2)));
        assert_eq!(parse_header(&[0xFF, 0xFB, 0xF0, 0x44]), None);
        assert_eq!(id3_len(b"ID3\x04\x00\x00\x00\x00\x02\x01"), 10 + 257);
    }
}
