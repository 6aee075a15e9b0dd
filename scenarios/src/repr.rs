//! Three representations of the same state, chosen with `--repr`:
//!
//! * [`Std`]: `BTreeMap` and `Vec`. A snapshot strategy pays a full copy
//!   (O(size)) to publish.
//! * [`Imbl`]: `imbl::OrdMap` and `imbl::Vector`, persistent trees with
//!   structural sharing: a copy is O(1) and a change copies O(log size)
//!   nodes. We use imbl, the maintained successor of `im` (which has had no
//!   release since 2022 and carries an unmaintained advisory).
//! * [`Rpds`]: `rpds::RedBlackTreeMapSync` and `rpds::VectorSync`, persistent
//!   `Arc`-based structures that are `Sync`.
//!
//! Scenarios are written once against [`Map`] and [`Seq`]; all maps are
//! ordered, so iteration order, and therefore every output, is the same in
//! every representation (a differential test checks it).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::hash::Hash;

/// What a key of a [`Map`] must be.
pub trait Key: Ord + Hash + Clone + Debug + Send + Sync + 'static {}
impl<T: Ord + Hash + Clone + Debug + Send + Sync + 'static> Key for T {}

/// What a value of a [`Map`] or [`Seq`] must be.
pub trait Value: Clone + Debug + PartialEq + Eq + Hash + Send + Sync + 'static {}
impl<T: Clone + Debug + PartialEq + Eq + Hash + Send + Sync + 'static> Value for T {}

/// A family of collection types.
pub trait Repr: Copy + Debug + Default + PartialEq + Eq + Hash + Send + Sync + 'static {
    /// The name used on the command line.
    const NAME: &'static str;
    /// This family's ordered map.
    type Map<K: Key, V: Value>: Map<K, V>;
    /// This family's indexed sequence.
    type Seq<T: Value>: Seq<T>;
}

/// An ordered map.
pub trait Map<K: Key, V: Value>:
    Clone + Debug + Default + PartialEq + Eq + Hash + Send + Sync + FromIterator<(K, V)> + 'static
{
    /// The value at `key`, or `None` if it is absent.
    fn get(&self, key: &K) -> Option<&V>;
    /// A mutable reference; persistent maps copy the path to it first.
    fn get_mut(&mut self, key: &K) -> Option<&mut V>;
    /// Sets `key` to `value`, replacing any value it had.
    fn insert(&mut self, key: K, value: V);
    /// Removes `key`; false if it was absent.
    fn remove(&mut self, key: &K) -> bool;
    /// The number of entries.
    fn len(&self) -> usize;
    /// True when the map has no entries.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entries in key order.
    fn iter(&self) -> impl Iterator<Item = (&K, &V)>;
    /// True when `key` has a value.
    fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }
    /// The entries that differ between `self` and `to`, in key order.
    /// Persistent maps skip the subtrees both versions share, so the cost
    /// follows the size of the change where the representation allows it
    /// (imbl); the others compare entry by entry.
    fn diff<'a>(&'a self, to: &'a Self) -> Vec<EntryDiff<'a, K, V>>;
}

/// One entry that differs between two versions of a [`Map`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryDiff<'a, K, V> {
    /// Present only in the newer version, or present in both with another value.
    Set(&'a K, &'a V),
    /// Present only in the older version.
    Removed(&'a K),
}

impl<'a, K, V> EntryDiff<'a, K, V> {
    /// The key of the entry that differs.
    pub fn key(&self) -> &'a K {
        match self {
            EntryDiff::Set(key, _) | EntryDiff::Removed(key) => key,
        }
    }
}

/// Diffs two versions of a map of nested values: an entry added or removed
/// becomes one change made by `whole` (with the new value, or `None`), and
/// an entry present in both versions is diffed in turn by `inner`, so only
/// the parts of it that changed are reported.
pub fn diff_entries<'a, K: Key, V: Value, M: Map<K, V>, C>(
    from: &'a M,
    to: &'a M,
    whole: impl Fn(&'a K, Option<&'a V>) -> C,
    inner: impl Fn(&'a K, &'a V, &'a V, &mut Vec<C>),
    changes: &mut Vec<C>,
) {
    for entry in from.diff(to) {
        match entry {
            EntryDiff::Removed(key) => changes.push(whole(key, None)),
            EntryDiff::Set(key, now) => match from.get(key) {
                Some(was) => inner(key, was, now, changes),
                None => changes.push(whole(key, Some(now))),
            },
        }
    }
}

