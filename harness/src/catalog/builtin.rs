//! The scenarios of this project, selectable by name, in each
//! representation. Adding one is a line in `visit_in` and its name in
//! [`NAMES`].

use std::time::Duration;

use scenarios::config::ConfigScenario;
use scenarios::ledger::{self, LedgerScenario};
use scenarios::library::LibraryScenario;
use scenarios::repr::{self, Imbl, Repr, Rpds, Std};
use scenarios::routing::{self, RoutingScenario};
use scenarios::{Increments, Mergeable};

use super::Runnable;
use crate::check::Memoizable;

/// Something to do with a built-in scenario, whose type is chosen at run
/// time. Every built-in scenario counts increments and can be merged.
pub trait ScenarioVisitor {
    /// What the visit gives.
    type Output;
    /// Does it with `scenario`.
    fn visit<S: Increments + Mergeable>(self, scenario: S) -> Self::Output
    where
        S::State: Memoizable;
}

/// Every scenario name, in the order `all` runs them.
pub const NAMES: &[&str] = &["config", "routing", "ledger", "library"];

/// How to build a scenario besides its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioOptions {
    /// `std`, `imbl` or `rpds`.
    pub repr: String,
    /// The scenario's variant, for scenarios that have several.
    pub variant: Option<String>,
    /// A pause inside every write.
    pub write_delay: Duration,
}

impl ScenarioOptions {
    /// Refuses a variant or a representation other than `std`: what a
    /// scenario with neither (one brought from outside, say) accepts.
    pub fn expect_plain(&self, scenario: &str) -> Result<(), ScenarioError> {
        no_variant(scenario, self)?;
        match self.repr.as_str() {
            "std" => Ok(()),
            other => Err(ScenarioError::OnlyStd {
                scenario: scenario.to_owned(),
                repr: other.to_owned(),
            }),
        }
    }
}

impl Default for ScenarioOptions {
    fn default() -> Self {
        Self {
            repr: Std::NAME.to_owned(),
            variant: None,
            write_delay: Duration::ZERO,
        }
    }
}

/// The scenario called `name`, built as `options` say, ready to run.
pub fn build(name: &str, options: &ScenarioOptions) -> Result<Box<dyn Runnable>, ScenarioError> {
    /// Registers a built-in scenario with everything it offers.
    struct Build(Duration);
    impl ScenarioVisitor for Build {
        type Output = Box<dyn Runnable>;
        fn visit<S: Increments + Mergeable>(self, scenario: S) -> Box<dyn Runnable>
        where
            S::State: Memoizable,
        {
            super::mergeable(scenario, self.0)
        }
    }
    visit(name, options, Build(options.write_delay))
}

/// Calls `visitor` with the scenario called `name`, built as `options` say
/// (its write delay aside: [`build`] applies it).
pub fn visit<V: ScenarioVisitor>(
    name: &str,
    options: &ScenarioOptions,
    visitor: V,
) -> Result<V::Output, ScenarioError> {
    match options.repr.as_str() {
        "std" => visit_in::<Std, V>(name, options, visitor),
        "imbl" => visit_in::<Imbl, V>(name, options, visitor),
        "rpds" => visit_in::<Rpds, V>(name, options, visitor),
        other => Err(ScenarioError::UnknownRepr(other.to_owned())),
    }
}

fn visit_in<R: Repr, V: ScenarioVisitor>(
    name: &str,
    options: &ScenarioOptions,
    visitor: V,
) -> Result<V::Output, ScenarioError> {
    match name {
        "config" => {
            no_variant(name, options)?;
            Ok(visitor.visit(ConfigScenario::<R>::default()))
        }
        "ledger" => {
            let variant = variant(name, options, ledger::VARIANTS)?;
            Ok(visitor.visit(LedgerScenario::<R>::with(variant)))
        }
        "library" => {
            no_variant(name, options)?;
            Ok(visitor.visit(LibraryScenario::<R>::default()))
        }
        "routing" => {
            let variant = variant(name, options, routing::VARIANTS)?;
            Ok(visitor.visit(RoutingScenario::<R>::with(variant)))
        }
        _ => Err(ScenarioError::UnknownScenario(name.to_owned())),
    }
}

