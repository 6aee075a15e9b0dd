//! The scenarios selectable by name. Adding a scenario is one line here.

use crate::Scenario;
use crate::config::ConfigScenario;

/// Something to do with a scenario whose type is chosen at run time.
pub trait ScenarioVisitor {
    type Output;
    fn visit<S: Scenario>(self, scenario: S) -> Self::Output;
}

/// Every scenario name, in the order `all` runs them.
pub const NAMES: &[&str] = &["config"];

/// Calls `visitor` with the scenario called `name`.
pub fn visit<V: ScenarioVisitor>(name: &str, visitor: V) -> Result<V::Output, UnknownScenario> {
    match name {
        "config" => Ok(visitor.visit(ConfigScenario)),
        _ => Err(UnknownScenario(name.to_owned())),
    }
}

/// A scenario name that is not in [`NAMES`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown scenario '{0}': valid are {names}", names = NAMES.join(", "))]
pub struct UnknownScenario(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    struct Name;
    impl ScenarioVisitor for Name {
        type Output = &'static str;
        fn visit<S: Scenario>(self, scenario: S) -> &'static str {
            scenario.name()
        }
    }

    #[test]
    fn every_listed_name_resolves_to_itself() {
        for name in NAMES {
            assert_eq!(visit(name, Name).unwrap(), *name);
        }
    }

    #[test]
    fn unknown_name_lists_the_valid_ones() {
        let err = visit("nope", Name).unwrap_err();
        assert_eq!(err.to_string(), "unknown scenario 'nope': valid are config");
    }
}
