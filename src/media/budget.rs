//! One memory budget per input file for everything a demuxer keeps about it: the sample tables of
//! all its tracks together (MP4), or the metadata elements read whole, the cue index and the
//! clusters met while reading (Matroska/WebM). It grows with the file, so a small file
//! cannot claim tables a real file of its size never has, and it has a ceiling:
//!
//! budget = clamp(file size × [`TABLE_BYTES_PER_FILE_BYTE`], [`MIN_TABLE_BYTES`], [`MAX_TABLE_BYTES`])
//!
//! A file whose tables would exceed it is refused with `InvalidMedia.Corrupt` before anything is
//! allocated. For scale: a 2 h 60 fps video with 48 kHz AAC has about 0.8 M samples (26 MiB of
//! tables), far under the ceiling; 7 tracks of 20 M one-byte samples in 22 MB are refused.

use crate::ApiError;

/// The least any file gets (a short clip may have many small audio packets).
pub const MIN_TABLE_BYTES: u64 = 32 << 20;
/// Table bytes allowed per byte of file.
pub const TABLE_BYTES_PER_FILE_BYTE: u64 = 2;
/// The ceiling for any one file.
pub const MAX_TABLE_BYTES: u64 = 256 << 20;

/// What remains of one file's table budget.
#[derive(Debug, Clone)]
pub struct TableBudget {
    total: u64,
    used: u64,
}

impl TableBudget {
    /// The budget of a file of `file_len` bytes.
    pub fn for_file(file_len: u64) -> Self {
        let total = file_len
            .saturating_mul(TABLE_BYTES_PER_FILE_BYTE)
            .clamp(MIN_TABLE_BYTES, MAX_TABLE_BYTES);
        Self { total, used: 0 }
    }

    /// Bytes of the budget in all.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Reserves `count` entries of `entry_bytes` each for `what`, or refuses the file.
    pub fn take(&mut self, count: u64, entry_bytes: usize, what: &str) -> Result<(), ApiError> {
        let need = count.saturating_mul(entry_bytes as u64);
        let used = self.used.saturating_add(need);
        if used > self.total {
            return Err(ApiError::corrupt(format!(
                "{what} would need {} MiB of tables ({count} entries), which with the file's other tables exceeds its budget of {} MiB (2 bytes per byte of file, at least {} and at most {} MiB)",
                mib(used),
                mib(self.total),
                mib(MIN_TABLE_BYTES),
                mib(MAX_TABLE_BYTES)
            )));
        }
        self.used = used;
        Ok(())
    }
}

fn mib(b: u64) -> u64 {
    b.div_ceil(1 << 20)
}