/// The diff of two sorted entry sequences, walked side by side.
fn merge_join<'a, K: Ord + 'a, V: PartialEq + 'a>(
    from: impl Iterator<Item = (&'a K, &'a V)>,
    to: impl Iterator<Item = (&'a K, &'a V)>,
) -> Vec<EntryDiff<'a, K, V>> {
    let (mut from, mut to) = (from.peekable(), to.peekable());
    let mut changes = Vec::new();
    loop {
        match (from.peek(), to.peek()) {
            (None, None) => return changes,
            (Some(&(old, _)), None) => {
                changes.push(EntryDiff::Removed(old));
                from.next();
            }
            (None, Some(&(new, value))) => {
                changes.push(EntryDiff::Set(new, value));
                to.next();
            }
            (Some(&(old, was)), Some(&(new, value))) => match old.cmp(new) {
                std::cmp::Ordering::Less => {
                    changes.push(EntryDiff::Removed(old));
                    from.next();
                }
                std::cmp::Ordering::Greater => {
                    changes.push(EntryDiff::Set(new, value));
                    to.next();
                }
                std::cmp::Ordering::Equal => {
                    if was != value {
                        changes.push(EntryDiff::Set(new, value));
                    }
                    from.next();
                    to.next();
                }
            },
        }
    }
}

/// An indexed sequence.
pub trait Seq<T: Value>:
    Clone + Debug + Default + PartialEq + Eq + Hash + Send + Sync + FromIterator<T> + 'static
{
    /// The element at `index`, or `None` if it is out of bounds.
    fn get(&self, index: usize) -> Option<&T>;
    /// Replaces the element at `index`; false if out of bounds.
    fn set(&mut self, index: usize, value: T) -> bool;
    /// The number of elements.
    fn len(&self) -> usize;
    /// True when the sequence has no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The elements in index order.
    fn iter(&self) -> impl Iterator<Item = &T>;
}

/// `BTreeMap` and `Vec`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Std;

/// `imbl::OrdMap` and `imbl::Vector`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Imbl;

/// `rpds::RedBlackTreeMapSync` and `rpds::VectorSync`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rpds;

/// Every representation name, in the order `--repr` lists them.
pub const NAMES: &[&str] = &[Std::NAME, Imbl::NAME, Rpds::NAME];

impl Repr for Std {
    const NAME: &'static str = "std";
    type Map<K: Key, V: Value> = BTreeMap<K, V>;
    type Seq<T: Value> = Vec<T>;
}

impl Repr for Imbl {
    const NAME: &'static str = "imbl";
    type Map<K: Key, V: Value> = imbl::OrdMap<K, V>;
    type Seq<T: Value> = imbl::Vector<T>;
}

impl Repr for Rpds {
    const NAME: &'static str = "rpds";
    type Map<K: Key, V: Value> = rpds::RedBlackTreeMapSync<K, V>;
    type Seq<T: Value> = rpds::VectorSync<T>;
}

impl<K: Key, V: Value> Map<K, V> for BTreeMap<K, V> {
    fn get(&self, key: &K) -> Option<&V> {
        BTreeMap::get(self, key)
    }
    fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        BTreeMap::get_mut(self, key)
    }
    fn insert(&mut self, key: K, value: V) {
        BTreeMap::insert(self, key, value);
    }
    fn remove(&mut self, key: &K) -> bool {
        BTreeMap::remove(self, key).is_some()
    }
    fn len(&self) -> usize {
        BTreeMap::len(self)
    }
    fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        BTreeMap::iter(self)
    }
    fn diff<'a>(&'a self, to: &'a Self) -> Vec<EntryDiff<'a, K, V>> {
        merge_join(self.iter(), to.iter())
    }
}

impl<K: Key, V: Value> Map<K, V> for imbl::OrdMap<K, V> {
    fn get(&self, key: &K) -> Option<&V> {
        imbl::OrdMap::get(self, key)
    }
    fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        imbl::OrdMap::get_mut(self, key)
    }
    fn insert(&mut self, key: K, value: V) {
        imbl::OrdMap::insert(self, key, value);
    }
    fn remove(&mut self, key: &K) -> bool {
        imbl::OrdMap::remove(self, key).is_some()
    }
    fn len(&self) -> usize {
        imbl::OrdMap::len(self)
    }
    fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        imbl::OrdMap::iter(self)
    }
    fn diff<'a>(&'a self, to: &'a Self) -> Vec<EntryDiff<'a, K, V>> {
        imbl::OrdMap::diff(self, to)
            .map(|item| match item {
                imbl::ordmap::DiffItem::Add(key, value)
                | imbl::ordmap::DiffItem::Update {
                    new: (key, value), ..
                } => EntryDiff::Set(key, value),
                imbl::ordmap::DiffItem::Remove(key, _) => EntryDiff::Removed(key),
            })
            .collect()
    }
}

