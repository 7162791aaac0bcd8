//! One sort for the engine's lists (candidates, edges, peaks, medians, cue times).
//!
//! Each `slice::sort_by` call with its own element type and closure is a separate copy of the
//! standard library's sort, several KB of wasm each at `opt-level = "z"`; the engine had 22 of
//! them. Here one non-generic function sorts a list of indices through a `dyn` comparator, and
//! only the small step that moves the elements into that order is generic. The lists sorted run
//! once per job or per source (at most some tens of thousands of entries), where the indirect
//! call costs nothing that shows; per-pixel and per-sample code does not sort.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, like `slice::sort_by`: elements that compare equal keep their order.
/// `cmp` must be a total order (the engine's are `total_cmp`/`Ord` chains).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let mut order = stable_order(v.len(), &mut |i, j| cmp(&v[i], &v[j]));
    permute(v, &mut order);
}

/// The indices `0..n` in the order `cmp` gives them, ties by index: that is the stable order, and
/// with the index tie-break an unstable sort of the indices produces it.
fn stable_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&i, &j| cmp(i, j).then(i.cmp(&j)));
    order
}

/// Rearranges `v` so that `v[k]` becomes the old `v[order[k]]`, in place, following each cycle of
/// the permutation once (`order` is used up: each visited entry is set to its own index).
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        // Every index below `start` is done, so an unvisited cycle is entered at its smallest
        // index; a visited one (or a fixed point) has `order[start] == start` and ends at once.
        let mut cur = start;
        loop {
            let next = order[cur];
            order[cur] = cur;
            if next == start {
                break;
            }
            // `v[next]` is still the old `v[next]`: the cycle reaches each index once.
            v.swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the cases cover many permutations without a dependency.
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn matches_the_standard_stable_sort() {
        let mut seed = 7;
        for len in [0, 1, 2, 3, 5, 17, 64, 1000] {
            for _ in 0..20 {
                // Few distinct keys, so there are many ties whose order must be kept.
                let v: Vec<(u64, usize)> = (0..len).map(|i| (lcg(&mut seed) % 5, i)).collect();
                let mut ours = v.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                let mut std = v.clone();
                std.sort_by_key(|a| a.0);
                assert_eq!(ours, std, "len {len}");
            }
        }
    }

    #[test]
    fn descending_floats_with_ties_and_nans() {
        let mut v = vec![
            (1.0f64, 'a'),
            (f64::NAN, 'b'),
            (3.0, 'c'),
            (1.0, 'd'),
            (-0.0, 'e'),
        ];
        sort_by(&mut v, |x, y| y.0.total_cmp(&x.0));
        let names: String = v.iter().map(|x| x.1).collect();
        assert_eq!(names, "bcade");
    }

    #[test]
    fn permute_follows_every_cycle() {
        // Two cycles (0 2 4) and (1 3) and a fixed point 5.
        let mut v = ['a', 'b', 'c', 'd', 'e', 'f'];
        let mut order = [2, 3, 4, 1, 0, 5];
        permute(&mut v, &mut order);
        assert_eq!(v, ['c', 'd', 'e', 'b', 'a', 'f']);
    }
}
