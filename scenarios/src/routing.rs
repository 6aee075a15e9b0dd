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
use std::time::Duration;

use crate::merge::Mergeable;
use crate::model::{Increments, InvariantViolation, Scenario, pause};
use crate::repr::{EntryDiff, Map, Repr, Seq, Std};
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
    write_delay: Duration,
    repr: PhantomData<R>,
}

impl RoutingScenario<Std> {
    /// The scenario with std collections and no write delay.
    pub fn new(variant: RoutingVariant) -> Self {
        Self::with(variant, Duration::ZERO)
    }
}

impl<R: Repr> RoutingScenario<R> {
    /// Every write pauses for `write_delay` before returning.
    pub fn with(variant: RoutingVariant, write_delay: Duration) -> Self {
        Self {
            variant,
            write_delay,
            repr: PhantomData,
        }
    }

    pub fn variant(&self) -> RoutingVariant {
        self.variant
    }
}

/// A request path or a route prefix. Paths of up to 38 bytes (every generated
/// one) are stored inline, so a lookup builds a key without allocating.
#[derive(Clone)]
pub struct RoutePath(Bytes);

#[derive(Clone)]
enum Bytes {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Arc<[u8]>),
}

impl RoutePath {
    pub fn new(path: &str) -> Self {
        Self::from_bytes(path.as_bytes())
    }

    /// Only called with a whole path or a prefix of one that ends before a `/`,
    /// so the bytes are always UTF-8.
    fn from_bytes(path: &[u8]) -> Self {
        if path.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..path.len()].copy_from_slice(path);
            let len = path.len() as u8;
            RoutePath(Bytes::Inline { len, bytes })
        } else {
            RoutePath(Bytes::Heap(path.into()))
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Bytes::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Bytes::Heap(bytes) => bytes,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("a route path is built from a str")
    }

    /// Whether this prefix matches `path` in whole segments: `/a` matches `/a`
    /// and `/a/b`, not `/ab`.
    pub fn covers(&self, path: &[u8]) -> bool {
        let prefix = self.as_bytes();
        path.starts_with(prefix) && path.get(prefix.len()).is_none_or(|&b| b == b'/')
    }

    /// The tenant a path belongs to: the path up to its second `/`
    /// (`/t0003` for `/t0003/svc00017/v2`), or all of it.
    pub fn tenant(&self) -> RoutePath {
        let path = self.as_bytes();
        RoutePath::from_bytes(&path[..tenant_len(path)])
    }
}

fn tenant_len(path: &[u8]) -> usize {
    let mut slashes = path.iter().enumerate().filter(|&(_, &b)| b == b'/');
    slashes.nth(1).map_or(path.len(), |(at, _)| at)
}

impl From<&str> for RoutePath {
    fn from(path: &str) -> Self {
        RoutePath::new(path)
    }
}