impl<K: Key, V: Value> Map<K, V> for rpds::RedBlackTreeMapSync<K, V> {
    fn get(&self, key: &K) -> Option<&V> {
        rpds::RedBlackTreeMap::get(self, key)
    }
    fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        rpds::RedBlackTreeMap::get_mut(self, key)
    }
    fn insert(&mut self, key: K, value: V) {
        self.insert_mut(key, value);
    }
    fn remove(&mut self, key: &K) -> bool {
        self.remove_mut(key)
    }
    fn len(&self) -> usize {
        self.size()
    }
    fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        rpds::RedBlackTreeMap::iter(self)
    }
    fn diff<'a>(&'a self, to: &'a Self) -> Vec<EntryDiff<'a, K, V>> {
        if self.ptr_eq(to) {
            return Vec::new();
        }
        merge_join(self.iter(), to.iter())
    }
}

impl<T: Value> Seq<T> for Vec<T> {
    fn get(&self, index: usize) -> Option<&T> {
        <[T]>::get(self, index)
    }
    fn set(&mut self, index: usize, value: T) -> bool {
        match <[T]>::get_mut(self, index) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn iter(&self) -> impl Iterator<Item = &T> {
        <[T]>::iter(self)
    }
}

impl<T: Value> Seq<T> for imbl::Vector<T> {
    fn get(&self, index: usize) -> Option<&T> {
        imbl::Vector::get(self, index)
    }
    fn set(&mut self, index: usize, value: T) -> bool {
        if index < self.len() {
            imbl::Vector::set(self, index, value);
            true
        } else {
            false
        }
    }
    fn len(&self) -> usize {
        imbl::Vector::len(self)
    }
    fn iter(&self) -> impl Iterator<Item = &T> {
        imbl::Vector::iter(self)
    }
}

impl<T: Value> Seq<T> for rpds::VectorSync<T> {
    fn get(&self, index: usize) -> Option<&T> {
        rpds::Vector::get(self, index)
    }
    fn set(&mut self, index: usize, value: T) -> bool {
        self.set_mut(index, value)
    }
    fn len(&self) -> usize {
        rpds::Vector::len(self)
    }
    fn iter(&self) -> impl Iterator<Item = &T> {
        rpds::Vector::iter(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_laws<R: Repr>() {
        let mut map: R::Map<u32, String> = (0..10).map(|i| (i, i.to_string())).collect();
        let before = map.clone();
        map.insert(3, "three".into());
        *map.get_mut(&4).unwrap() = "four".into();
        assert!(map.remove(&5));
        assert!(!map.remove(&50));
        assert_eq!(map.len(), 9);
        assert_eq!(map.get(&3).map(String::as_str), Some("three"));
        assert_eq!(
            before.get(&3).map(String::as_str),
            Some("3"),
            "copies are independent"
        );
        let keys: Vec<u32> = map.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [0, 1, 2, 3, 4, 6, 7, 8, 9]);
        assert_ne!(map, before);
    }

    fn seq_laws<R: Repr>() {
        let mut seq: R::Seq<bool> = std::iter::repeat_n(false, 5).collect();
        let before = seq.clone();
        assert!(seq.set(2, true));
        assert!(!seq.set(5, true));
        assert_eq!(seq.get(2), Some(&true));
        assert_eq!(before.get(2), Some(&false));
        assert_eq!(seq.iter().filter(|&&b| b).count(), 1);
        assert_eq!(seq.len(), 5);
    }

    fn diff_laws<R: Repr>() {
        let from: R::Map<u32, u32> = (0..1000).map(|i| (i, i)).collect();
        let mut to = from.clone();
        to.insert(5, 50);
        to.insert(2000, 1);
        assert!(to.remove(&7));
        let changes = from.diff(&to);
        assert_eq!(
            changes,
            [
                EntryDiff::Set(&5, &50),
                EntryDiff::Removed(&7),
                EntryDiff::Set(&2000, &1)
            ]
        );
        assert!(from.diff(&from.clone()).is_empty());
    }

    #[test]
    fn every_representation_obeys_the_same_laws() {
        diff_laws::<Std>();
        diff_laws::<Imbl>();
        diff_laws::<Rpds>();
        map_laws::<Std>();
        map_laws::<Imbl>();
        map_laws::<Rpds>();
        seq_laws::<Std>();
        seq_laws::<Imbl>();
        seq_laws::<Rpds>();
    }
}
