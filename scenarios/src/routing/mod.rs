//! `routing`: a gateway's routing table, read on every request and changed rarely.
//!
//! The state is a table of routes, each a path prefix of whole segments
//! (`/svc00017/v2`) and a backend (`size` = number of routes). A read routes
//! one request path: 4 in 5 are served by the route drawn from the workload's
//! distribution, 1 in 5 by no route; 1 read in 50 instead summarizes the table
//! (version and route count). Writes replace one route's backend (7 in 16),
//! add or remove a route (4 in 16 each, both on a spare band of `size / 8`
//! prefixes, so the table stays between `size` and `size + size / 8`) or
//! reload a batch of 8 to 32 routes (1 in 16). Every write bumps `version`,
//! even one that changes nothing, so the version counts acknowledged writes
//! and a lost update shows as a version that is too small. No write output
//! reports the version, so a write's outcome depends only on the routes it
//! names and two writes to different routes can merge (see [`Mergeable`]).
//!
//! The variants differ in how a request finds its route, and so in what a
//! read and a write cost:
//!
//! * `prefix`: an ordered list, the first route whose prefix matches wins.
//!   A request scans the list, O(size), and a miss scans all of it; an add or
//!   a remove rebuilds the list, so no structural sharing survives it. The
//!   initial list puts each service's most specific prefix first; an added
//!   route goes last. The simple table.
//! * `longest`: a map from prefix to backend; the longest matching prefix wins.
//!   A request looks up the path's own prefixes, longest first: O(depth) map
//!   lookups, sub-linear in size.
//! * `indexed`: a map from exact path to backend: one map lookup (O(log size)
//!   in our ordered maps).
//! * `tenants`: one `longest` table per tenant, the path's first segment
//!   (`/t0003`, 64 routes each), in a map from tenant to table. A write
//!   changes one tenant's table and leaves the others shared and untouched.
//!
//! For the three-way merge of `cas-merge` ([`Mergeable`]), a leaf is one route
//! (in `tenants`, one route of one tenant), diffed through the maps'
//! structural sharing; the `routes` count and `version` are deltas that
//! commute. In `prefix` the order of the list decides which route wins, so
//! the whole list is one leaf and any two writes that change it conflict.
//!
//! Our maps look a key up by `&K`, so each candidate prefix must be built as a
//! key: paths are [`RoutePath`]s, stored inline when short, so routing a
//! request builds its candidate keys without allocating.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;
use std::sync::Arc;

use crate::merge::Mergeable;
use crate::repr::{EntryDiff, Map, Repr, Seq, Std};
use crate::scenario::{Increments, InvariantViolation, Scenario};
use crate::workload::GenContext;

/// Every variant name, in the order `--variant` lists them.
pub const VARIANTS: &[&str] = &["prefix", "longest", "indexed", "tenants"];

/// Share of reads that summarize the whole table (the rest route a request).
const SUMMARY_SHARE: f64 = 1.0 / 50.0;
/// Share of routed requests whose path no route serves.
const MISS_SHARE: f64 = 1.0 / 5.0;
/// Backends a route can point at.
const BACKENDS: u32 = 64;
/// Routes per tenant in the initial `tenants` table.
const ROUTES_PER_TENANT: usize = 64;
/// The smallest reload batch; the largest is `BATCH_MIN + BATCH_SPREAD - 1`.
const BATCH_MIN: usize = 8;
const BATCH_SPREAD: u64 = 25;
/// Adds and removes work on `size / SPARE_DIVISOR` spare routes.
const SPARE_DIVISOR: usize = 8;
/// Paths up to this many bytes are stored inline.
const INLINE: usize = 38;

/// How a request finds its route.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RoutingVariant {
    /// Ordered list, first matching prefix wins. The default, as the first listed.
    #[default]
    Prefix,
    /// Map from prefix, longest matching prefix wins.
    Longest,
    /// Map from exact path.
    Indexed,
    /// One longest-prefix map per tenant.
    Tenants,
}

impl RoutingVariant {
    /// The name `--variant` takes (one of [`VARIANTS`]).
    pub fn name(self) -> &'static str {
        match self {
            RoutingVariant::Prefix => "prefix",
            RoutingVariant::Longest => "longest",
            RoutingVariant::Indexed => "indexed",
            RoutingVariant::Tenants => "tenants",
        }
    }
}

impl fmt::Display for RoutingVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RoutingVariant {
    /// The name that is not a variant.
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "prefix" => Ok(RoutingVariant::Prefix),
            "longest" => Ok(RoutingVariant::Longest),
            "indexed" => Ok(RoutingVariant::Indexed),
            "tenants" => Ok(RoutingVariant::Tenants),
            _ => Err(name.to_owned()),
        }
    }
}

/// The `routing` scenario in one variant, with its state in representation `R`.
#[derive(Clone, Copy, Debug)]
pub struct RoutingScenario<R = Std> {
    variant: RoutingVariant,
    repr: PhantomData<R>,
}

impl RoutingScenario<Std> {
    /// The scenario in `variant`, with std collections.
    pub fn new(variant: RoutingVariant) -> Self {
        Self::with(variant)
    }
}

impl<R: Repr> RoutingScenario<R> {
    /// The scenario in `variant`, with its state in representation `R`.
    pub fn with(variant: RoutingVariant) -> Self {
        Self {
            variant,
            repr: PhantomData,
        }
    }

    /// The variant this scenario runs.
    pub fn variant(&self) -> RoutingVariant {
        self.variant
    }
}

mod generate;
mod merge;
mod scenario;
mod table;
#[cfg(test)]
mod tests;
mod types;

pub use merge::{RoutingChange, RoutingLeaf};
pub use types::*;

use generate::*;
