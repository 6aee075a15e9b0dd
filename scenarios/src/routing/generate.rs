//! The initial routes of each variant, and the generators of reads and writes.

use super::*;

pub(super) fn tenant_tables<R: Repr>(
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
pub(super) fn route_prefix(variant: RoutingVariant, index: usize) -> String {
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

pub(super) fn tenant_prefix(index: usize) -> String {
    format!("/t{:04}", index / ROUTES_PER_TENANT)
}

/// Route `index` of the initial table.
pub(super) fn initial_route(variant: RoutingVariant, index: usize) -> Route {
    Route {
        prefix: RoutePath::new(&route_prefix(variant, index)),
        backend: Backend((index % BACKENDS as usize) as u32),
    }
}

/// The initial routes in priority order: within each group of four, the most
/// specific prefix first, so that in `prefix` every route serves its requests.
pub(super) fn initial_routes(variant: RoutingVariant, size: usize) -> impl Iterator<Item = Route> {
    (0..size.div_ceil(4))
        .flat_map(move |group| (group * 4..(group * 4 + 4).min(size)).rev())
        .map(move |index| initial_route(variant, index))
}

impl<R: Repr> RoutingScenario<R> {
    pub(super) fn prefix(&self, index: usize) -> RoutePath {
        RoutePath::new(&route_prefix(self.variant, index))
    }

    /// A path that route `index` serves: exactly its prefix in `indexed`,
    /// else the prefix, `/items` or `/items/{tail}` below it, as `tail` is 0, 1 or more.
    pub(super) fn routed_path(&self, index: usize, tail: u64) -> String {
        let prefix = route_prefix(self.variant, index);
        match (self.variant, tail) {
            (RoutingVariant::Indexed, _) | (_, 0) => prefix,
            (_, 1) => format!("{prefix}/items"),
            _ => format!("{prefix}/items/{tail}"),
        }
    }

    /// A path no generated route serves (in `tenants`, under a real tenant).
    pub(super) fn unrouted_path(&self, index: usize) -> String {
        match self.variant {
            RoutingVariant::Tenants => format!("{}/gone{index:05}/items", tenant_prefix(index)),
            _ => format!("/gone{index:05}/items"),
        }
    }

    /// One of the spare prefixes that adds and removes churn.
    pub(super) fn spare_prefix(&self, ctx: &mut GenContext) -> RoutePath {
        let size = ctx.size();
        self.prefix(size + ctx.key() % size.div_ceil(SPARE_DIVISOR))
    }

    /// 8 to 32 consecutive routes with new backends; in `tenants`, of one tenant.
    pub(super) fn batch(&self, ctx: &mut GenContext) -> Arc<[Route]> {
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

pub(super) fn any_backend(ctx: &mut GenContext) -> Backend {
    Backend(ctx.below(u64::from(BACKENDS)) as u32)
}
