//! What a muxer is told about each output track, shared by the MP4 and WebM/Matroska writers.
//!
//! The encoders run in the browser (WebCodecs); the writers only need the decoder configuration
//! the encoder reported (`EncodedVideoChunkMetadata.decoderConfig.description` and friends) and the
//! geometry / sample rate, so these types carry exactly that and nothing container specific.

use crate::ApiError;

/// One output track, in the order the writer numbers them (track index 0 is track id 1).
#[derive(Debug, Clone, PartialEq)]
pub enum TrackConfig {
    Video(VideoTrack),
    Audio(AudioTrack),
}

/// A video track of the output.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoTrack {
    pub codec: VideoCodec,
    /// Coded width in pixels (square pixels are assumed; the renderer outputs square pixels).
    pub width: u32,
    /// Coded height in pixels.
    pub height: u32,
    /// MP4 media timescale in ticks per second (e.g. 90000, or the frame rate times 1000);
    /// sample timestamps in microseconds are rounded to it. WebM ignores it (1 ms ticks).
    pub timescale: u32,
}

/// An audio track of the output.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioTrack {
    pub codec: AudioCodec,
    /// Sample rate in Hz; it is also the MP4 timescale of AAC tracks (Opus always uses 48000).
    pub sample_rate: u32,
    pub channels: u16,
}

/// Video codecs the writers can store.
#[derive(Debug, Clone, PartialEq)]
pub enum VideoCodec {
    /// H.264 in WebCodecs "avc" format: every sample is a sequence of length-prefixed NAL units
    /// and `avcc` is the AVCDecoderConfigurationRecord from the encoder's metadata.
    Avc { avcc: Vec<u8> },
    /// VP9; the values of the codec string (`vp09.PP.LL.DD...`) go into `vpcC` / CodecPrivate.
    Vp9(VpxConfig),
    /// AV1; `av1c` is the AV1CodecConfigurationRecord (starts with 0x81) from the encoder metadata.
    Av1 { av1c: Vec<u8> },
    /// VP8 (no decoder configuration needed).
    Vp8,
}

/// Audio codecs; anything but AAC and Opus is refused by the writers with a clear error.
#[derive(Debug, Clone, PartialEq)]
pub enum AudioCodec {
    /// AAC; the AudioSpecificConfig from `decoderConfig.description`. Matroska only, never WebM.
    Aac {
        audio_specific_config: Vec<u8>,
    },
    Opus(OpusConfig),
    /// Another codec by its WebCodecs name (`mp3`, `flac`, `vorbis`, ...). Kept so that a caller
    /// that forgot to negotiate gets the writer's explicit refusal instead of a corrupt file.
    Other(String),
}

/// VP8/VP9 stream description as in the VP codec ISO-BMFF binding (`vpcC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VpxConfig {
    pub profile: u8,
    /// Level times ten (10 = level 1, 31 = level 3.1).
    pub level: u8,
    pub bit_depth: u8,
    /// 0 = 4:2:0 vertical, 1 = 4:2:0 colocated with luma, 2 = 4:2:2, 3 = 4:4:4.
    pub chroma_subsampling: u8,
    pub full_range: bool,
    pub colour_primaries: u8,
    pub transfer_characteristics: u8,
    pub matrix_coefficients: u8,
}

impl Default for VpxConfig {
    /// 8-bit 4:2:0 profile 0, level 3.1, BT.709 limited range: what browsers encode by default.
    fn default() -> Self {
        Self {
            profile: 0,
            level: 31,
            bit_depth: 8,
            chroma_subsampling: 1,
            full_range: false,
            colour_primaries: 1,
            transfer_characteristics: 1,
            matrix_coefficients: 1,
        }
    }
}

