//! The table in each variant's layout: lookups and upserts in a list, a map or tenant maps.

use super::*;

impl<R: Repr> Table<R> {
    pub(super) fn variant(&self) -> RoutingVariant {
        match self {
            Table::Prefix(_) => RoutingVariant::Prefix,
            Table::Longest(_) => RoutingVariant::Longest,
            Table::Indexed(_) => RoutingVariant::Indexed,
            Table::Tenants(_) => RoutingVariant::Tenants,
        }
    }

    pub(super) fn build(variant: RoutingVariant, routes: impl Iterator<Item = Route>) -> Self {
        let entries = routes.map(|route| (route.prefix, route.backend));
        match variant {
            RoutingVariant::Prefix => Table::Prefix(entries.map(Route::from).collect()),
            RoutingVariant::Longest => Table::Longest(entries.collect()),
            RoutingVariant::Indexed => Table::Indexed(entries.collect()),
            RoutingVariant::Tenants => Table::Tenants(tenant_tables::<R>(entries)),
        }
    }

    /// The backend that serves `path`.
    pub(super) fn route(&self, path: &RoutePath) -> Option<Backend> {
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
    pub(super) fn get(&self, prefix: &RoutePath) -> Option<Backend> {
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
    pub(super) fn upsert(&mut self, route: &Route) -> Option<Backend> {
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
    pub(super) fn remove(&mut self, prefix: &RoutePath) {
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
    pub(super) fn count(&self) -> usize {
        match self {
            Table::Prefix(list) => list.len(),
            Table::Longest(map) | Table::Indexed(map) => map.len(),
            Table::Tenants(tenants) => tenants.iter().map(|(_, routes)| routes.len()).sum(),
        }
    }

    /// Checks what the route count cannot: no prefix listed twice, no empty
    /// tenant, every route under its own tenant.
    pub(super) fn check_shape(&self) -> Result<(), String> {
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

pub(super) fn check_tenant<M: Map<RoutePath, Backend>>(
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
pub(super) fn longest_match<M: Map<RoutePath, Backend>>(
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

pub(super) fn upsert_in_map<M: Map<RoutePath, Backend>>(
    map: &mut M,
    route: &Route,
) -> Option<Backend> {
    if let Some(backend) = map.get_mut(&route.prefix) {
        return Some(std::mem::replace(backend, route.backend));
    }
    map.insert(route.prefix.clone(), route.backend);
    None
}

pub(super) fn upsert_in_list<S: Seq<Route>>(list: &mut S, route: &Route) -> Option<Backend> {
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