/// Parses the variant of a scenario that has several (the first is the default).
fn variant<T: std::str::FromStr + Default>(
    name: &str,
    options: &ScenarioOptions,
    valid: &[&str],
) -> Result<T, ScenarioError> {
    let Some(text) = &options.variant else {
        return Ok(T::default());
    };
    text.parse().map_err(|_| ScenarioError::UnknownVariant {
        scenario: name.to_owned(),
        variant: text.clone(),
        valid: valid.join(", "),
    })
}

fn no_variant(name: &str, options: &ScenarioOptions) -> Result<(), ScenarioError> {
    match &options.variant {
        None => Ok(()),
        Some(variant) => Err(ScenarioError::UnknownVariant {
            scenario: name.to_owned(),
            variant: variant.clone(),
            valid: "none: it has no variants".to_owned(),
        }),
    }
}

/// A scenario that cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// A name none of this project's scenarios has.
    #[error("unknown scenario '{0}': valid are all, {names}", names = NAMES.join(", "))]
    UnknownScenario(String),
    /// A representation a scenario with only its own state type was asked for.
    #[error("scenario {scenario} has one representation: std, not '{repr}'")]
    OnlyStd {
        /// The scenario's name.
        scenario: String,
        /// The representation asked for.
        repr: String,
    },
    /// A name no scenario of a [`Catalog`](super::Catalog) has.
    #[error("unknown scenario '{name}': valid are {valid}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The catalog's names.
        valid: String,
    },
    /// A representation not in [`repr::NAMES`].
    #[error("unknown representation '{0}': valid are {names}", names = repr::NAMES.join(", "))]
    UnknownRepr(String),
    #[error("unknown variant '{variant}' of scenario {scenario}: valid are {valid}")]
    /// A variant the scenario does not have.
    UnknownVariant {
        /// The scenario's name.
        scenario: String,
        /// The variant asked for.
        variant: String,
        /// Its variants, or why it has none.
        valid: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_name(name: &str, options: &ScenarioOptions) -> Result<&'static str, ScenarioError> {
        build(name, options).map(|runnable| runnable.name())
    }

    #[test]
    fn every_listed_name_resolves_in_every_representation() {
        for name in NAMES {
            for repr in repr::NAMES {
                let options = ScenarioOptions {
                    repr: (*repr).to_owned(),
                    ..ScenarioOptions::default()
                };
                assert_eq!(built_name(name, &options).unwrap(), *name);
            }
        }
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let options = ScenarioOptions::default();
        let err = built_name("nope", &options).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "unknown scenario 'nope': valid are all, {}",
                NAMES.join(", ")
            )
        );
        let options = ScenarioOptions {
            repr: "im".into(),
            ..ScenarioOptions::default()
        };
        let err = built_name("config", &options).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown representation 'im': valid are std, imbl, rpds"
        );
    }

    #[test]
    fn routing_takes_each_of_its_variants_and_refuses_others() {
        for variant in routing::VARIANTS {
            let options = ScenarioOptions {
                variant: Some((*variant).to_owned()),
                ..ScenarioOptions::default()
            };
            assert_eq!(built_name("routing", &options).unwrap(), "routing");
        }
        let options = ScenarioOptions {
            variant: Some("trie".into()),
            ..ScenarioOptions::default()
        };
        let err = built_name("routing", &options).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown variant 'trie' of scenario routing: valid are prefix, longest, indexed, tenants"
        );
    }

    #[test]
    fn a_variant_for_a_scenario_without_variants_is_refused() {
        let options = ScenarioOptions {
            variant: Some("fast".into()),
            ..ScenarioOptions::default()
        };
        assert!(built_name("config", &options).is_err());
        assert!(built_name("library", &options).is_err());
    }
}