impl VpxConfig {
    /// Reads a WebCodecs VP9 codec string `vp09.PP.LL.DD[.CC.cp.tc.mc.FF]`, so the caller can pass
    /// the string it configured the encoder with.
    pub fn from_codec_string(codec: &str) -> Result<Self, ApiError> {
        let bad = || ApiError::internal(format!("malformed VP9 codec string {codec:?}"));
        let mut parts = codec.split('.');
        if parts.next() != Some("vp09") {
            return Err(bad());
        }
        let nums = parts
            .map(|p| p.parse::<u8>().map_err(|_| bad()))
            .collect::<Result<Vec<u8>, _>>()?;
        if nums.len() < 3 {
            return Err(bad());
        }
        let mut c = Self {
            profile: nums[0],
            level: nums[1],
            bit_depth: nums[2],
            ..Self::default()
        };
        let mut optional = nums[3..].iter().copied();
        if let Some(v) = optional.next() {
            c.chroma_subsampling = v;
        }
        if let Some(v) = optional.next() {
            c.colour_primaries = v;
        }
        if let Some(v) = optional.next() {
            c.transfer_characteristics = v;
        }
        if let Some(v) = optional.next() {
            c.matrix_coefficients = v;
        }
        if let Some(v) = optional.next() {
            c.full_range = v != 0;
        }
        Ok(c)
    }
}

/// Opus stream parameters (the fields of the OpusHead identification header, RFC 7845).
///
/// Convention shared by both writers: packet timestamps given to `push` *include* the pre-skip,
/// i.e. the first packet is at time 0 and its first `pre_skip` samples are priming that players
/// drop (Ogg/WebM convention). The writers translate this into `CodecDelay` (Matroska) or an
/// edit list starting at `pre_skip` (MP4, as ffmpeg does), so real audio starts at time 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpusConfig {
    /// Priming samples at 48 kHz to discard from the start of the decoded output.
    pub pre_skip: u16,
    /// Sample rate of the encoder's input (informational).
    pub input_sample_rate: u32,
    /// Gain in Q7.8 dB to apply to the decoded output.
    pub output_gain: i16,
    /// 0 = mono/stereo, 1 = Vorbis channel order (up to 8 channels), ...
    pub mapping_family: u8,
    /// Only for mapping family != 0.
    pub stream_count: u8,
    /// Only for mapping family != 0.
    pub coupled_count: u8,
    /// One entry per output channel; only for mapping family != 0.
    pub channel_mapping: Vec<u8>,
}

impl OpusConfig {
    /// Mono or stereo Opus with the given pre-skip (mapping family 0).
    pub fn simple(pre_skip: u16, input_sample_rate: u32) -> Self {
        Self {
            pre_skip,
            input_sample_rate,
            output_gain: 0,
            mapping_family: 0,
            stream_count: 1,
            coupled_count: 0,
            channel_mapping: Vec::new(),
        }
    }

    /// Parses an OpusHead (what an Ogg file or `decoderConfig.description` carries).
    pub fn from_opus_head(head: &[u8]) -> Result<Self, ApiError> {
        let bad = |why: &str| ApiError::internal(format!("invalid OpusHead: {why}"));
        if head.len() < 19 || &head[..8] != b"OpusHead" {
            return Err(bad("missing magic or shorter than 19 bytes"));
        }
        let channels = head[9];
        let mut c = Self {
            pre_skip: u16::from_le_bytes([head[10], head[11]]),
            input_sample_rate: u32::from_le_bytes([head[12], head[13], head[14], head[15]]),
            output_gain: i16::from_le_bytes([head[16], head[17]]),
            mapping_family: head[18],
            stream_count: 1,
            coupled_count: u8::from(channels == 2),
            channel_mapping: Vec::new(),
        };
        if c.mapping_family != 0 {
            let table = head
                .get(19..21 + usize::from(channels))
                .ok_or_else(|| bad("truncated channel mapping table"))?;
            c.stream_count = table[0];
            c.coupled_count = table[1];
            c.channel_mapping = table[2..].to_vec();
        }
        Ok(c)
    }

