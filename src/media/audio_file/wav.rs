//! WAV (RIFF WAVE) PCM: `fmt ` and `data` chunks; the samples are converted in Rust
//! ([`pcm_planes`]), no decoder needed. The track's codec is the WebCodecs PCM name of its sample
//! format (`pcm-u8`, `pcm-s16`, `pcm-s24`, `pcm-s32`, `pcm-f32`).

use super::{packet, single_track, AudioPackets, Bytes};
use crate::media::{AudioInfo, MediaInfo, Packet};
use crate::ApiError;

/// Frames per packet.
const BLOCK_FRAMES: u64 = 4096;

pub(super) struct WavDemuxer {
    bytes: Bytes,
    pos: u64,
    end: u64,
    frame_bytes: u64,
    rate: u32,
    samples: u64,
    info: MediaInfo,
}

impl WavDemuxer {
    pub(super) fn open(mut bytes: Bytes) -> Result<Self, ApiError> {
        let mut pos = 12u64;
        let mut format = None;
        loop {
            let Some(h) = bytes.exact(pos, 8)? else {
                return Err(ApiError::corrupt("WAV: no data chunk"));
            };
            let id: [u8; 4] = [h[0], h[1], h[2], h[3]];
            let len = u64::from(u32::from_le_bytes([h[4], h[5], h[6], h[7]]));
            let body = pos + 8;
            match &id {
                b"fmt " => {
                    let f = bytes
                        .exact(body, len.min(40) as usize)?
                        .filter(|f| f.len() >= 16)
                        .ok_or_else(|| ApiError::corrupt("WAV: the fmt chunk is cut short"))?;
                    format = Some(f.to_vec());
                }
                b"data" => {
                    let f = format.ok_or_else(|| ApiError::corrupt("WAV: data before fmt"))?;
                    let mut tag = u16::from_le_bytes([f[0], f[1]]);
                    if tag == 0xFFFE && f.len() >= 26 {
                        tag = u16::from_le_bytes([f[24], f[25]]); // the extensible sub-format
                    }
                    let channels = u32::from(u16::from_le_bytes([f[2], f[3]]));
                    let rate = u32::from_le_bytes([f[4], f[5], f[6], f[7]]);
                    let bits = u16::from_le_bytes([f[14], f[15]]);
                    let codec = match (tag, bits) {
                        (1, 8) => "pcm-u8",
                        (1, 16) => "pcm-s16",
                        (1, 24) => "pcm-s24",
                        (1, 32) => "pcm-s32",
                        (3, 32) => "pcm-f32",
                        _ => {
                            return Err(ApiError::unsupported(format!(
                                "WAV with format tag {tag:#06x} at {bits} bits (reelcut reads 8/16/24/32-bit integer and 32-bit float PCM)"
                            )))
                        }
                    };
                    if channels == 0 || !(1000..=768_000).contains(&rate) {
                        return Err(ApiError::corrupt(format!(
                            "WAV: {channels} channels at {rate} Hz"
                        )));
                    }
                    let frame_bytes = u64::from(channels) * u64::from(bits / 8);
                    // A streamed WAV may leave the size at 0 or 0xFFFFFFFF: to the end of the file.
                    let end = if len == 0 || len == 0xFFFF_FFFF {
                        bytes.len()
                    } else {
                        (body + len).min(bytes.len())
                    };
                    let frames = (end - body) / frame_bytes;
                    let info = AudioInfo {
                        codec: codec.into(),
                        description: None,
                        sample_rate: rate,
                        channels,
                    };
                    return Ok(Self {
                        bytes,
                        pos: body,
                        end,
                        frame_bytes,
                        rate,
                        samples: 0,
                        info: single_track("wav", info, codec, frames as f64 / f64::from(rate)),
                    });
                }
                _ => {}
            }
            pos = body + len + (len & 1);
        }
    }
}

impl AudioPackets for WavDemuxer {
    fn info(&self) -> &MediaInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError> {
        let frames = ((self.end - self.pos) / self.frame_bytes).min(BLOCK_FRAMES);
        if frames == 0 {
            return Ok(None);
        }
        let n = (frames * self.frame_bytes) as usize;
        let data = self
            .bytes
            .exact(self.pos, n)?
            .ok_or_else(|| ApiError::corrupt("WAV: the data is cut short"))?
            .to_vec();
        self.pos += n as u64;
        let p = packet(data, self.samples, frames, self.rate);
        self.samples += frames;
        Ok(Some(p))
    }
}

/// Interleaved little-endian PCM of `codec` (a `pcm-*` name) as one f32 plane per channel, in
/// -1..1; `None` for another codec.
pub fn pcm_planes(codec: &str, channels: usize, data: &[u8]) -> Option<Vec<Vec<f32>>> {
    let width = match codec {
        "pcm-u8" => 1,
        "pcm-s16" => 2,
        "pcm-s24" => 3,
        "pcm-s32" | "pcm-f32" => 4,
        _ => return None,
    };
    let sample = |b: &[u8]| -> f32 {
        match codec {
            "pcm-u8" => (f32::from(b[0]) - 128.0) / 128.0,
            "pcm-s16" => f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0,
            "pcm-s24" => (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0,
            "pcm-s32" => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 / 2_147_483_648.0,
            _ => f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        }
    };
    let channels = channels.max(1);
    let frames = data.len() / (width * channels);
    let mut planes = vec![Vec::with_capacity(frames); channels];
    for frame in data.chunks_exact(width * channels) {
        for (c, s) in frame.chunks_exact(width).enumerate() {
            planes[c].push(sample(s));
        }
    }
    Some(planes)
}

#[cfg(test)]
mod tests {
    use super::pcm_planes;

    #[test]
    fn pcm() {
        let s16 = [0x00, 0x80, 0xFF, 0x7F, 0x00, 0x40, 0x00, 0x00];
        assert_eq!(
            pcm_planes("pcm-s16", 2, &s16),
            Some(vec![vec![-1.0, 0.5], vec![32767.0 / 32768.0, 0.0]])
        );
        assert_eq!(
            pcm_planes("pcm-s24", 1, &[0, 0, 0xC0]),
            Some(vec![vec![-0.5]])
        );
        assert_eq!(
            pcm_planes("pcm-u8", 1, &[0, 128]),
            Some(vec![vec![-1.0, 0.0]])
        );
        assert_eq!(pcm_planes("mp3", 1, &[]), None);
    }
}
