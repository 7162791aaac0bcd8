//! Native FLAC streams: `fLaC`, metadata blocks (STREAMINFO first), then frames. Frames carry no
//! length, so a frame ends where the next one begins: a sync code whose header passes its CRC-8
//! and whose preceding bytes pass the frame's CRC-16 (a sync pattern inside compressed audio
//! fails one of the two). Each frame is one WebCodecs chunk (`flac`, description `fLaC` +
//! STREAMINFO, as Matroska and MP4 carry it).

use super::{packet, single_track, AudioPackets, Bytes};
use crate::media::codec_config::parse_flac_streaminfo;
use crate::media::{AudioInfo, MediaInfo, Packet};
use crate::ApiError;

/// No FLAC frame is longer than this (the format's limit for 8 channels of 32-bit samples at the
/// largest block size is about 1 MiB, and real encoders stay far below).
const MAX_FRAME: usize = 1 << 20;

fn crc8(data: &[u8]) -> u8 {
    data.iter().fold(0u8, |mut crc, &b| {
        crc ^= b;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
        crc
    })
}

fn crc16_update(mut crc: u16, data: &[u8]) -> u16 {
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x8005
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The block size (samples per channel) of the frame header at the start of `b`, when it is a
/// valid header (its CRC-8 included).
pub(crate) fn frame_header(b: &[u8]) -> Option<u32> {
    if b.len() < 6 || b[0] != 0xFF || b[1] & 0xFE != 0xF8 || b[3] & 1 != 0 {
        return None;
    }
    let size_code = b[2] >> 4;
    let rate_code = b[2] & 0x0F;
    if size_code == 0 || rate_code == 15 || b[3] >> 4 > 10 || (b[3] >> 1) & 7 == 3 {
        return None;
    }
    // The frame or sample number, UTF-8 style: the leading ones give the byte count.
    let lead = b[4].leading_ones() as usize;
    if lead == 1 || lead > 7 {
        return None;
    }
    let mut at = 5 + lead.saturating_sub(1);
    if b.get(5..at)?.iter().any(|c| c & 0xC0 != 0x80) {
        return None;
    }
    let block = match size_code {
        1 => 192,
        2..=5 => 576 << (size_code - 2),
        6 => {
            at += 1;
            u32::from(*b.get(at - 1)?) + 1
        }
        7 => {
            at += 2;
            u32::from(u16::from_be_bytes([*b.get(at - 2)?, *b.get(at - 1)?])) + 1
        }
        _ => 256 << (size_code - 8),
    };
    at += match rate_code {
        12 => 1,
        13 | 14 => 2,
        _ => 0,
    };
    (crc8(b.get(..at)?) == *b.get(at)?).then_some(block)
}

pub(super) struct FlacDemuxer {
    bytes: Bytes,
    pos: u64,
    info: MediaInfo,
    rate: u32,
    samples: u64,
}

impl FlacDemuxer {
    /// `start`: where `fLaC` is (after an ID3v2 tag, if any).
    pub(super) fn open(mut bytes: Bytes, start: u64) -> Result<Self, ApiError> {
        let mut pos = start + 4;
        let mut streaminfo = None;
        loop {
            let Some(h) = bytes.exact(pos, 4)? else {
                return Err(ApiError::corrupt(
                    "FLAC: the metadata ends before any audio",
                ));
            };
            let (last, kind) = (h[0] & 0x80 != 0, h[0] & 0x7F);
            let len = u32::from_be_bytes([0, h[1], h[2], h[3]]) as usize;
            if kind == 0 {
                let Some(body) = bytes.exact(pos + 4, len)? else {
                    return Err(ApiError::corrupt("FLAC: STREAMINFO is cut short"));
                };
                if len < 34 {
                    return Err(ApiError::corrupt("FLAC: STREAMINFO is too short"));
                }
                streaminfo = Some(body[..34].to_vec());
            }
            pos += 4 + len as u64;
            if last {
                break;
            }
        }
        let streaminfo =
            streaminfo.ok_or_else(|| ApiError::corrupt("FLAC: no STREAMINFO block"))?;
        // The description: the marker and STREAMINFO as the only (last) metadata block.
        let mut description = b"fLaC\x80\x00\x00\x22".to_vec();
        description.extend_from_slice(&streaminfo);
        let (rate, channels) = parse_flac_streaminfo(&description)
            .filter(|(r, _)| *r > 0)
            .ok_or_else(|| ApiError::corrupt("FLAC: STREAMINFO gives no sample rate"))?;
        let total = u64::from_be_bytes([
            0,
            0,
            0,
            streaminfo[13] & 0x0F,
            streaminfo[14],
            streaminfo[15],
            streaminfo[16],
            streaminfo[17],
        ]);
        let info = AudioInfo {
            codec: "flac".into(),
            description: Some(description),
            sample_rate: rate,
            channels,
        };
        let duration = total as f64 / f64::from(rate);
        if frame_header(bytes.get(pos, 16)?).is_none() {
            return Err(ApiError::corrupt(format!(
                "FLAC: no frame where the audio should start (byte {pos})"
            )));
        }
        Ok(Self {
            bytes,
            pos,
            info: single_track("flac", info, "flac", duration),
            rate,
            samples: 0,
        })
    }
}

impl AudioPackets for FlacDemuxer {
    fn info(&self) -> &MediaInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError> {
        let start = self.pos;
        let head = self.bytes.get(start, 16)?;
        if head.len() < 6 {
            return Ok(None); // fewer bytes left than any frame header: the end
        }
        let block = frame_header(head).ok_or_else(|| {
            ApiError::corrupt(format!(
                "FLAC: no frame header at byte {start} (the file is damaged)"
            ))
        })?;
        // The frame ends before the next valid header whose preceding bytes pass the CRC-16, or at
        // the end of the file.
        let end_of_file = self.bytes.len();
        let mut crc = 0u16;
        let mut checked = start; // bytes [start, checked) are in `crc`
        let mut at = start + 2;
        let end = loop {
            if at + 2 > end_of_file {
                break end_of_file;
            }
            if (at - start) as usize > MAX_FRAME {
                return Err(ApiError::corrupt(format!(
                    "FLAC: the frame at byte {start} has no end (the file is damaged)"
                )));
            }
            let window = self.bytes.get(at, 16)?;
            if window[0] == 0xFF && frame_header(window).is_some() {
                crc = crc16_update(crc, self.bytes.get(checked, (at - checked) as usize)?);
                checked = at;
                if crc == 0 {
                    // CRC-16 over a frame including its stored CRC is zero.
                    break at;
                }
            }
            at += 1;
        };
        let data = self.bytes.get(start, (end - start) as usize)?.to_vec();
        if end == end_of_file && crc16_update(0, &data) != 0 {
            return Err(ApiError::corrupt(format!(
                "FLAC: the last frame (byte {start}) fails its checksum (the file is cut short or damaged)"
            )));
        }
        self.pos = end;
        let p = packet(data, self.samples, u64::from(block), self.rate);
        self.samples += u64::from(block);
        Ok(Some(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crcs() {
        // CRC-8 (poly 0x07) and CRC-16 (poly 0x8005) check values of "123456789".
        assert_eq!(crc8(b"123456789"), 0xF4);
        assert_eq!(crc16_update(0, b"123456789"), 0xFEE8);
        let mut with = b"123456789".to_vec();
        with.extend_from_slice(&0xFEE8u16.to_be_bytes());
        assert_eq!(crc16_update(0, &with), 0);
    }

    #[test]
    fn header() {
        // Fixed block size 4096 (code 12), 44.1 kHz (code 9), stereo, 16 bit, frame 0.
        let mut h = vec![0xFF, 0xF8, 0xC9, 0x18, 0x00];
        h.push(crc8(&h));
        assert_eq!(frame_header(&h), Some(4096));
        h[5] ^= 1;
        assert_eq!(frame_header(&h), None);
    }
}
