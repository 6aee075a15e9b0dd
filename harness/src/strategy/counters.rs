//! Named event counts a strategy reports beside throughput (retries, publishes).

use std::collections::BTreeMap;

use serde::Serialize;

/// Named counts; adding two sets adds the counts of equal names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Counters(BTreeMap<&'static str, u64>);

impl Counters {
    /// Counters with these names, all zero, so they show even when nothing happened.
    pub fn named(names: &[&'static str]) -> Self {
        Self(names.iter().map(|&name| (name, 0)).collect())
    }

    /// Adds `n` to the count called `name`.
    pub fn add(&mut self, name: &'static str, n: u64) {
        *self.0.entry(name).or_default() += n;
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Counters) {
        for (&name, &n) in &other.0 {
            self.add(name, n);
        }
    }

    /// What happened since `earlier` was taken from the same source.
    pub fn since(&self, earlier: &Counters) -> Counters {
        let mut delta = self.clone();
        for (name, n) in &mut delta.0 {
            *n = n.saturating_sub(earlier.get(name));
        }
        delta
    }

    /// The count called `name`; 0 if there is none.
    pub fn get(&self, name: &str) -> u64 {
        self.0.get(name).copied().unwrap_or(0)
    }

    /// Every count with its name, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.0.iter().map(|(&name, &n)| (name, n))
    }

    /// Whether there are no counts at all (a named count of zero is one).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_and_since_subtracts() {
        let mut a = Counters::named(&["publishes", "retries"]);
        a.add("retries", 3);
        let earlier = a.clone();
        let mut b = Counters::default();
        b.add("retries", 2);
        b.add("publishes", 1);
        a.merge(&b);
        assert_eq!(a.get("retries"), 5);
        let delta = a.since(&earlier);
        assert_eq!(delta.get("retries"), 2);
        assert_eq!(delta.get("publishes"), 1);
        assert_eq!(delta.get("absent"), 0);
    }
}