impl PartialEq for RoutePath {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for RoutePath {}

impl PartialOrd for RoutePath {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RoutePath {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for RoutePath {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for RoutePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for RoutePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a route sends its requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Backend(pub u32);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    pub prefix: RoutePath,
    pub backend: Backend,
}

impl From<(RoutePath, Backend)> for Route {
    fn from((prefix, backend): (RoutePath, Backend)) -> Self {
        Route { prefix, backend }
    }
}

/// The shared routing table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RoutingTable<R: Repr = Std> {
    /// Number of writes applied since the initial state.
    pub version: u64,
    /// How many routes `table` holds; kept in step by every write.
    pub routes: usize,
    pub table: Table<R>,
}

/// The routes, shaped by the variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Table<R: Repr = Std> {
    /// In priority order.
    Prefix(R::Seq<Route>),
    /// From prefix.
    Longest(R::Map<RoutePath, Backend>),
    /// From exact path.
    Indexed(R::Map<RoutePath, Backend>),
    /// From tenant to that tenant's routes, from prefix; no tenant is empty.
    Tenants(R::Map<RoutePath, R::Map<RoutePath, Backend>>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingRead {
    /// Which backend serves this request path.
    Route(RoutePath),
    /// Version and route count, from one state.
    Summary,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingReadOutput {
    Routed(Option<Backend>),
    Summary { version: u64, routes: usize },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingWrite {
    /// Add a route whose prefix is not routed yet (last in priority in `prefix`).
    Add(Route),
    /// Remove the route with this prefix.
    Remove(RoutePath),
    /// Point an existing route at another backend.
    Replace(Route),
    /// Add or replace every route of the batch, in order.
    Reload(Arc<[Route]>),
}

/// What a write did. No output reports `version`: an output that reported a
/// global counter would make every write read it, and no two writes could
/// then merge (see [`Mergeable::read_set`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingWriteOutput {
    Added,
    /// An add of a prefix that is already routed, to `backend`; nothing changed.
    AlreadyRouted {
        backend: Backend,
    },
    Removed {
        backend: Backend,
    },
    Replaced {
        previous: Backend,
    },
    /// A remove or replace of a prefix that is not routed; nothing changed.
    NoSuchRoute,
    Reloaded {
        added: usize,
        replaced: usize,
    },
}

impl<R: Repr> Table<R> {
    fn variant(&self) -> RoutingVariant {
        match self {
            Table::Prefix(_) => RoutingVariant::Prefix,
            Table::Longest(_) => RoutingVariant::Longest,
            Table::Indexed(_) => RoutingVariant::Indexed,
            Table::Tenants(_) => RoutingVariant::Tenants,
        }
    }

    fn build(variant: RoutingVariant, routes: impl Iterator<Item = Route>) -> Self {
        let entries = routes.map(|route| (route.prefix, route.backend));
        match variant {
            RoutingVariant::Prefix => Table::Prefix(entries.map(Route::from).collect()),
            RoutingVariant::Longest => Table::Longest(entries.collect()),
            RoutingVariant::Indexed => Table::Indexed(entries.collect()),
            RoutingVariant::Tenants => Table::Tenants(tenant_tables::<R>(entries)),
        }
    }

    /// The backend that serves `path`.
    fn route(&self, path: &RoutePath) -> Option<Backend> {
        match self {
            Table::Prefix(list) => list
                .iter()
                .find(|route| route.prefix.covers(path.as_bytes()))
                .map(|route| route.backend),
            Table::Longest(map) => longest_match(map, path, 0),
            Table::Indexed(map) => map.get(path).copied(),
            Table::Tenants(tenants) => {
                let tenant = path.tenant();
                let routes = tenants.get(&tenant)?;
                longest_match(routes, path, tenant.as_bytes().len())
            }
        }
    }

    /// The backend of the route with exactly this prefix.
    fn get(&self, prefix: &RoutePath) -> Option<Backend> {
        match self {
            Table::Prefix(list) => list
                .iter()
                .find(|route| route.prefix == *prefix)
                .map(|route| route.backend),
            Table::Longest(map) | Table::Indexed(map) => map.get(prefix).copied(),
            Table::Tenants(tenants) => tenants.get(&prefix.tenant())?.get(prefix).copied(),
        }
    }

    /// Adds `route` or replaces the backend of its prefix; returns the backend replaced.
    fn upsert(&mut self, route: &Route) -> Option<Backend> {
        match self {
            Table::Prefix(list) => upsert_in_list(list, route),
            Table::Longest(map) | Table::Indexed(map) => upsert_in_map(map, route),
            Table::Tenants(tenants) => {
                let tenant = route.prefix.tenant();
                if let Some(routes) = tenants.get_mut(&tenant) {
                    return upsert_in_map(routes, route);
                }
                let routes = std::iter::once((route.prefix.clone(), route.backend)).collect();
                tenants.insert(tenant, routes);
                None
            }
        }
    }

    /// Removes the route with this prefix, which is present.
    fn remove(&mut self, prefix: &RoutePath) {
        match self {
            Table::Prefix(list) => {
                *list = list
                    .iter()
                    .filter(|route| route.prefix != *prefix)
                    .cloned()
                    .collect();
            }
            Table::Longest(map) | Table::Indexed(map) => {
                map.remove(prefix);
            }
            Table::Tenants(tenants) => {
                let tenant = prefix.tenant();
                let routes = tenants.get_mut(&tenant).expect("the route is present");
                routes.remove(prefix);
                if routes.is_empty() {
                    tenants.remove(&tenant);
                }
            }
        }
    }

    /// How many routes the table holds, counted.
    fn count(&self) -> usize {
        match self {
            Table::Prefix(list) => list.len(),
            Table::Longest(map) | Table::Indexed(map) => map.len(),
            Table::Tenants(tenants) => tenants.iter().map(|(_, routes)| routes.len()).sum(),
        }
    }

    /// Checks what the route count cannot: no prefix listed twice, no empty
    /// tenant, every route under its own tenant.
    fn check_shape(&self) -> Result<(), String> {
        match self {
            Table::Prefix(list) => {
                let mut seen = BTreeSet::new();
                match list.iter().find(|route| !seen.insert(&route.prefix)) {
                    Some(route) => Err(format!("prefix {} is listed twice", route.prefix)),
                    None => Ok(()),
                }
            }
            Table::Longest(_) | Table::Indexed(_) => Ok(()),
            Table::Tenants(tenants) => tenants.iter().try_for_each(check_tenant),
        }
    }
}

fn check_tenant<M: Map<RoutePath, Backend>>(
    (tenant, routes): (&RoutePath, &M),
) -> Result<(), String> {
    if routes.is_empty() {
        return Err(format!("tenant {tenant} has an empty table"));
    }
    match routes.iter().find(|(prefix, _)| prefix.tenant() != *tenant) {
        Some((prefix, _)) => Err(format!("route {prefix} is filed under tenant {tenant}")),
        None => Ok(()),
    }
}

/// The backend of the longest prefix of `path` in `routes`, trying only
/// prefixes at least `shortest` bytes long.
fn longest_match<M: Map<RoutePath, Backend>>(
    routes: &M,
    path: &RoutePath,
    shortest: usize,
) -> Option<Backend> {
    if let Some(&backend) = routes.get(path) {
        return Some(backend);
    }
    let bytes = path.as_bytes();
    (shortest..bytes.len())
        .rev()
        .filter(|&end| bytes[end] == b'/')
        .find_map(|end| routes.get(&RoutePath::from_bytes(&bytes[..end])).copied())
}

fn upsert_in_map<M: Map<RoutePath, Backend>>(map: &mut M, route: &Route) -> Option<Backend> {
    if let Some(backend) = map.get_mut(&route.prefix) {
        return Some(std::mem::replace(backend, route.backend));
    }
    map.insert(route.prefix.clone(), route.backend);
    None
}

fn upsert_in_list<S: Seq<Route>>(list: &mut S, route: &Route) -> Option<Backend> {
    let at = list.iter().position(|listed| listed.prefix == route.prefix);
    match at {
        Some(at) => {
            let previous = list.get(at).map(|listed| listed.backend);
            list.set(at, route.clone());
            previous
        }
        None => {
            *list = list.iter().chain([route]).cloned().collect();
            None
        }
    }
}

fn tenant_tables<R: Repr>(
    entries: impl Iterator<Item = (RoutePath, Backend)>,
) -> R::Map<RoutePath, R::Map<RoutePath, Backend>> {
    let mut grouped: std::collections::BTreeMap<RoutePath, Vec<(RoutePath, Backend)>> =
        std::collections::BTreeMap::new();
    for (prefix, backend) in entries {
        grouped
            .entry(prefix.tenant())
            .or_default()
            .push((prefix, backend));
    }
    grouped
        .into_iter()
        .map(|(tenant, routes)| (tenant, routes.into_iter().collect()))
        .collect()
}

/// The prefix of route `index`. Routes come in groups of four nested prefixes
/// (`/svc00004`, `/svc00004/v1`, `/svc00004/v2`, `/svc00004/v2/admin`); in
/// `tenants` they are filed under tenant `index / 64` (`/t0000/svc00004`).
fn route_prefix(variant: RoutingVariant, index: usize) -> String {
    let group = index / 4;
    let service = match index % 4 {
        0 => format!("/svc{group:05}"),
        1 => format!("/svc{group:05}/v1"),
        2 => format!("/svc{group:05}/v2"),
        _ => format!("/svc{group:05}/v2/admin"),
    };
    match variant {
        RoutingVariant::Tenants => format!("{}{service}", tenant_prefix(index)),
        _ => service,
    }
}

fn tenant_prefix(index: usize) -> String {
    format!("/t{:04}", index / ROUTES_PER_TENANT)
}

/// Route `index` of the initial table.
fn initial_route(variant: RoutingVariant, index: usize) -> Route {
    Route {
        prefix: RoutePath::new(&route_prefix(variant, index)),
        backend: Backend((index % BACKENDS as usize) as u32),
    }
}

/// The initial routes in priority order: within each group of four, the most
/// specific prefix first, so that in `prefix` every route serves its requests.
fn initial_routes(variant: RoutingVariant, size: usize) -> impl Iterator<Item = Route> {
    (0..size.div_ceil(4))
        .flat_map(move |group| (group * 4..(group * 4 + 4).min(size)).rev())
        .map(move |index| initial_route(variant, index))
}

impl<R: Repr> RoutingScenario<R> {
    fn prefix(&self, index: usize) -> RoutePath {
        RoutePath::new(&route_prefix(self.variant, index))
    }

    /// A path that route `index` serves: exactly its prefix in `indexed`,
    /// else the prefix, `/items` or `/items/{tail}` below it, as `tail` is 0, 1 or more.
    fn routed_path(&self, index: usize, tail: u64) -> String {
        let prefix = route_prefix(self.variant, index);
        match (self.variant, tail) {
            (RoutingVariant::Indexed, _) | (_, 0) => prefix,
            (_, 1) => format!("{prefix}/items"),
            _ => format!("{prefix}/items/{tail}"),
        }
    }

    /// A path no generated route serves (in `tenants`, under a real tenant).
    fn unrouted_path(&self, index: usize) -> String {
        match self.variant {
            RoutingVariant::Tenants => format!("{}/gone{index:05}/items", tenant_prefix(index)),
            _ => format!("/gone{index:05}/items"),
        }
    }

    /// One of the spare prefixes that adds and removes churn.
    fn spare_prefix(&self, ctx: &mut GenContext) -> RoutePath {
        let size = ctx.size();
        self.prefix(size + ctx.key() % size.div_ceil(SPARE_DIVISOR))
    }

    /// 8 to 32 consecutive routes with new backends; in `tenants`, of one tenant.
    fn batch(&self, ctx: &mut GenContext) -> Arc<[Route]> {
        let size = ctx.size();
        let key = ctx.key();
        let (first, end) = match self.variant {
            RoutingVariant::Tenants => {
                let first = key / ROUTES_PER_TENANT * ROUTES_PER_TENANT;
                (first, (first + ROUTES_PER_TENANT).min(size))
            }
            _ => (0, size),
        };
        let len = (BATCH_MIN + ctx.below(BATCH_SPREAD) as usize).min(end - first);
        let start = key.min(end - len);
        (start..start + len)
            .map(|index| Route {
                prefix: self.prefix(index),
                backend: any_backend(ctx),
            })
            .collect()
    }
}

fn any_backend(ctx: &mut GenContext) -> Backend {
    Backend(ctx.below(u64::from(BACKENDS)) as u32)
}

impl<R: Repr> Scenario for RoutingScenario<R> {
    type State = RoutingTable<R>;
    type Read = RoutingRead;
    type Write = RoutingWrite;
    type ReadOutput = RoutingReadOutput;
    type WriteOutput = RoutingWriteOutput;

    fn name(&self) -> &'static str {
        "routing"
    }

    fn initial_state(&self, size: usize) -> RoutingTable<R> {
        RoutingTable {
            version: 0,
            routes: size,
            table: Table::build(self.variant, initial_routes(self.variant, size)),
        }
    }

    fn read(&self, state: &RoutingTable<R>, op: &RoutingRead) -> RoutingReadOutput {
        match op {
            RoutingRead::Route(path) => RoutingReadOutput::Routed(state.table.route(path)),
            RoutingRead::Summary => RoutingReadOutput::Summary {
                version: state.version,
                routes: state.routes,
            },
        }
    }

    fn write(&self, state: &mut RoutingTable<R>, op: &RoutingWrite) -> RoutingWriteOutput {
        pause(self.write_delay);
        state.version += 1;
        match op {
            RoutingWrite::Add(route) => add(state, route),
            RoutingWrite::Remove(prefix) => remove(state, prefix),
            RoutingWrite::Replace(route) => replace(state, route),
            RoutingWrite::Reload(batch) => reload(state, batch),
        }
    }

    fn check_invariants(&self, state: &RoutingTable<R>) -> Result<(), InvariantViolation> {
        let violation =
            |what: String| InvariantViolation(format!("routing v{} {what}", state.version));
        if state.table.variant() != self.variant {
            return Err(violation(format!(
                "has a {} table in the {} variant",
                state.table.variant(),
                self.variant
            )));
        }
        let counted = state.table.count();
        if counted != state.routes {
            return Err(violation(format!(
                "says it has {} routes but has {counted}",
                state.routes
            )));
        }
        state.table.check_shape().map_err(violation)
    }

    fn slowed(&self, delay: Duration) -> Self {
        Self::with(self.variant, delay)
    }

    fn generate_read(&self, ctx: &mut GenContext) -> RoutingRead {
        if ctx.chance(SUMMARY_SHARE) {
            return RoutingRead::Summary;
        }
        let index = ctx.key();
        let path = if ctx.chance(MISS_SHARE) {
            self.unrouted_path(index)
        } else {
            self.routed_path(index, ctx.below(100))
        };
        RoutingRead::Route(RoutePath::new(&path))
    }

    fn generate_write(&self, ctx: &mut GenContext) -> RoutingWrite {
        match ctx.below(16) {
            0 => RoutingWrite::Reload(self.batch(ctx)),
            1..=4 => RoutingWrite::Add(Route {
                prefix: self.spare_prefix(ctx),
                backend: any_backend(ctx),
            }),
            5..=8 => RoutingWrite::Remove(self.spare_prefix(ctx)),
            _ => RoutingWrite::Replace(Route {
                prefix: self.prefix(ctx.key()),
                backend: any_backend(ctx),
            }),
        }
    }
}

fn add<R: Repr>(state: &mut RoutingTable<R>, route: &Route) -> RoutingWriteOutput {
    if let Some(backend) = state.table.get(&route.prefix) {
        return RoutingWriteOutput::AlreadyRouted { backend };
    }
    state.table.upsert(route);
    state.routes += 1;
    RoutingWriteOutput::Added
}

fn remove<R: Repr>(state: &mut RoutingTable<R>, prefix: &RoutePath) -> RoutingWriteOutput {
    let Some(backend) = state.table.get(prefix) else {
        return RoutingWriteOutput::NoSuchRoute;
    };
    state.table.remove(prefix);
    state.routes -= 1;
    RoutingWriteOutput::Removed { backend }
}

fn replace<R: Repr>(state: &mut RoutingTable<R>, route: &Route) -> RoutingWriteOutput {
    match state.table.get(&route.prefix) {
        Some(previous) => {
            state.table.upsert(route);
            RoutingWriteOutput::Replaced { previous }
        }
        None => RoutingWriteOutput::NoSuchRoute,
    }
}

fn reload<R: Repr>(state: &mut RoutingTable<R>, batch: &[Route]) -> RoutingWriteOutput {
    let replaced = batch
        .iter()
        .filter(|route| state.table.upsert(route).is_some())
        .count();
    let added = batch.len() - replaced;
    state.routes += added;
    RoutingWriteOutput::Reloaded { added, replaced }
}

impl<R: Repr> Increments for RoutingScenario<R> {
    /// Points route `n % size` at backend `n % 64`: a replace, or a no-op
    /// that still counts when the table is empty.
    fn increment(&self, size: usize, n: u64) -> RoutingWrite {
        let index = (n % size.max(1) as u64) as usize;
        RoutingWrite::Replace(Route {
            prefix: self.prefix(index),
            backend: Backend((n % u64::from(BACKENDS)) as u32),
        })
    }

    fn count(&self, state: &RoutingTable<R>) -> u64 {
        state.version
    }
}

/// The tables of the `tenants` variant.
type TenantTables<R> = <R as Repr>::Map<RoutePath, <R as Repr>::Map<RoutePath, Backend>>;

/// A leaf of a [`RoutingTable`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingLeaf {
    /// The whole list of `prefix`: its order decides which route wins.
    PrefixList,
    /// The route with this prefix (`longest`) or exact path (`indexed`).
    Route(RoutePath),
    /// The route with this prefix in this tenant's table (`tenants`).
    TenantRoute {
        tenant: RoutePath,
        prefix: RoutePath,
    },
    /// The route count.
    Routes,
    /// The write count.
    Version,
}

/// A change to one leaf of a [`RoutingTable`]; counters change by deltas.
#[derive(Clone, Debug, PartialEq)]
pub enum RoutingChange<R: Repr = Std> {
    /// The new list of `prefix` (a copy shares the list in persistent representations).
    PrefixList(R::Seq<Route>),
    /// The route's new backend, or `None` if it is gone.
    Route(RoutePath, Option<Backend>),
    /// A tenant route's new backend, or `None` if it is gone.
    TenantRoute {
        tenant: RoutePath,
        prefix: RoutePath,
        backend: Option<Backend>,
    },
    Routes(isize),
    /// Writes added to the version, modulo 2^64, so that a diff from a
    /// newer state to an older one (which a broken strategy can publish)
    /// wraps instead of overflowing.
    Version(u64),
}

impl<R: Repr> RoutingScenario<R> {
    /// The leaf holding the route with this prefix.
    fn route_leaf(&self, prefix: &RoutePath) -> RoutingLeaf {
        match self.variant {
            RoutingVariant::Prefix => RoutingLeaf::PrefixList,
            RoutingVariant::Longest | RoutingVariant::Indexed => RoutingLeaf::Route(prefix.clone()),
            RoutingVariant::Tenants => RoutingLeaf::TenantRoute {
                tenant: prefix.tenant(),
                prefix: prefix.clone(),
            },
        }
    }
}

impl<R: Repr> Mergeable for RoutingScenario<R> {
    type Leaf = RoutingLeaf;
    type Change = RoutingChange<R>;

