//! The text files of a segmented output: an HLS media playlist (RFC 8216; muxed audio and video
//! segments) or a static MPEG-DASH manifest (ISO/IEC 23009-1, live profile: one adaptation set
//! per media type, each a `SegmentTemplate` with a `SegmentTimeline`), naming the init and media
//! segments of each [`FragmentedStream`] by file names relative to the playlist, so the files work
//! together wherever they are put side by side.
//!
//! Written by hand: a media playlist is a dozen lines and a static manifest one element tree;
//! `tests/segments.rs` reads both back with ffmpeg and the playlist with `m3u8-rs`.

use super::mux_fmp4::FragmentedStream;
use crate::job::spec::SegmentFormat;
use crate::num_text::Num;

/// The names of a segmented output's files, all from the playlist's name: `reel.m3u8` →
/// `reel_init.mp4` and `reel_<n>.m4s` (`<n>` from `StartNumber`); `reel.mpd` → per stream
/// `reel_video_init.mp4`, `reel_video_<n>.m4s`, `reel_audio_…` (`<n>` from 1, as DASH numbers by
/// default).
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentNames {
    stem: String,
    format: SegmentFormat,
    first_number: u64,
}

impl SegmentNames {
    /// Names for the output at `uri` (`None` or `memory:`: `stream.m3u8` / `stream.mpd`).
    pub fn new(uri: Option<&str>, format: SegmentFormat, start_number: u32) -> Self {
        let name = uri.map(file_name).unwrap_or_default();
        let stem = match name.rsplit_once('.') {
            Some((stem, _)) => stem,
            None => name,
        };
        Self {
            stem: if stem.is_empty() { "stream" } else { stem }.to_string(),
            format,
            first_number: match format {
                SegmentFormat::Hls => u64::from(start_number),
                SegmentFormat::Dash => 1,
            },
        }
    }

    pub fn playlist(&self) -> String {
        match self.format {
            SegmentFormat::Hls => format!("{}.m3u8", self.stem),
            SegmentFormat::Dash => format!("{}.mpd", self.stem),
        }
    }

    /// The names of one stream's files (DASH: `video`, `audio`).
    pub fn stream(&self, label: &str) -> SegmentNames {
        SegmentNames {
            stem: format!("{}_{label}", self.stem),
            ..self.clone()
        }
    }

    pub fn init(&self) -> String {
        format!("{}_init.mp4", self.stem)
    }

    /// The name of the `k`-th (0-based) media segment.
    pub fn media(&self, k: usize) -> String {
        format!("{}_{}.m4s", self.stem, self.first_number + k as u64)
    }

    /// The DASH `SegmentTemplate` `media` pattern of [`SegmentNames::media`].
    pub fn media_template(&self) -> String {
        format!("{}_$Number$.m4s", self.stem)
    }

    /// HLS `#EXT-X-MEDIA-SEQUENCE` / DASH `startNumber`.
    pub fn first_number(&self) -> u64 {
        self.first_number
    }
}

/// The last path segment of a location (query and fragment left out); empty for `memory:`.
fn file_name(uri: &str) -> &str {
    if uri.starts_with("memory:") {
        return "";
    }
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    path.rsplit(['/', ':']).next().unwrap_or(path)
}

/// The location of file `name` beside the playlist at `uri`: its last path segment replaced, the
/// query kept (`https://h/out/reel.m3u8?t=1` → `https://h/out/reel_1.m4s?t=1`). `None` stays
/// `None` (memory).
pub fn sibling_uri(uri: Option<&str>, name: &str) -> Option<String> {
    let uri = uri?;
    if uri.starts_with("memory:") {
        return Some(uri.to_string());
    }
    let split = uri.find(['?', '#']).unwrap_or(uri.len());
    let (path, rest) = uri.split_at(split);
    let dir_end = path.rfind(['/', ':']).map_or(0, |i| i + 1);
    Some(format!("{}{name}{rest}", &path[..dir_end]))
}

/// The HLS media playlist: version 7 (fMP4 segments with `#EXT-X-MAP`), VOD, every segment's
/// exact duration, so the durations add up to the stream's.
pub fn hls_playlist(file: &FragmentedStream, names: &SegmentNames) -> String {
    let target = file
        .segments
        .iter()
        .map(|s| s.duration_s.round() as u64)
        .max()
        .unwrap_or(1)
        .max(1);
    let mut out = format!(
        "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:{}\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"{}\"\n",
        names.first_number(),
        names.init()
    );
    for (k, s) in file.segments.iter().enumerate() {
        out.push_str(&format!(
            "#EXTINF:{:.6},\n{}\n",
            Num(s.duration_s),
            names.media(k)
        ));
    }
    out.push_str("#EXT-X-ENDLIST\n");
    out
}

