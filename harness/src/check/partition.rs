//! P-compositionality: operations on independent keys form independent
//! histories, each linearizable on its own exactly when the whole is. A
//! union-find over the keys each operation touches gives the parts; an
//! operation with no keys touches the whole state and joins everything.

use std::collections::HashMap;

use super::history::{Operation, Spec};

/// Groups operation indices into independent parts, each in history order.
pub(super) fn parts<M: Spec>(
    spec: &M,
    history: &[Operation<M::Input, M::Output>],
) -> Vec<Vec<usize>> {
    let mut sets = UnionFind::new(history.len());
    let mut owner: HashMap<M::Key, usize> = HashMap::new();
    let mut whole_state: Option<usize> = None;
    for (index, op) in history.iter().enumerate() {
        let keys = spec.keys(&op.input);
        if keys.is_empty() {
            match whole_state {
                Some(first) => sets.union(first, index),
                None => whole_state = Some(index),
            }
        }
        for key in keys {
            let first = *owner.entry(key).or_insert(index);
            sets.union(first, index);
        }
    }
    if let Some(whole) = whole_state {
        for index in 0..history.len() {
            sets.union(whole, index);
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for index in 0..history.len() {
        groups.entry(sets.find(index)).or_default().push(index);
    }
    let mut parts: Vec<Vec<usize>> = groups.into_values().collect();
    parts.sort_by_key(|part| part[0]);
    parts
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}
