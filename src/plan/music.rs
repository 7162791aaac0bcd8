//! Which background-music track each reel gets (`BackgroundMusicMode`), by the same mode mapping
//! as transitions and visual effects ([`super::transitions::Picker`]): Sequential gives reel `k` track
//! `k mod n`, Random one track per reel uniformly at random, reproducible per request; Closed none.

use super::transitions::Picker;
use super::EffectMode;
use crate::job::spec::MusicMode;

/// Keeps music draws independent of the transition draws made from the same seed.
const MUSIC_STREAM: u64 = 0x6D75_7369_635F_6265;

/// The track (index into the request's list of `tracks`) reel `reel_index` (0-based) plays.
pub fn music_for_reel(
    mode: MusicMode,
    tracks: usize,
    seed: u64,
    reel_index: usize,
) -> Option<usize> {
    let mode = match mode {
        MusicMode::Closed => EffectMode::Closed,
        MusicMode::Random => EffectMode::Random,
        MusicMode::Sequential => EffectMode::Sequential,
    };
    // One choice per reel: Sequential's position is the reel's index; Auto is not a music mode.
    Picker::new(mode, &vec![1; tracks], seed, reel_index, MUSIC_STREAM).pick(reel_index, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(music_for_reel(MusicMode::Closed, 3, 1, 0), None);
        let seq: Vec<_> = (0..4)
            .map(|k| music_for_reel(MusicMode::Sequential, 3, 1, k))
            .collect();
        assert_eq!(seq, vec![Some(0), Some(1), Some(2), Some(0)]);
        assert_eq!(music_for_reel(MusicMode::Random, 0, 1, 0), None);
        let picks: Vec<_> = (0..60)
            .filter_map(|k| music_for_reel(MusicMode::Random, 3, 7, k))
            .collect();
        assert_eq!(picks.len(), 60);
        for t in 0..3 {
            assert!(picks.iter().filter(|&&p| p == t).count() >= 10, "{picks:?}");
        }
        // Reproducible.
        assert_eq!(
            music_for_reel(MusicMode::Random, 3, 7, 5),
            music_for_reel(MusicMode::Random, 3, 7, 5)
        );
    }
}