/// What a DASH manifest says about one stream besides its segments.
#[derive(Debug, Clone, PartialEq)]
pub enum DashMedia {
    /// RFC 6381 codec string (`avc1.640028`), picture size, frame rate.
    Video {
        codec: String,
        width: u32,
        height: u32,
        fps: f64,
    },
    /// Codec string (`mp4a.40.2`, `opus`), sample rate, channels.
    Audio {
        codec: String,
        sample_rate: u32,
        channels: u32,
    },
}

/// The static DASH manifest: one period, an adaptation set per stream (video first; its duration
/// is the presentation's), each stream's segments on a `SegmentTimeline` in its own timescale.
/// `streams` pairs each stream with its media and its file names.
pub fn dash_manifest(streams: &[(&FragmentedStream, DashMedia, SegmentNames)]) -> String {
    let duration = streams.first().map_or(0.0, |s| s.0.duration_s);
    let longest = streams
        .iter()
        .flat_map(|s| s.0.segments.iter().map(|x| x.duration_s))
        .fold(0.0, f64::max);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" profiles=\"urn:mpeg:dash:profile:isoff-live:2011\" type=\"static\" mediaPresentationDuration=\"{}\" minBufferTime=\"{}\">\n  <Period id=\"0\" start=\"PT0S\">\n",
        iso_duration(duration),
        iso_duration(longest.max(1.0))
    ));
    for (id, (stream, media, names)) in streams.iter().enumerate() {
        let bandwidth = stream
            .segments
            .iter()
            .filter(|s| s.duration_s > 0.0)
            .map(|s| (s.size() as f64 * 8.0 / s.duration_s).ceil() as u64)
            .max()
            .unwrap_or(1);
        let (kind, attributes, inner) = match media {
            DashMedia::Video {
                codec,
                width,
                height,
                fps,
            } => {
                let fps = if (fps - fps.round()).abs() < 1e-6 {
                    format!("{}", fps.round() as u64)
                } else {
                    format!("{}/1000", (fps * 1000.0).round() as u64)
                };
                (
                    "video",
                    format!(
                        "codecs=\"{}\" width=\"{width}\" height=\"{height}\" frameRate=\"{fps}\"",
                        xml(codec)
                    ),
                    String::new(),
                )
            }
            DashMedia::Audio {
                codec,
                sample_rate,
                channels,
            } => (
                "audio",
                format!("codecs=\"{}\" audioSamplingRate=\"{sample_rate}\"", xml(codec)),
                format!("        <AudioChannelConfiguration schemeIdUri=\"urn:mpeg:dash:23003:3:audio_channel_configuration:2011\" value=\"{channels}\"/>\n"),
            ),
        };
        out.push_str(&format!(
            "    <AdaptationSet id=\"{id}\" contentType=\"{kind}\" mimeType=\"{kind}/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\">\n      <Representation id=\"{id}\" bandwidth=\"{bandwidth}\" {attributes}>\n{inner}"
        ));
        out.push_str(&format!(
            "        <SegmentTemplate timescale=\"{}\" initialization=\"{}\" media=\"{}\" startNumber=\"{}\">\n          <SegmentTimeline>\n",
            stream.timescale,
            xml(&names.init()),
            xml(&names.media_template()),
            names.first_number()
        ));
        for s in &stream.segments {
            out.push_str(&format!(
                "            <S t=\"{}\" d=\"{}\"/>\n",
                s.start_ticks, s.duration_ticks
            ));
        }
        out.push_str("          </SegmentTimeline>\n        </SegmentTemplate>\n      </Representation>\n    </AdaptationSet>\n");
    }
    out.push_str("  </Period>\n</MPD>\n");
    out
}

/// `PT<seconds>S` to the millisecond.
fn iso_duration(s: f64) -> String {
    format!("PT{:.3}S", Num(s.max(0.0)))
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_siblings() {
        let n = SegmentNames::new(Some("opfs:/reels/ep1.m3u8"), SegmentFormat::Hls, 5);
        assert_eq!(
            (n.playlist(), n.init(), n.media(0), n.media(2)),
            (
                "ep1.m3u8".to_string(),
                "ep1_init.mp4".to_string(),
                "ep1_5.m4s".to_string(),
                "ep1_7.m4s".to_string()
            )
        );
        let d = SegmentNames::new(None, SegmentFormat::Dash, 0);
        assert_eq!(
            (
                d.playlist(),
                d.stream("audio").media(0),
                d.stream("video").init()
            ),
            (
                "stream.mpd".into(),
                "stream_audio_1.m4s".into(),
                "stream_video_init.mp4".into()
            )
        );
        assert_eq!(
            sibling_uri(Some("https://h/a/reel.m3u8?sig=x"), "reel_1.m4s").as_deref(),
            Some("https://h/a/reel_1.m4s?sig=x")
        );
        assert_eq!(
            sibling_uri(Some("opfs:/r/x.mpd"), "x_init.mp4").as_deref(),
            Some("opfs:/r/x_init.mp4")
        );
        assert_eq!(
            sibling_uri(Some("memory:"), "a").as_deref(),
            Some("memory:")
        );
        assert_eq!(sibling_uri(None, "a"), None);
    }
}
