//! A forward read window in front of a [`ByteSource`].
//!
//! Demuxers issue many small reads (box and element headers of a few bytes, one read per packet).
//! In the browser every `read_at` is a synchronous call into JavaScript (a `FileReaderSync` slice,
//! an OPFS access handle, an HTTP Range request), so each costs far more than the bytes it moves.
//! `ReadAhead` turns a forward run of small reads into one large read per window; reads larger than
//! half the window bypass it, so memory stays bounded by the window size.

use super::types::ByteSource;
use crate::ApiError;

/// Default window: large enough to hold many packets of a 1080p stream, small enough to not
/// matter for memory.
pub const DEFAULT_WINDOW: usize = 2 << 20;

/// Window filled after a jump (a read that does not continue the current window).
pub const JUMP_WINDOW: usize = 64 << 10;

/// Wraps a source with a forward read window; itself a [`ByteSource`].
pub struct ReadAhead<S: ByteSource> {
    inner: S,
    window_size: usize,
    /// File offset of `window[0]`.
    window_start: u64,
    window: Vec<u8>,
    /// Number of reads passed on to `inner` (for tests and benchmarks).
    inner_reads: u64,
}

impl<S: ByteSource> ReadAhead<S> {
    /// Wraps `inner` with a [`DEFAULT_WINDOW`] window.
    pub fn new(inner: S) -> Self {
        Self::with_window(inner, DEFAULT_WINDOW)
    }

    /// Wraps `inner` with a window of `window_size` bytes (at least 4 KiB).
    pub fn with_window(inner: S, window_size: usize) -> Self {
        Self {
            inner,
            window_size: window_size.max(4096),
            window_start: 0,
            window: Vec::new(),
            inner_reads: 0,
        }
    }

    /// How many reads reached the wrapped source so far.
    pub fn inner_reads(&self) -> u64 {
        self.inner_reads
    }

    /// The wrapped source.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The window's bytes for `offset..offset+len` if it holds all of them (or all that exist).
    fn cached(&self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let rel = usize::try_from(offset.checked_sub(self.window_start)?).ok()?;
        if rel > self.window.len() {
            return None;
        }
        let end = rel.checked_add(len)?;
        let window_end = self.window_start.saturating_add(self.window.len() as u64);
        if end <= self.window.len() {
            return self.window.get(rel..end).map(<[u8]>::to_vec);
        }
        // A short window is fine when it already reaches the end of the source.
        if window_end >= self.inner.len() {
            return self.window.get(rel..).map(<[u8]>::to_vec);
        }
        None
    }
}

impl<S: ByteSource> ByteSource for ReadAhead<S> {
    fn len(&self) -> u64 {
        self.inner.len()
    }

    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ApiError> {
        if let Some(hit) = self.cached(offset, len) {
            return Ok(hit);
        }
        self.inner_reads += 1;
        if len > self.window_size / 2 {
            return self.inner.read_at(offset, len);
        }
        // A read just past the window continues a forward scan and gets a full window; a jump
        // elsewhere (a box header far ahead, a seek) gets a small one, so that hopping over
        // large boxes does not pull in megabytes that are never used.
        let window_end = self.window_start.saturating_add(self.window.len() as u64);
        let sequential = !self.window.is_empty()
            && offset >= self.window_start
            && offset <= window_end.saturating_add(self.window_size as u64 / 4);
        let fill = if sequential {
            self.window_size
        } else {
            JUMP_WINDOW.min(self.window_size)
        };
        self.window = self.inner.read_at(offset, fill.max(len))?;
        self.window_start = offset;
        Ok(self
            .window
            .get(..len.min(self.window.len()))
            .unwrap_or(&[])
            .to_vec())
    }
}

/// Lets a boxed source (what `media::open` receives) be wrapped and passed on like any other.
impl<T: ByteSource + ?Sized> ByteSource for Box<T> {
    fn len(&self) -> u64 {
        (**self).len()
    }
    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ApiError> {
        (**self).read_at(offset, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn serves_small_reads_from_the_window() {
        let data: Vec<u8> = (0..20000u32).map(|i| i as u8).collect();
        let mut ra = ReadAhead::with_window(Cursor::new(data.clone()), 8192);
        for off in (0..19990u64).step_by(7) {
            assert_eq!(
                ra.read_at(off, 9).ok(),
                Some(data[off as usize..off as usize + 9].to_vec())
            );
        }
        assert!(ra.inner_reads() <= 5, "{} reads", ra.inner_reads());
        // Past the end and across the end.
        assert_eq!(ra.read_at(19995, 10).ok(), Some(data[19995..].to_vec()));
        assert_eq!(ra.read_at(30000, 10).ok(), Some(vec![]));
        // Large reads bypass the window.
        assert_eq!(ra.read_at(100, 6000).ok().map(|v| v.len()), Some(6000));
    }
}