    /// Serialises the OpusHead for `channels` output channels (Matroska CodecPrivate).
    pub fn opus_head(&self, channels: u8) -> Vec<u8> {
        let mut h = b"OpusHead".to_vec();
        h.push(1);
        h.push(channels);
        h.extend_from_slice(&self.pre_skip.to_le_bytes());
        h.extend_from_slice(&self.input_sample_rate.to_le_bytes());
        h.extend_from_slice(&self.output_gain.to_le_bytes());
        h.push(self.mapping_family);
        if self.mapping_family != 0 {
            h.push(self.stream_count);
            h.push(self.coupled_count);
            h.extend_from_slice(&self.channel_mapping);
        }
        h
    }
}

/// Opus always decodes at 48 kHz; timestamps and pre-skip are counted at this rate.
pub const OPUS_RATE: u32 = 48_000;

/// Checks what both containers need of a track before anything is written, so a bad
/// configuration fails at `new` with a message naming the track instead of producing a file a
/// player rejects.
pub(crate) fn validate_track(index: usize, track: &TrackConfig) -> Result<(), ApiError> {
    let fail = |why: String| Err(ApiError::internal(format!("output track {index}: {why}")));
    match track {
        TrackConfig::Video(v) => {
            if v.width == 0 || v.height == 0 || v.width > 65_535 || v.height > 65_535 {
                return fail(format!(
                    "video size {}x{} out of range 1..65535",
                    v.width, v.height
                ));
            }
            if v.timescale == 0 {
                return fail("video timescale must be > 0".into());
            }
            match &v.codec {
                VideoCodec::Avc { avcc } if avcc.len() < 7 || avcc[0] != 1 => fail(
                    "avcC must be an AVCDecoderConfigurationRecord (version 1, >= 7 bytes)".into(),
                ),
                VideoCodec::Av1 { av1c } if av1c.len() < 4 || av1c[0] != 0x81 => {
                    fail("av1C must be an AV1CodecConfigurationRecord (starts with 0x81)".into())
                }
                _ => Ok(()),
            }
        }
        TrackConfig::Audio(a) => {
            if a.sample_rate == 0 {
                return fail("audio sample rate must be > 0".into());
            }
            if a.channels == 0 || a.channels > 255 {
                return fail(format!("{} audio channels out of range 1..255", a.channels));
            }
            match &a.codec {
                AudioCodec::Aac { audio_specific_config } if audio_specific_config.len() < 2 => {
                    fail("AAC AudioSpecificConfig must be at least 2 bytes".into())
                }
                AudioCodec::Opus(o) if o.mapping_family == 0 && a.channels > 2 => {
                    fail("Opus mapping family 0 holds at most 2 channels".into())
                }
                AudioCodec::Opus(o) if o.mapping_family != 0 && o.channel_mapping.len() != usize::from(a.channels) => {
                    fail("Opus channel mapping must have one entry per channel".into())
                }
                AudioCodec::Other(name) => Err(ApiError::unsupported(format!(
                    "output track {index}: audio codec {name:?} cannot be muxed; reelcut writes AAC or Opus"
                ))),
                _ => Ok(()),
            }
        }
    }
}

/// Microseconds to ticks of `timescale`, rounded to nearest, without overflow for any `i64`.
pub(crate) fn us_to_ticks(us: i64, timescale: u32) -> i64 {
    let num = i128::from(us) * i128::from(timescale);
    let q = (num + 500_000).div_euclid(1_000_000);
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_codec_string() {
        assert_eq!(us_to_ticks(23_220, 44_100), 1024);
        assert_eq!(us_to_ticks(-6_500, 48_000), -312);
        let c = VpxConfig::from_codec_string("vp09.02.10.10.01.09.16.09.01").expect("valid string");
        assert_eq!(
            (c.profile, c.level, c.bit_depth, c.full_range),
            (2, 10, 10, true)
        );
        assert!(VpxConfig::from_codec_string("vp9").is_err());
        let head = OpusConfig::simple(312, 48_000).opus_head(2);
        assert_eq!(
            OpusConfig::from_opus_head(&head)
                .expect("valid head")
                .pre_skip,
            312
        );
    }
}
