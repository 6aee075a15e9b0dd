//! The `Scenario` and `Increments` impls, and the writes on a `RoutingTable`.

use super::*;

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

pub(super) fn add<R: Repr>(state: &mut RoutingTable<R>, route: &Route) -> RoutingWriteOutput {
    if let Some(backend) = state.table.get(&route.prefix) {
        return RoutingWriteOutput::AlreadyRouted { backend };
    }
    state.table.upsert(route);
    state.routes += 1;
    RoutingWriteOutput::Added
}

pub(super) fn remove<R: Repr>(
    state: &mut RoutingTable<R>,
    prefix: &RoutePath,
) -> RoutingWriteOutput {
    let Some(backend) = state.table.get(prefix) else {
        return RoutingWriteOutput::NoSuchRoute;
    };
    state.table.remove(prefix);
    state.routes -= 1;
    RoutingWriteOutput::Removed { backend }
}

pub(super) fn replace<R: Repr>(state: &mut RoutingTable<R>, route: &Route) -> RoutingWriteOutput {
    match state.table.get(&route.prefix) {
        Some(previous) => {
            state.table.upsert(route);
            RoutingWriteOutput::Replaced { previous }
        }
        None => RoutingWriteOutput::NoSuchRoute,
    }
}

pub(super) fn reload<R: Repr>(state: &mut RoutingTable<R>, batch: &[Route]) -> RoutingWriteOutput {
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
