//! Small interval arithmetic on source time, shared by selection and the notes.

use crate::sort;

/// Tolerance for comparing times: well under one frame, so float noise never decides anything.
pub(super) const EPS: f64 = 1e-6;

/// A range of one source's time, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Span {
    /// Index of the source.
    pub source: usize,
    /// Start in source seconds.
    pub a: f64,
    /// End in source seconds.
    pub b: f64,
}

impl Span {
    /// Length in seconds.
    pub fn len(&self) -> f64 {
        self.b - self.a
    }

    /// Seconds of source time shared with `other` (0 for different sources).
    pub fn overlap(&self, other: &Span) -> f64 {
        if self.source != other.source {
            return 0.0;
        }
        (self.b.min(other.b) - self.a.max(other.a)).max(0.0)
    }

    /// True when the two spans share more than float noise.
    pub fn intersects(&self, other: &Span) -> bool {
        self.overlap(other) > EPS
    }
}

/// Seconds of `span` covered by `set`, counted with multiplicity (a second used by two spans of
/// `set` counts twice). Within one reel spans never overlap, so for one reel this is exact.
pub(super) fn overlap_with(span: &Span, set: &[Span]) -> f64 {
    set.iter().map(|s| span.overlap(s)).sum()
}

/// Shared source time of two reels, each a set of non-overlapping spans.
pub(super) fn shared(a: &[Span], b: &[Span]) -> f64 {
    a.iter().map(|s| overlap_with(s, b)).sum()
}

/// Length of the union of `spans` (overlaps counted once).
pub(super) fn union_len(spans: &[Span]) -> f64 {
    let mut sorted: Vec<Span> = spans.to_vec();
    sort::sort_by(&mut sorted, |x, y| {
        x.source.cmp(&y.source).then(x.a.total_cmp(&y.a))
    });
    let mut total = 0.0;
    let mut current: Option<Span> = None;
    for s in sorted {
        match current.as_mut() {
            Some(c) if c.source == s.source && s.a <= c.b => c.b = c.b.max(s.b),
            _ => {
                if let Some(c) = current {
                    total += c.len();
                }
                current = Some(s);
            }
        }
    }
    if let Some(c) = current {
        total += c.len();
    }
    total
}