    /// Maps are diffed with [`Map::diff`], so with imbl the cost follows the
    /// size of the change; in `tenants` only the tenants whose tables differ
    /// are diffed entry by entry. The `prefix` list is compared whole.
    fn diff(&self, from: &RoutingTable<R>, to: &RoutingTable<R>) -> Vec<RoutingChange<R>> {
        let mut changes = match (&from.table, &to.table) {
            (Table::Prefix(was), Table::Prefix(now)) => {
                if was == now {
                    Vec::new()
                } else {
                    vec![RoutingChange::PrefixList(now.clone())]
                }
            }
            (Table::Longest(was), Table::Longest(now))
            | (Table::Indexed(was), Table::Indexed(now)) => was
                .diff(now)
                .into_iter()
                .map(|entry| match entry {
                    EntryDiff::Set(prefix, backend) => {
                        RoutingChange::Route(prefix.clone(), Some(*backend))
                    }
                    EntryDiff::Removed(prefix) => RoutingChange::Route(prefix.clone(), None),
                })
                .collect(),
            (Table::Tenants(was), Table::Tenants(now)) => tenant_changes::<R>(was, now),
            (was, now) => panic!(
                "cannot diff a {} table against a {} table",
                was.variant(),
                now.variant()
            ),
        };
        if from.routes != to.routes {
            changes.push(RoutingChange::Routes(
                to.routes as isize - from.routes as isize,
            ));
        }
        if from.version != to.version {
            changes.push(RoutingChange::Version(
                to.version.wrapping_sub(from.version),
            ));
        }
        changes
    }

