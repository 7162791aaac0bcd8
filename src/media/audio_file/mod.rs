//! Music files: the plain audio formats a background-music track comes in, demuxed into the
//! packets WebCodecs' `AudioDecoder` takes (MP3 frames, native FLAC frames with STREAMINFO as
//! the description, Ogg Opus/Vorbis packets), or PCM that the engine converts itself (WAV), plus
//! M4A/MP4 and WebM/Matroska audio through the container demuxers.
//!
//! Hand-written rather than a crate (symphonia's readers were weighed): each format needs only
//! its framing, a few hundred lines in all, with no new dependency in the wasm; symphonia's
//! readers bring `symphonia-core` and its Ogg Vorbis reader does not hand out the Xiph-laced
//! headers WebCodecs wants as the description.

mod flac;
mod mp3;
mod ogg;
mod wav;

pub use wav::pcm_planes;

use super::{ByteSource, Demuxer, MediaInfo, Packet, TrackInfo, TrackKind};
use crate::ApiError;

/// The packets of a music file's (first) audio track, in order from its start.
pub trait AudioPackets {
    fn info(&self) -> &MediaInfo;
    /// Next packet of the audio track, `None` at the end.
    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError>;
}

/// A container's demuxer, reduced to its first audio track.
struct ContainerAudio {
    demuxer: Box<dyn Demuxer>,
    track: u32,
}

impl AudioPackets for ContainerAudio {
    fn info(&self) -> &MediaInfo {
        self.demuxer.info()
    }
    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError> {
        while let Some(p) = self.demuxer.next_packet()? {
            if p.track_id == self.track {
                return Ok(Some(p));
            }
        }
        Ok(None)
    }
}

/// Opens a music file of any supported format, sniffed from its first bytes. An unknown format is
/// `InvalidMedia.Unsupported`, a damaged one `InvalidMedia.Corrupt`.
pub fn open_audio(source: Box<dyn ByteSource>) -> Result<Box<dyn AudioPackets>, ApiError> {
    let mut bytes = Bytes::new(source);
    if bytes.len() == 0 {
        return Err(ApiError::corrupt("the file is empty (0 bytes)"));
    }
    let head = bytes.get(0, 16)?.to_vec();
    let at = |magic: &[u8], offset: usize| head.get(offset..offset + magic.len()) == Some(magic);
    if at(b"RIFF", 0) && at(b"WAVE", 8) {
        return Ok(Box::new(wav::WavDemuxer::open(bytes)?));
    }
    if at(b"OggS", 0) {
        return Ok(Box::new(ogg::OggDemuxer::open(bytes)?));
    }
    // An ID3v2 tag may precede FLAC as well as MP3.
    let start = mp3::id3_len(&head);
    if bytes.get(start, 4)? == b"fLaC" {
        return Ok(Box::new(flac::FlacDemuxer::open(bytes, start)?));
    }
    let sync = bytes.get(start, 2)?;
    if start > 0 || (sync.len() == 2 && sync[0] == 0xFF && sync[1] & 0xE0 == 0xE0) {
        return Ok(Box::new(mp3::Mp3Demuxer::open(bytes, start)?));
    }
    if !super::is_container(&head) {
        return Err(ApiError::unsupported(format!(
            "unrecognised audio format ({}); reelcut reads MP3, FLAC, WAV, Ogg Opus/Vorbis and the audio of MP4/M4A and WebM/Matroska files",
            super::describe_magic(&head)
        )));
    }
    let demuxer = super::open(bytes.into_source())?;
    let track = demuxer
        .info()
        .audio_track()
        .map(|t| t.id)
        .ok_or_else(|| ApiError::unsupported("the file has no audio track"))?;
    Ok(Box::new(ContainerAudio { demuxer, track }))
}

/// The one-track [`MediaInfo`] of a plain audio file.
fn single_track(
    container: &str,
    info: super::AudioInfo,
    codec_name: &str,
    duration_s: f64,
) -> MediaInfo {
    MediaInfo {
        container: container.to_string(),
        duration_s,
        tracks: vec![TrackInfo {
            id: 1,
            kind: TrackKind::Audio,
            codec_name: codec_name.to_string(),
            duration_s,
            video: None,
            audio: Some(info),
        }],
        notes: Vec::new(),
    }
}

/// A packet of the single track at `samples` (of the track's rate) from the start.
fn packet(data: Vec<u8>, samples: u64, frames: u64, rate: u32) -> Packet {
    let us = |n: u64| (n as f64 * 1e6 / f64::from(rate.max(1))).round() as i64;
    Packet {
        track_id: 1,
        pts_us: us(samples),
        duration_us: us(samples + frames) - us(samples),
        is_key: true,
        data,
    }
}

/// Bytes read through in order: a window over the source that grows as it is read and drops
/// what lies behind, so framing can scan byte by byte without a JS call per byte.
pub(crate) struct Bytes {
    source: Box<dyn ByteSource>,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    start: u64,
}

/// How much is read from the source at a time.
const CHUNK: usize = 1 << 20;

impl Bytes {
    pub(crate) fn new(source: Box<dyn ByteSource>) -> Self {
        Self {
            source,
            buf: Vec::new(),
            start: 0,
        }
    }

    pub(crate) fn len(&self) -> u64 {
        self.source.len()
    }

    /// Bytes `[at, at + n)`, fewer at the end of the file.
    pub(crate) fn get(&mut self, at: u64, n: usize) -> Result<&[u8], ApiError> {
        if at < self.start {
            self.buf.clear();
            self.start = at;
        }
        let end = (at + n as u64).min(self.len());
        if end > self.start + self.buf.len() as u64 {
            // Drop what lies before `at`, then read at least a chunk.
            let drop = ((at - self.start) as usize).min(self.buf.len());
            self.buf.drain(..drop);
            self.start += drop as u64;
            let from = self.start + self.buf.len() as u64;
            let want = ((end - from) as usize).max(CHUNK);
            let more = self.source.read_at(from, want)?;
            self.buf.extend_from_slice(&more);
        }
        let lo = ((at - self.start) as usize).min(self.buf.len());
        let hi = ((end.max(at) - self.start) as usize).min(self.buf.len());
        Ok(&self.buf[lo..hi])
    }

    /// Exactly `n` bytes at `at`, or `None` at the end of the file.
    pub(crate) fn exact(&mut self, at: u64, n: usize) -> Result<Option<&[u8]>, ApiError> {
        let b = self.get(at, n)?;
        Ok((b.len() == n).then_some(b))
    }

    fn into_source(self) -> Box<dyn ByteSource> {
        self.source
    }
}
