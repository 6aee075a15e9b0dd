//! Fingerprints for the checkers' memos: a 128-bit hash of a spec state
//! (xxh3), and Zobrist keys whose XOR fingerprints a set of operations
//! incrementally (one XOR to add or remove one). A memo entry is the pair,
//! 32 bytes; see `linearizability::search` for why a collision is not a
//! practical concern.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use xxhash_rust::xxh3::Xxh3Default;

/// Pairs (set of operations, state) already explored.
pub(crate) type Memo = HashSet<(u128, u128), BuildHasherDefault<Prehashed>>;

/// The 128-bit fingerprint of a spec state.
pub(crate) fn fingerprint<S: Hash>(state: &S) -> u128 {
    let mut hasher = Xxh3Default::new();
    state.hash(&mut hasher);
    hasher.digest128()
}

/// Operation `index`'s key in the set's fingerprint (SplitMix64 outputs).
pub(crate) fn zobrist_key(index: u64) -> u128 {
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let base = index
        .wrapping_mul(2)
        .wrapping_add(1)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (u128::from(mix(base)) << 64) | u128::from(mix(base.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

/// A hasher for keys that are already fingerprints: it folds them, no more.
#[derive(Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u128(&mut self, value: u128) {
        self.0 = self.0.rotate_left(17) ^ (value as u64) ^ ((value >> 64) as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_sets_have_different_fingerprints() {
        let keys: Vec<u128> = (0..10_000).map(zobrist_key).collect();
        let distinct: HashSet<u128> = keys.iter().copied().collect();
        assert_eq!(distinct.len(), keys.len());
        assert_ne!(keys[1] ^ keys[2], keys[3]);
    }
}