    fn leaf(&self, change: &RoutingChange<R>) -> RoutingLeaf {
        match change {
            RoutingChange::PrefixList(_) => RoutingLeaf::PrefixList,
            RoutingChange::Route(prefix, _) => RoutingLeaf::Route(prefix.clone()),
            RoutingChange::TenantRoute { tenant, prefix, .. } => RoutingLeaf::TenantRoute {
                tenant: tenant.clone(),
                prefix: prefix.clone(),
            },
            RoutingChange::Routes(_) => RoutingLeaf::Routes,
            RoutingChange::Version(_) => RoutingLeaf::Version,
        }
    }

    fn commutes(&self, change: &RoutingChange<R>) -> bool {
        matches!(change, RoutingChange::Routes(_) | RoutingChange::Version(_))
    }

    /// Sets or removes routes as the writes do: in `tenants`, a tenant's
    /// table is created by its first route and removed with its last.
    fn apply_changes(&self, state: &mut RoutingTable<R>, changes: &[RoutingChange<R>]) {
        for change in changes {
            match (change, &mut state.table) {
                (RoutingChange::PrefixList(list), Table::Prefix(was)) => *was = list.clone(),
                (
                    RoutingChange::Route(prefix, backend),
                    Table::Longest(map) | Table::Indexed(map),
                ) => match backend {
                    Some(backend) => map.insert(prefix.clone(), *backend),
                    None => {
                        map.remove(prefix);
                    }
                },
                (
                    RoutingChange::TenantRoute {
                        tenant,
                        prefix,
                        backend,
                    },
                    Table::Tenants(tenants),
                ) => set_tenant_route::<R>(tenants, tenant, prefix, *backend),
                (RoutingChange::Routes(delta), _) => {
                    state.routes = state
                        .routes
                        .checked_add_signed(*delta)
                        .expect("a merged route count stays positive");
                }
                (RoutingChange::Version(delta), _) => {
                    state.version = state.version.wrapping_add(*delta)
                }
                (change, table) => panic!("cannot apply {change:?} to a {} table", table.variant()),
            }
        }
    }

