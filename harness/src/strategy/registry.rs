//! The strategies selectable by name. Adding a strategy is one line in the
//! `strategies!` list below (plus its file). A strategy that needs more of a
//! scenario than [`Scenario`] (`cas-merge` needs [`Mergeable`]) is marked
//! so, and is offered only to the scenarios that have it.

use scenarios::{Mergeable, Scenario};

use super::*;

/// Something to do with a strategy whose type is chosen at run time.
pub trait StrategyVisitor<S: Scenario> {
    /// What the visit gives.
    type Output;
    /// Does it with strategy `T`, registered as `name`.
    fn visit<T: Strategy<S>>(self, name: &'static str) -> Self::Output;
}

macro_rules! strategies {
    ($($name:literal => $strategy:ident $([$needs:ident])?,)*) => {
        /// Every strategy name, in the order `all` runs them.
        pub const NAMES: &[&str] = &[$($name),*];

        /// Calls `visitor` with the strategy called `name`, over a scenario
        /// `S` that has everything any strategy needs.
        pub fn visit<S: Mergeable, V: StrategyVisitor<S>>(
            name: &str,
            visitor: V,
        ) -> Result<V::Output, UnknownStrategy> {
            match name {
                $($name => Ok(visitor.visit::<$strategy<S>>($name)),)*
                _ => Err(UnknownStrategy(name.to_owned())),
            }
        }

        /// Calls `visitor` with the strategy called `name` over any scenario
        /// `S`; `Ok(None)` for a strategy that needs `S` to be [`Mergeable`].
        pub fn visit_any<S: Scenario, V: StrategyVisitor<S>>(
            name: &str,
            visitor: V,
        ) -> Result<Option<V::Output>, UnknownStrategy> {
            match name {
                $($name => Ok(strategies!(@any visitor, $name, $strategy $($needs)?)),)*
                _ => Err(UnknownStrategy(name.to_owned())),
            }
        }
    };
    (@any $visitor:ident, $name:literal, $strategy:ident) => {
        Some($visitor.visit::<$strategy<S>>($name))
    };
    (@any $visitor:ident, $name:literal, $strategy:ident Mergeable) => {
        None
    };
}

strategies! {
    "mutex" => MutexStrategy,
    "pl-mutex" => PlMutexStrategy,
    "rwlock" => RwLockStrategy,
    "pl-rwlock" => PlRwLockStrategy,
    "arc-swap" => ArcSwapRcu,
    "actor" => Actor,
    "actor-post" => ActorPost,
    "cas-retry" => CasRetry,
    "cas-merge" => CasMerge [Mergeable],
    "staging" => Staging,
    "left-right" => LeftRight,
}

/// How the strategy called `name` applies a write. The path belongs to the
/// strategy, not to the scenario, so any scenario can ask.
pub fn write_path(name: &str) -> Result<WritePath, UnknownStrategy> {
    struct PathOf;
    impl<S: Mergeable> StrategyVisitor<S> for PathOf {
        type Output = WritePath;
        fn visit<T: Strategy<S>>(self, _: &'static str) -> WritePath {
            T::WRITE_PATH
        }
    }
    visit::<scenarios::config::ConfigScenario, _>(name, PathOf)
}

/// The contract the strategy called `name` keeps with `options`.
pub fn promise(name: &str, options: &StrategyOptions) -> Result<Consistency, UnknownStrategy> {
    struct PromiseOf<'a>(&'a StrategyOptions);
    impl<S: Mergeable> StrategyVisitor<S> for PromiseOf<'_> {
        type Output = Consistency;
        fn visit<T: Strategy<S>>(self, _: &'static str) -> Consistency {
            T::promise(self.0)
        }
    }
    visit::<scenarios::config::ConfigScenario, _>(name, PromiseOf(options))
}

/// Resolves `all` or a comma-separated list of names, keeping the first of duplicates.
pub fn parse_list(spec: &str) -> Result<Vec<&'static str>, UnknownStrategy> {
    if spec == "all" {
        return Ok(NAMES.to_vec());
    }
    let mut names = Vec::new();
    for part in spec.split(',').map(str::trim) {
        let name = NAMES
            .iter()
            .copied()
            .find(|&known| known == part)
            .ok_or_else(|| UnknownStrategy(part.to_owned()))?;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

/// A strategy name that is not in [`NAMES`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown strategy '{0}': valid are all, {names}", names = NAMES.join(", "))]
pub struct UnknownStrategy(pub String);

#[cfg(test)]
mod tests {
    use scenarios::config::ConfigScenario;

    use super::*;

    struct Name;
    impl<S: Mergeable> StrategyVisitor<S> for Name {
        type Output = &'static str;
        fn visit<T: Strategy<S>>(self, name: &'static str) -> &'static str {
            name
        }
    }

    #[test]
    fn every_name_resolves() {
        for name in NAMES {
            assert_eq!(visit::<ConfigScenario, _>(name, Name), Ok(*name));
        }
        assert_eq!(NAMES.len(), 11);
    }

    #[test]
    fn the_snapshot_strategies_write_by_copying_and_the_others_in_place() {
        let copying: Vec<&str> = NAMES
            .iter()
            .copied()
            .filter(|name| write_path(name) == Ok(WritePath::CopyOnWrite))
            .collect();
        assert_eq!(copying, ["arc-swap", "cas-retry", "cas-merge", "staging"]);
        assert!(write_path("spinlock").is_err());
    }

    #[test]
    fn lists_parse_in_order_without_duplicates() {
        assert_eq!(
            parse_list("rwlock, mutex,rwlock"),
            Ok(vec!["rwlock", "mutex"])
        );
        assert_eq!(parse_list("all").unwrap(), NAMES);
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let err = parse_list("mutex,spinlock").unwrap_err();
        assert_eq!(err, UnknownStrategy("spinlock".into()));
        assert!(err.to_string().contains("valid are all, mutex, pl-mutex"));
        assert!(parse_list("").is_err());
    }
}
