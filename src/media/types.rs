//! Container-independent description of demuxed media: tracks, geometry and packets.

use crate::ApiError;

/// Random-access byte reader: a `File` natively, a `Blob`/OPFS handle/HTTP Range reader in the
/// browser. Demuxers read through it in slices and never buffer the whole input.
pub trait ByteSource {
    /// Total length in bytes.
    fn len(&self) -> u64;
    /// Reads up to `len` bytes at `offset`; returns fewer only at the end of the source.
    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ApiError>;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A whole input held in memory (tests, tiny inputs).
impl ByteSource for std::io::Cursor<Vec<u8>> {
    fn len(&self) -> u64 {
        self.get_ref().len() as u64
    }
    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ApiError> {
        let data = self.get_ref();
        let start = (offset as usize).min(data.len());
        let end = start.saturating_add(len).min(data.len());
        Ok(data[start..end].to_vec())
    }
}

/// A native file (tests, benchmarks of the core).
pub struct FileSource {
    file: std::fs::File,
    len: u64,
}

impl FileSource {
    pub fn open(path: &std::path::Path) -> Result<Self, ApiError> {
        let file = std::fs::File::open(path)
            .map_err(|e| ApiError::not_found(format!("{}: {e}", path.display())))?;
        let len = file
            .metadata()
            .map_err(|e| ApiError::not_found(format!("{}: {e}", path.display())))?
            .len();
        Ok(Self { file, len })
    }
}

impl ByteSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ApiError> {
        use std::io::{Read, Seek, SeekFrom};
        let len = len.min(self.len.saturating_sub(offset) as usize);
        let mut buf = vec![0; len];
        self.file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.file.read_exact(&mut buf))
            .map_err(|e| ApiError::corrupt(format!("read failed at byte {offset}: {e}")))?;
        Ok(buf)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TrackKind {
    Video,
    Audio,
}

/// Video track geometry and decoder configuration.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VideoInfo {
    /// WebCodecs codec string, e.g. `avc1.64001f`, `vp09.00.10.08`, `av01.0.04M.08`, `hvc1.1.6.L93.B0`.
    pub codec: String,
    /// Decoder configuration record (avcC / hvcC / av1C payload) for `VideoDecoderConfig.description`.
    pub description: Option<Vec<u8>>,
    pub coded_width: u32,
    pub coded_height: u32,
    /// Pixel aspect ratio (h_spacing, v_spacing); (1, 1) for square pixels.
    pub pixel_aspect: (u32, u32),
    /// Clockwise rotation to apply for display: 0, 90, 180 or 270.
    pub rotation: u32,
    /// Display size after pixel aspect and rotation (what a player shows).
    pub display_width: u32,
    pub display_height: u32,
    /// Average frame rate (frames / duration); VFR inputs report their average.
    pub frame_rate: f64,
    pub frame_count: u64,
}

/// Audio track decoder configuration.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AudioInfo {
    /// WebCodecs codec string: `mp4a.40.2`, `opus`, `mp3`, `flac`, `vorbis`, ...
    pub codec: String,
    /// Decoder-specific configuration (AudioSpecificConfig, OpusHead, FLAC streaminfo, Vorbis headers).
    pub description: Option<Vec<u8>>,
    pub sample_rate: u32,
    pub channels: u32,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TrackInfo {
    /// Track id as in the container (MP4 track_ID / Matroska TrackNumber).
    pub id: u32,
    pub kind: TrackKind,
    /// Short codec name for messages: `h264`, `hevc`, `vp9`, `av1`, `aac`, `opus`, ...
    pub codec_name: String,
    /// Presentation duration in seconds (after edit lists).
    pub duration_s: f64,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MediaInfo {
    /// `mp4` (also MOV/M4V) or `webm` / `matroska`.
    pub container: String,
    pub duration_s: f64,
    pub tracks: Vec<TrackInfo>,
    /// What the demuxer noticed about the file, for the job record: for example a header duration
    /// that disagrees with the sample tables (the samples win).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How far a header's duration may stray from the samples' before the samples are used instead
/// (and a note says so): a quarter second, or 1 % of the content for long files.
pub fn duration_tolerance_s(content_s: f64) -> f64 {
    (content_s * 0.01).max(0.25)
}

/// Seconds rounded to milliseconds, for messages.
pub fn round3(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

impl MediaInfo {
    /// The first video track, which reelcut analyses and renders from.
    pub fn video_track(&self) -> Option<&TrackInfo> {
        self.tracks.iter().find(|t| t.kind == TrackKind::Video)
    }
    /// The first audio track.
    pub fn audio_track(&self) -> Option<&TrackInfo> {
        self.tracks.iter().find(|t| t.kind == TrackKind::Audio)
    }
}

/// One compressed access unit, ready for `EncodedVideoChunk` / `EncodedAudioChunk`.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    pub track_id: u32,
    /// Presentation timestamp in microseconds on the presentation timeline (edit lists applied;
    /// may be negative for packets that must be decoded but not shown).
    pub pts_us: i64,
    /// Duration in microseconds (0 if unknown).
    pub duration_us: i64,
    pub is_key: bool,
    pub data: Vec<u8>,
}

/// A streaming demuxer over a [`ByteSource`].
pub trait Demuxer {
    fn info(&self) -> &MediaInfo;
    /// Next packet of any selected track in file (decode) order, `None` at the end.
    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError>;
    /// Repositions so the next packets of every track start at the last key frame at or before
    /// `time_s` (presentation time).
    fn seek(&mut self, time_s: f64) -> Result<(), ApiError>;
}