    /// A write's outcome and output depend only on whether the routes it
    /// names exist (and their backends): its own route, or every route of a
    /// reload batch. In `prefix`, where a route's effect depends on its place
    /// in the list, every write reads the whole list.
    fn read_set(&self, _: &RoutingTable<R>, op: &RoutingWrite) -> Vec<RoutingLeaf> {
        if self.variant == RoutingVariant::Prefix {
            return vec![RoutingLeaf::PrefixList];
        }
        match op {
            RoutingWrite::Add(route) | RoutingWrite::Replace(route) => {
                vec![self.route_leaf(&route.prefix)]
            }
            RoutingWrite::Remove(prefix) => vec![self.route_leaf(prefix)],
            RoutingWrite::Reload(batch) => batch
                .iter()
                .map(|route| self.route_leaf(&route.prefix))
                .collect(),
        }
    }
}

/// The route changes between two `tenants` tables: the outer maps are
/// diffed first, and only the tenants whose tables differ are diffed inside.
fn tenant_changes<R: Repr>(was: &TenantTables<R>, now: &TenantTables<R>) -> Vec<RoutingChange<R>> {
    let change = |tenant: &RoutePath, prefix: &RoutePath, backend: Option<Backend>| {
        RoutingChange::TenantRoute {
            tenant: tenant.clone(),
            prefix: prefix.clone(),
            backend,
        }
    };
    let mut changes = Vec::new();
    for entry in was.diff(now) {
        let before = was.get(entry.key());
        match (entry, before) {
            (EntryDiff::Set(tenant, routes), Some(before)) => {
                changes.extend(before.diff(routes).into_iter().map(|entry| match entry {
                    EntryDiff::Set(prefix, &backend) => change(tenant, prefix, Some(backend)),
                    EntryDiff::Removed(prefix) => change(tenant, prefix, None),
                }));
            }
            (EntryDiff::Set(tenant, routes), None) => changes.extend(
                routes
                    .iter()
                    .map(|(prefix, &backend)| change(tenant, prefix, Some(backend))),
            ),
            (EntryDiff::Removed(tenant), Some(before)) => changes.extend(
                before
                    .iter()
                    .map(|(prefix, _)| change(tenant, prefix, None)),
            ),
            (EntryDiff::Removed(_), None) => unreachable!("a removed tenant was present"),
        }
    }
    changes
}

/// Sets or removes one tenant route, creating the tenant's table for its
/// first route and removing it with its last, as the writes do.
fn set_tenant_route<R: Repr>(
    tenants: &mut TenantTables<R>,
    tenant: &RoutePath,
    prefix: &RoutePath,
    backend: Option<Backend>,
) {
    match (tenants.get_mut(tenant), backend) {
        (Some(routes), Some(backend)) => routes.insert(prefix.clone(), backend),
        (Some(routes), None) => {
            routes.remove(prefix);
            if routes.is_empty() {
                tenants.remove(tenant);
            }
        }
        (None, Some(backend)) => {
            let routes = std::iter::once((prefix.clone(), backend)).collect();
            tenants.insert(tenant.clone(), routes);
        }
        (None, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::{Validate, conflicts};
    use crate::{Imbl, KeyDist, Op, Output, Rpds, Workload};
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const ALL: [RoutingVariant; 4] = [
        RoutingVariant::Prefix,
        RoutingVariant::Longest,
        RoutingVariant::Indexed,
        RoutingVariant::Tenants,
    ];

    fn path(text: &str) -> RoutePath {
        RoutePath::new(text)
    }

    fn route(prefix: &str, backend: u32) -> Route {
        Route {
            prefix: path(prefix),
            backend: Backend(backend),
        }
    }

    fn routed(s: &RoutingScenario, table: &RoutingTable, request: &str) -> Option<Backend> {
        match s.read(table, &RoutingRead::Route(path(request))) {
            RoutingReadOutput::Routed(backend) => backend,
            other => panic!("a route read answered {other:?}"),
        }
    }

    /// An empty table of `variant` with `routes` added in order.
    fn table_with(
        variant: RoutingVariant,
        routes: &[(&str, u32)],
    ) -> (RoutingScenario, RoutingTable) {
        let s = RoutingScenario::new(variant);
        let mut table = s.initial_state(0);
        for &(prefix, backend) in routes {
            let out = s.write(&mut table, &RoutingWrite::Add(route(prefix, backend)));
            assert!(matches!(out, RoutingWriteOutput::Added), "{out:?}");
        }
        s.check_invariants(&table).unwrap();
        (s, table)
    }

    fn mixed() -> Workload {
        Workload::new(0.5, KeyDist::Zipf { theta: 0.99 }).unwrap()
    }

    #[test]
    fn parses_variants_and_returns_unknown_names() {
        for (name, variant) in VARIANTS.iter().zip(ALL) {
            assert_eq!(name.parse(), Ok(variant));
            assert_eq!(variant.to_string(), *name);
        }
        assert_eq!("trie".parse::<RoutingVariant>(), Err("trie".to_owned()));
    }

    #[test]
    fn initial_state_has_size_routes_and_holds_invariants() {
        for variant in ALL {
            let s = RoutingScenario::new(variant);
            for size in [0, 1, 10, 130] {
                let table = s.initial_state(size);
                assert_eq!((table.routes, table.version), (size, 0));
                s.check_invariants(&table).unwrap();
            }
        }
    }

    #[test]
    fn builds_a_hundred_thousand_routes() {
        for variant in ALL {
            let s = RoutingScenario::new(variant);
            let table = s.initial_state(100_000);
            assert_eq!(table.table.count(), 100_000);
            s.check_invariants(&table).unwrap();
        }
    }

    #[test]
    fn every_initial_route_serves_its_own_paths_and_unrouted_paths_miss() {
        for variant in ALL {
            let s = RoutingScenario::new(variant);
            let table = s.initial_state(200);
            for index in 0..200 {
                let own = initial_route(variant, index).backend;
                for tail in [0, 1, 42] {
                    let request = s.routed_path(index, tail);
                    assert_eq!(
                        routed(&s, &table, &request),
                        Some(own),
                        "{variant} {request}"
                    );
                }
                let request = s.unrouted_path(index);
                assert_eq!(routed(&s, &table, &request), None, "{variant} {request}");
            }
        }
    }

    #[test]
    fn prefixes_match_whole_segments_only() {
        for variant in [RoutingVariant::Prefix, RoutingVariant::Longest] {
            let (s, table) = table_with(variant, &[("/svc1", 1)]);
            assert_eq!(routed(&s, &table, "/svc1"), Some(Backend(1)));
            assert_eq!(routed(&s, &table, "/svc1/items"), Some(Backend(1)));
            assert_eq!(routed(&s, &table, "/svc10"), None);
            assert_eq!(routed(&s, &table, "/svc"), None);
        }
    }

    #[test]
    fn longest_prefix_beats_a_shorter_one() {
        for variant in [RoutingVariant::Longest, RoutingVariant::Tenants] {
            let routes = [("/t1/a", 1), ("/t1/a/b/c", 3), ("/t1/a/b", 2)];
            let (s, table) = table_with(variant, &routes);
            assert_eq!(routed(&s, &table, "/t1/a/b/x"), Some(Backend(2)));
            assert_eq!(routed(&s, &table, "/t1/a/b/c/d"), Some(Backend(3)));
            assert_eq!(routed(&s, &table, "/t1/a/x"), Some(Backend(1)));
            assert_eq!(routed(&s, &table, "/t1/b"), None);
        }
    }

    #[test]
    fn first_match_wins_in_prefix() {
        let (s, table) = table_with(RoutingVariant::Prefix, &[("/a", 1), ("/a/b", 2)]);
        assert_eq!(routed(&s, &table, "/a/b/c"), Some(Backend(1)));
        let (s, table) = table_with(RoutingVariant::Prefix, &[("/a/b", 2), ("/a", 1)]);
        assert_eq!(routed(&s, &table, "/a/b/c"), Some(Backend(2)));
        assert_eq!(routed(&s, &table, "/a/c"), Some(Backend(1)));
    }

    #[test]
    fn indexed_serves_exact_paths_only() {
        let (s, table) = table_with(RoutingVariant::Indexed, &[("/a", 1), ("/a/b", 2)]);
        assert_eq!(routed(&s, &table, "/a/b"), Some(Backend(2)));
        assert_eq!(routed(&s, &table, "/a"), Some(Backend(1)));
        assert_eq!(routed(&s, &table, "/a/c"), None);
    }

    #[test]
    fn tenants_route_only_within_their_own_table() {
        let (s, table) = table_with(RoutingVariant::Tenants, &[("/t1/a", 1), ("/t2", 2)]);
        assert_eq!(routed(&s, &table, "/t2/a"), Some(Backend(2)));
        assert_eq!(routed(&s, &table, "/t1/a/x"), Some(Backend(1)));
        assert_eq!(routed(&s, &table, "/t1/b"), None);
        assert_eq!(routed(&s, &table, "/t3/a"), None);
    }

    #[test]
    fn a_tenant_write_leaves_the_other_tenants_tables_equal() {
        fn tenants<R: Repr>(
            state: &RoutingTable<R>,
        ) -> &R::Map<RoutePath, R::Map<RoutePath, Backend>> {
            match &state.table {
                Table::Tenants(tenants) => tenants,
                other => panic!("not a tenants table: {other:?}"),
            }
        }
        let s = RoutingScenario::<Imbl>::with(RoutingVariant::Tenants, Duration::ZERO);
        let before = s.initial_state(640);
        let mut after = before.clone();
        let target = initial_route(RoutingVariant::Tenants, 200);
        s.write(
            &mut after,
            &RoutingWrite::Replace(Route {
                backend: Backend(99),
                ..target.clone()
            }),
        );
        s.write(
            &mut after,
            &RoutingWrite::Remove(initial_route(RoutingVariant::Tenants, 201).prefix),
        );
        let changed = target.prefix.tenant();
        for (tenant, routes) in tenants(&before).iter() {
            let now = tenants(&after).get(tenant).unwrap();
            assert_eq!(now == routes, *tenant != changed, "tenant {tenant}");
        }
        s.check_invariants(&after).unwrap();
    }

    #[test]
    fn writes_report_what_they_did_and_every_write_bumps_the_version() {
        for variant in ALL {
            let (s, mut table) = table_with(variant, &[("/t1/a", 1)]);
            let mut write = |op: RoutingWrite| {
                let before = table.version;
                let out = s.write(&mut table, &op);
                assert_eq!(table.version, before + 1, "{variant} {op:?}");
                out
            };
            use RoutingWriteOutput::*;
            assert_eq!(
                write(RoutingWrite::Add(route("/t1/a", 5))),
                AlreadyRouted {
                    backend: Backend(1)
                }
            );
            assert_eq!(
                write(RoutingWrite::Replace(route("/t1/a", 5))),
                Replaced {
                    previous: Backend(1)
                }
            );
            assert_eq!(write(RoutingWrite::Replace(route("/t1/b", 5))), NoSuchRoute);
            assert_eq!(write(RoutingWrite::Remove(path("/t1/b"))), NoSuchRoute);
            let batch: Arc<[Route]> =
                [route("/t1/b", 7), route("/t1/a", 8), route("/t1/b", 9)].into();
            assert_eq!(
                write(RoutingWrite::Reload(batch)),
                Reloaded {
                    added: 1,
                    replaced: 2
                }
            );
            assert_eq!(
                write(RoutingWrite::Remove(path("/t1/a"))),
                Removed {
                    backend: Backend(8)
                }
            );
            assert_eq!(routed(&s, &table, "/t1/b"), Some(Backend(9)));
            assert_eq!(
                s.read(&table, &RoutingRead::Summary),
                RoutingReadOutput::Summary {
                    version: 7,
                    routes: 1
                }
            );
            s.check_invariants(&table).unwrap();
        }
    }

    #[test]
    fn invariants_catch_a_torn_count_a_duplicate_and_a_misfiled_route() {
        for variant in ALL {
            let s = RoutingScenario::new(variant);
            let mut table = s.initial_state(8);
            table.routes += 1;
            assert!(s.check_invariants(&table).is_err(), "{variant}");
        }
        let s = RoutingScenario::new(RoutingVariant::Prefix);
        let mut table = s.initial_state(0);
        table.table = Table::Prefix(vec![route("/a", 1), route("/a", 2)]);
        table.routes = 2;
        assert!(s.check_invariants(&table).is_err());
        let s = RoutingScenario::new(RoutingVariant::Tenants);
        let mut table = s.initial_state(0);
        let misfiled = [(path("/t2/a"), Backend(1))].into_iter().collect();
        table.table = Table::Tenants([(path("/t1"), misfiled)].into_iter().collect());
        table.routes = 1;
        assert!(s.check_invariants(&table).is_err());
        let s = RoutingScenario::new(RoutingVariant::Longest);
        let mut table = RoutingScenario::new(RoutingVariant::Indexed).initial_state(4);
        assert!(s.check_invariants(&table).is_err());
        table.table = Table::Longest(Default::default());
        table.routes = 0;
        s.check_invariants(&table).unwrap();
    }

    #[test]
    fn invariants_hold_over_generated_operations() {
        for variant in ALL {
            let s = RoutingScenario::new(variant);
            let mut table = s.initial_state(300);
            for op in s.generate(300, &mixed(), 11).take(5_000) {
                s.apply(&mut table, &op);
                s.check_invariants(&table).unwrap();
            }
            assert!(
                (300..=300 + 300 / 8 + 1).contains(&table.routes),
                "{variant}: {}",
                table.routes
            );
        }
    }

    #[test]
    fn increments_count_every_write() {
        for variant in ALL {
            let s = RoutingScenario::new(variant);
            for size in [0, 3] {
                let mut table = s.initial_state(size);
                for n in 0..10 {
                    s.write(&mut table, &s.increment(size, n));
                }
                assert_eq!(s.count(&table), 10);
                s.check_invariants(&table).unwrap();
            }
        }
    }

    #[test]
    fn generated_stream_is_reproducible_and_follows_the_mix() {
        let s = RoutingScenario::new(RoutingVariant::Longest);
        let workload = Workload::new(0.9, KeyDist::Uniform).unwrap();
        let a: Vec<_> = s.generate(1_000, &workload, 5).take(10_000).collect();
        let b: Vec<_> = s.generate(1_000, &workload, 5).take(10_000).collect();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let table = s.initial_state(1_000);
        let (mut hits, mut routes) = (0, 0);
        for op in &a {
            if let Op::Read(read @ RoutingRead::Route(_)) = op {
                routes += 1;
                hits += usize::from(s.read(&table, read) != RoutingReadOutput::Routed(None));
            }
        }
        assert!(
            (8_600..9_000).contains(&routes),
            "{routes} route reads of 10000"
        );
        assert!(
            (routes * 3 / 4..routes * 17 / 20).contains(&hits),
            "{hits} hits of {routes}"
        );
    }

    fn outputs<R: Repr>(variant: RoutingVariant, ops: &[Op<RoutingScenario>]) -> Vec<String> {
        let s = RoutingScenario::<R>::with(variant, Duration::ZERO);
        let mut table = s.initial_state(200);
        let outputs = ops.iter().map(|op| match op {
            Op::Read(read) => format!("{:?}", s.read(&table, read)),
            Op::Write(write) => format!("{:?}", s.write(&mut table, write)),
        });
        let outputs = outputs.collect();
        s.check_invariants(&table).unwrap();
        outputs
    }

    #[test]
    fn every_representation_gives_the_same_outputs() {
        for variant in ALL {
            let ops: Vec<_> = RoutingScenario::new(variant)
                .generate(200, &mixed(), 3)
                .take(2_000)
                .collect();
            let std = outputs::<Std>(variant, &ops);
            assert_eq!(std, outputs::<Imbl>(variant, &ops), "{variant}: imbl");
            assert_eq!(std, outputs::<Rpds>(variant, &ops), "{variant}: rpds");
        }
    }

    /// The obviously correct twin: every route in one list, every lookup a scan.
    struct Twin {
        variant: RoutingVariant,
        version: u64,
        routes: Vec<(String, Backend)>,
    }

    fn segments(path: &str) -> Vec<&str> {
        path.split('/').collect()
    }

    fn segment_prefix(prefix: &str, path: &str) -> bool {
        let (prefix, path) = (segments(prefix), segments(path));
        path.len() >= prefix.len() && path[..prefix.len()] == prefix[..]
    }

    fn twin_tenant(path: &str) -> String {
        segments(path)
            .into_iter()
            .take(2)
            .collect::<Vec<_>>()
            .join("/")
    }

    impl Twin {
        fn new(variant: RoutingVariant, size: usize) -> Self {
            let routes = initial_routes(variant, size)
                .map(|route| (route.prefix.to_string(), route.backend))
                .collect();
            Twin {
                variant,
                version: 0,
                routes,
            }
        }

        fn route(&self, path: &str) -> Option<Backend> {
            let mut matching = self
                .routes
                .iter()
                .filter(|(prefix, _)| segment_prefix(prefix, path));
            let found = match self.variant {
                RoutingVariant::Prefix => matching.next(),
                RoutingVariant::Longest => {
                    matching.max_by_key(|(prefix, _)| segments(prefix).len())
                }
                RoutingVariant::Indexed => self.routes.iter().find(|(prefix, _)| prefix == path),
                RoutingVariant::Tenants => matching
                    .filter(|(prefix, _)| twin_tenant(prefix) == twin_tenant(path))
                    .max_by_key(|(prefix, _)| segments(prefix).len()),
            };
            found.map(|&(_, backend)| backend)
        }

        fn position(&self, prefix: &str) -> Option<usize> {
            self.routes.iter().position(|(listed, _)| listed == prefix)
        }

        fn upsert(&mut self, route: &Route) {
            let prefix = route.prefix.to_string();
            match self.position(&prefix) {
                Some(at) => self.routes[at].1 = route.backend,
                None => self.routes.push((prefix, route.backend)),
            }
        }

        fn read(&self, op: &RoutingRead) -> RoutingReadOutput {
            match op {
                RoutingRead::Route(path) => RoutingReadOutput::Routed(self.route(path.as_str())),
                RoutingRead::Summary => RoutingReadOutput::Summary {
                    version: self.version,
                    routes: self.routes.len(),
                },
            }
        }

        fn write(&mut self, op: &RoutingWrite) -> RoutingWriteOutput {
            use RoutingWriteOutput::*;
            self.version += 1;
            match op {
                RoutingWrite::Add(route) => match self.position(route.prefix.as_str()) {
                    Some(at) => AlreadyRouted {
                        backend: self.routes[at].1,
                    },
                    None => {
                        self.upsert(route);
                        Added
                    }
                },
                RoutingWrite::Remove(prefix) => match self.position(prefix.as_str()) {
                    Some(at) => Removed {
                        backend: self.routes.remove(at).1,
                    },
                    None => NoSuchRoute,
                },
                RoutingWrite::Replace(route) => match self.position(route.prefix.as_str()) {
                    Some(at) => Replaced {
                        previous: std::mem::replace(&mut self.routes[at].1, route.backend),
                    },
                    None => NoSuchRoute,
                },
                RoutingWrite::Reload(batch) => {
                    let before = self.routes.len();
                    batch.iter().for_each(|route| self.upsert(route));
                    let added = self.routes.len() - before;
                    Reloaded {
                        added,
                        replaced: batch.len() - added,
                    }
                }
            }
        }
    }

    /// A path from a tiny alphabet, so that prefixes collide and nest, with
    /// the odd empty segment, missing or trailing slash.
    fn tiny_path(rng: &mut ChaCha8Rng) -> RoutePath {
        const SEGMENTS: [&str; 5] = ["t1", "t2", "a", "b", ""];
        let depth = rng.random_range(0..4);
        let segments: Vec<&str> = (0..depth)
            .map(|_| SEGMENTS[rng.random_range(0..5)])
            .collect();
        let lead = if rng.random_bool(0.9) { "/" } else { "" };
        path(&format!("{lead}{}", segments.join("/")))
    }

    fn tiny_route(rng: &mut ChaCha8Rng) -> Route {
        Route {
            prefix: tiny_path(rng),
            backend: Backend(rng.random_range(0..8)),
        }
    }

    fn tiny_op(rng: &mut ChaCha8Rng) -> Op<RoutingScenario> {
        match rng.random_range(0..10) {
            0..=3 => Op::Read(RoutingRead::Route(tiny_path(rng))),
            4 => Op::Read(RoutingRead::Summary),
            5 | 6 => Op::Write(RoutingWrite::Add(tiny_route(rng))),
            7 => Op::Write(RoutingWrite::Remove(tiny_path(rng))),
            8 => Op::Write(RoutingWrite::Replace(tiny_route(rng))),
            _ => {
                let len = rng.random_range(0..4);
                Op::Write(RoutingWrite::Reload(
                    (0..len).map(|_| tiny_route(rng)).collect(),
                ))
            }
        }
    }

    /// Segments of the proptests' tiny paths: prefixes collide and nest, with
    /// the odd empty segment.
    const TINY_SEGMENTS: &[&str] = &["t1", "t2", "a", "b", ""];
    /// What may follow an initial route's prefix in a proptest path.
    const TAILS: &[&str] = &["", "/v2", "/x"];

    /// Mostly a path from the tiny alphabet, with the odd missing or trailing
    /// slash; sometimes the prefix of one of the first 8 initial routes (in
    /// the `tenants` shape or the others', so a miss in the other), or a path
    /// below it.
    fn any_path() -> impl Strategy<Value = RoutePath> {
        let lead = prop_oneof![9 => Just("/"), 1 => Just("")];
        let segments = proptest::collection::vec(proptest::sample::select(TINY_SEGMENTS), 0..4);
        let tiny = (lead, segments)
            .prop_map(|(lead, segments)| path(&format!("{lead}{}", segments.join("/"))));
        let tails = proptest::sample::select(TAILS);
        let initial = (any::<bool>(), 0usize..8, tails).prop_map(|(tenants, index, tail)| {
            let shape = match tenants {
                true => RoutingVariant::Tenants,
                false => RoutingVariant::Longest,
            };
            path(&format!("{}{tail}", route_prefix(shape, index)))
        });
        prop_oneof![4 => tiny, 1 => initial]
    }

    fn any_route() -> impl Strategy<Value = Route> {
        (any_path(), 0u32..8).prop_map(|(prefix, backend)| Route {
            prefix,
            backend: Backend(backend),
        })
    }

    /// Up to 4 routes, and sometimes the first one's prefix again at the end.
    fn any_batch() -> impl Strategy<Value = Arc<[Route]>> {
        let routes = proptest::collection::vec(any_route(), 0..5);
        (routes, proptest::option::of(0u32..8)).prop_map(|(mut batch, again)| {
            if let (Some(first), Some(backend)) = (batch.first(), again) {
                batch.push(Route {
                    backend: Backend(backend),
                    ..first.clone()
                });
            }
            batch.into()
        })
    }

    fn any_tiny_op() -> impl Strategy<Value = Op<RoutingScenario>> {
        prop_oneof![
            4 => any_path().prop_map(|path| Op::Read(RoutingRead::Route(path))),
            1 => Just(Op::Read(RoutingRead::Summary)),
            2 => any_route().prop_map(|route| Op::Write(RoutingWrite::Add(route))),
            1 => any_path().prop_map(|prefix| Op::Write(RoutingWrite::Remove(prefix))),
            1 => any_route().prop_map(|route| Op::Write(RoutingWrite::Replace(route))),
            1 => any_batch().prop_map(|batch| Op::Write(RoutingWrite::Reload(batch))),
        ]
    }

    /// The prefixes a write names.
    fn named(write: &RoutingWrite) -> Vec<RoutePath> {
        match write {
            RoutingWrite::Add(route) | RoutingWrite::Replace(route) => vec![route.prefix.clone()],
            RoutingWrite::Remove(prefix) => vec![prefix.clone()],
            RoutingWrite::Reload(batch) => batch.iter().map(|route| route.prefix.clone()).collect(),
        }
    }

    /// Runs `ops` on the model and on the twin, both from the initial table of
    /// `size` routes. After every operation the outputs are equal, so are the
    /// invariants hold, and so do the version and route count; after a write, every
    /// prefix it named routes to the twin's backend.
    fn agrees_with_twin(
        variant: RoutingVariant,
        size: usize,
        ops: impl IntoIterator<Item = Op<RoutingScenario>>,
    ) -> Result<(), TestCaseError> {
        let s = RoutingScenario::new(variant);
        let mut table = s.initial_state(size);
        let mut twin = Twin::new(variant, size);
        for (at, op) in ops.into_iter().enumerate() {
            let expected = match &op {
                Op::Read(read) => Output::Read(twin.read(read)),
                Op::Write(write) => Output::Write(twin.write(write)),
            };
            let context = format!("{variant} size {size} op {at}: {op:?}");
            prop_assert_eq!(s.apply(&mut table, &op), expected, "{}", context);
            if let Err(violation) = s.check_invariants(&table) {
                return Err(TestCaseError::fail(format!("{context}: {violation:?}")));
            }
            prop_assert_eq!(
                (table.version, table.routes),
                (twin.version, twin.routes.len()),
                "{}",
                context
            );
            if let Op::Write(write) = &op {
                for prefix in named(write) {
                    let request = RoutingRead::Route(prefix);
                    let (got, want) = (s.read(&table, &request), twin.read(&request));
                    prop_assert_eq!(got, want, "{} then {:?}", context, request);
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Reads and writes on tiny nesting paths: misses, removes of absent
        /// routes, replaces, reloads that overlap the table and themselves.
        #[test]
        fn arbitrary_operations_on_tiny_paths_match_the_twin(
            size in 0usize..6,
            ops in proptest::collection::vec(any_tiny_op(), 0..150),
        ) {
            for variant in ALL {
                agrees_with_twin(variant, size, ops.iter().cloned())?;
            }
        }

        /// The scenario's own generated operations, on up to 300 routes.
        #[test]
        fn generated_operations_match_the_twin(
            variant in proptest::sample::select(ALL.to_vec()),
            size in 1usize..300,
            read_ratio in 0.0..=1.0f64,
            zipf in any::<bool>(),
            seed in any::<u64>(),
            len in 0usize..150,
        ) {
            let dist = match zipf {
                true => KeyDist::Zipf { theta: 0.99 },
                false => KeyDist::Uniform,
            };
            let workload = Workload::new(read_ratio, dist).unwrap();
            let s = RoutingScenario::new(variant);
            agrees_with_twin(variant, size, s.generate(size, &workload, seed).take(len))?;
        }
    }

    /// The writes among the first operations of a generated stream.
    fn generated_writes(variant: RoutingVariant, size: usize, seed: u64) -> Vec<RoutingWrite> {
        RoutingScenario::new(variant)
            .generate(size, &mixed(), seed)
            .filter_map(|op| match op {
                Op::Write(write) => Some(write),
                Op::Read(_) => None,
            })
            .take(2_000)
            .collect()
    }

    /// Tiny writes, which in `tenants` create and remove whole tenants.
    fn tiny_writes(seed: u64) -> Vec<RoutingWrite> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let ops = std::iter::repeat_with(|| tiny_op(&mut rng));
        let writes = ops.filter_map(|op| match op {
            Op::Write(write) => Some(write),
            Op::Read(_) => None,
        });
        writes.take(2_000).collect()
    }

    fn diff_then_apply_rebuilds<R: Repr>(
        variant: RoutingVariant,
        size: usize,
        writes: &[RoutingWrite],
    ) {
        let s = RoutingScenario::<R>::with(variant, Duration::ZERO);
        let mut state = s.initial_state(size);
        for (at, write) in writes.iter().enumerate() {
            let previous = state.clone();
            s.write(&mut state, write);
            let changes = s.diff(&previous, &state);
            let mut rebuilt = previous.clone();
            s.apply_changes(&mut rebuilt, &changes);
            assert_eq!(
                rebuilt,
                state,
                "{variant}/{} write {at}: {write:?}",
                R::NAME
            );
            assert!(s.diff(&state, &rebuilt).is_empty());
            // A broken strategy can publish the older state after the newer.
            let mut back = state.clone();
            s.apply_changes(&mut back, &s.diff(&state, &previous));
            assert_eq!(back, previous, "{variant}/{} write {at} backwards", R::NAME);
        }
        s.check_invariants(&state).unwrap();
    }

    #[test]
    fn applying_a_diff_to_its_origin_gives_the_new_state() {
        for variant in ALL {
            // 256 routes: the spare band is a tenant of its own in `tenants`.
            let generated = generated_writes(variant, 256, 21);
            let tiny = tiny_writes(22);
            for (size, writes) in [(256, &generated), (3, &tiny)] {
                diff_then_apply_rebuilds::<Std>(variant, size, writes);
                diff_then_apply_rebuilds::<Imbl>(variant, size, writes);
                diff_then_apply_rebuilds::<Rpds>(variant, size, writes);
            }
        }
    }

    /// For pairs of writes `a`, `b` on one state: if `a` does not conflict
    /// with `b` (under `Validate::Reads`), merging `a` onto `b`'s result is
    /// writing `b` then `a`, and `a`'s output is the one it computed alone.
    /// If neither conflicts with the other, both merges give the same state.
    /// Returns how many pairs merged one way, both ways, and neither way.
    fn check_pairs<R: Repr>(
        variant: RoutingVariant,
        size: usize,
        writes: &[RoutingWrite],
    ) -> [usize; 3] {
        let s = RoutingScenario::<R>::with(variant, Duration::ZERO);
        let mut previous = s.initial_state(size);
        let mut merged_ways = [0; 3];
        for (at, pair) in writes.chunks_exact(2).enumerate() {
            let [a, b] = pair else { unreachable!() };
            let alone = |op: &RoutingWrite| {
                let mut state = previous.clone();
                let output = s.write(&mut state, op);
                let changes = s.diff(&previous, &state);
                (state, output, changes)
            };
            let (after_a, out_a, mine_a) = alone(a);
            let (after_b, out_b, mine_b) = alone(b);
            let merges = |op: &RoutingWrite, mine: &[RoutingChange<R>], theirs| {
                let read_set = s.read_set(&previous, op);
                !conflicts(&s, theirs, mine, &read_set, Validate::Reads)
            };
            let a_onto_b = merges(a, &mine_a, &mine_b);
            let b_onto_a = merges(b, &mine_b, &mine_a);
            let context = format!("{variant}/{} pair {at}: {a:?} and {b:?}", R::NAME);
            let merge = |onto: &RoutingTable<R>, mine: &[RoutingChange<R>]| {
                let mut merged = onto.clone();
                s.apply_changes(&mut merged, mine);
                s.check_invariants(&merged).unwrap();
                merged
            };
            let in_order = |first: &RoutingWrite, then: &RoutingWrite| {
                let mut state = previous.clone();
                s.write(&mut state, first);
                let output = s.write(&mut state, then);
                (state, output)
            };
            if a_onto_b {
                let (sequential, output) = in_order(b, a);
                assert_eq!(merge(&after_b, &mine_a), sequential, "{context}");
                assert_eq!(output, out_a, "{context}");
            }
            if b_onto_a {
                let (sequential, output) = in_order(a, b);
                assert_eq!(merge(&after_a, &mine_b), sequential, "{context}");
                assert_eq!(output, out_b, "{context}");
            }
            if a_onto_b && b_onto_a {
                assert_eq!(
                    merge(&after_b, &mine_a),
                    merge(&after_a, &mine_b),
                    "{context}"
                );
            }
            merged_ways[usize::from(a_onto_b) + usize::from(b_onto_a)] += 1;
            s.write(&mut previous, a);
        }
        merged_ways
    }

    #[test]
    fn writes_that_do_not_conflict_commute_and_serialize() {
        for variant in ALL {
            for (size, writes) in [
                (64, generated_writes(variant, 64, 31)),
                (3, tiny_writes(32)),
            ] {
                let [none, one, both] = check_pairs::<Std>(variant, size, &writes);
                assert_eq!(
                    check_pairs::<Imbl>(variant, size, &writes),
                    [none, one, both]
                );
                assert_eq!(
                    check_pairs::<Rpds>(variant, size, &writes),
                    [none, one, both]
                );
                assert!(none > 0 && both > 0, "{variant}: {none} {one} {both}");
                if variant != RoutingVariant::Prefix {
                    assert!(both > none, "{variant}: {none} {one} {both}");
                }
            }
        }
    }

    /// Whether `a` conflicts with `b`, both written on `state`, under `Validate::Reads`.
    fn conflict_on<R: Repr>(
        s: &RoutingScenario<R>,
        state: &RoutingTable<R>,
        a: &RoutingWrite,
        b: &RoutingWrite,
    ) -> bool {
        let changes = |op| {
            let mut next = state.clone();
            s.write(&mut next, op);
            s.diff(state, &next)
        };
        let read_set = s.read_set(state, a);
        conflicts(s, &changes(b), &changes(a), &read_set, Validate::Reads)
    }

    fn different_routes_merge_and_the_same_route_conflicts<R: Repr>() {
        let replace = |variant, index: usize, backend| {
            RoutingWrite::Replace(Route {
                backend: Backend(backend),
                ..initial_route(variant, index)
            })
        };
        for variant in [RoutingVariant::Longest, RoutingVariant::Indexed] {
            let s = RoutingScenario::<R>::with(variant, Duration::ZERO);
            let state = s.initial_state(100);
            let spare = RoutingWrite::Add(route("/new/route", 1));
            let (a, b) = (replace(variant, 3, 90), replace(variant, 5, 91));
            for (x, y) in [(&a, &b), (&b, &a), (&a, &spare), (&spare, &a)] {
                assert!(!conflict_on(&s, &state, x, y), "{variant}: {x:?} {y:?}");
            }
            let same = [
                replace(variant, 3, 92),
                RoutingWrite::Remove(initial_route(variant, 3).prefix),
                RoutingWrite::Reload(
                    [
                        route("/x", 1),
                        Route {
                            backend: Backend(93),
                            ..initial_route(variant, 3)
                        },
                    ]
                    .into(),
                ),
            ];
            for other in &same {
                assert!(conflict_on(&s, &state, &a, other), "{variant}: {other:?}");
                assert!(conflict_on(&s, &state, other, &a), "{variant}: {other:?}");
            }
            let again = RoutingWrite::Add(route("/new/route", 2));
            assert!(conflict_on(&s, &state, &spare, &again), "{variant}");
        }
        let variant = RoutingVariant::Tenants;
        let s = RoutingScenario::<R>::with(variant, Duration::ZERO);
        let state = s.initial_state(4 * ROUTES_PER_TENANT);
        let other_tenants = [
            replace(variant, 3, 90),
            replace(variant, ROUTES_PER_TENANT + 3, 91),
            RoutingWrite::Remove(initial_route(variant, 2 * ROUTES_PER_TENANT).prefix),
            RoutingWrite::Add(route("/t0009/new", 1)),
        ];
        for (i, x) in other_tenants.iter().enumerate() {
            for y in &other_tenants[i + 1..] {
                assert!(!conflict_on(&s, &state, x, y), "{x:?} {y:?}");
                assert!(!conflict_on(&s, &state, y, x), "{x:?} {y:?}");
            }
        }
        let same_route = replace(variant, 3, 92);
        assert!(conflict_on(&s, &state, &other_tenants[0], &same_route));
        let s = RoutingScenario::<R>::with(RoutingVariant::Prefix, Duration::ZERO);
        let state = s.initial_state(100);
        let (a, b) = (
            replace(RoutingVariant::Prefix, 3, 90),
            replace(RoutingVariant::Prefix, 5, 91),
        );
        assert!(conflict_on(&s, &state, &a, &b), "a prefix list is one leaf");
    }

    #[test]
    fn writes_to_different_routes_or_tenants_merge_and_to_the_same_route_conflict() {
        different_routes_merge_and_the_same_route_conflicts::<Std>();
        different_routes_merge_and_the_same_route_conflicts::<Imbl>();
        different_routes_merge_and_the_same_route_conflicts::<Rpds>();
    }

    #[test]
    fn imbl_diff_of_one_change_among_a_hundred_thousand_routes_is_that_change() {
        for variant in [RoutingVariant::Indexed, RoutingVariant::Tenants] {
            let s = RoutingScenario::<Imbl>::with(variant, Duration::ZERO);
            let before = s.initial_state(100_000);
            let target = initial_route(variant, 54_321);
            let leaf = |backend| match variant {
                RoutingVariant::Tenants => RoutingChange::TenantRoute {
                    tenant: target.prefix.tenant(),
                    prefix: target.prefix.clone(),
                    backend,
                },
                _ => RoutingChange::Route(target.prefix.clone(), backend),
            };
            let mut after = before.clone();
            let backend = Backend(target.backend.0 + 1);
            s.write(
                &mut after,
                &RoutingWrite::Replace(Route {
                    backend,
                    ..target.clone()
                }),
            );
            assert_eq!(
                s.diff(&before, &after),
                [leaf(Some(backend)), RoutingChange::Version(1)]
            );
            let mut after = before.clone();
            s.write(&mut after, &RoutingWrite::Remove(target.prefix.clone()));
            assert_eq!(
                s.diff(&before, &after),
                [
                    leaf(None),
                    RoutingChange::Routes(-1),
                    RoutingChange::Version(1)
                ]
            );
        }
    }
}
