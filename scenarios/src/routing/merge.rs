//! The three-way merge: a route (or a tenant's route) is one leaf.

use super::*;

/// The tables of the `tenants` variant.
pub(super) type TenantTables<R> = <R as Repr>::Map<RoutePath, <R as Repr>::Map<RoutePath, Backend>>;

/// A leaf of a [`RoutingTable`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingLeaf {
    /// The whole list of `prefix`: its order decides which route wins.
    PrefixList,
    /// The route with this prefix (`longest`) or exact path (`indexed`).
    Route(RoutePath),
    /// The route with this prefix in this tenant's table (`tenants`).
    TenantRoute {
        /// The tenant: the prefix's first segment ([`RoutePath::tenant`]).
        tenant: RoutePath,
        /// The route's prefix, tenant segment included.
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
        /// The tenant: the prefix's first segment ([`RoutePath::tenant`]).
        tenant: RoutePath,
        /// The route's prefix, tenant segment included.
        prefix: RoutePath,
        /// The new backend, or `None` if the route is gone.
        backend: Option<Backend>,
    },
    /// Routes added to the count (negative when routes were removed).
    Routes(isize),
    /// Writes added to the version, modulo 2^64, so that a diff from a
    /// newer state to an older one (which a broken strategy can publish)
    /// wraps instead of overflowing.
    Version(u64),
}

impl<R: Repr> RoutingScenario<R> {
    /// The leaf holding the route with this prefix.
    pub(super) fn route_leaf(&self, prefix: &RoutePath) -> RoutingLeaf {
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
pub(super) fn tenant_changes<R: Repr>(
    was: &TenantTables<R>,
    now: &TenantTables<R>,
) -> Vec<RoutingChange<R>> {
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
pub(super) fn set_tenant_route<R: Repr>(
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
