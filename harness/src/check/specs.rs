//! The models `harness check-history` checks histories of other systems
//! against: one register, and a key-value store partitioned by key.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::history::Spec;

/// One register, initially null.
#[derive(Clone, Copy, Debug, Default)]
pub struct Register;

/// An operation on the [`Register`], as a history file spells it
/// (`{"op": "write", "value": 3}`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum RegisterInput {
    /// Reads the value.
    Read,
    /// Sets the value.
    Write {
        /// The value written.
        value: i64,
    },
    /// Sets the value to `to` if it is `from`.
    Cas {
        /// The value expected.
        from: i64,
        /// The value set when it was there.
        to: i64,
    },
}

/// What a [`RegisterInput`] returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum RegisterOutput {
    /// A read's answer.
    Read {
        /// The value read; `None` while nothing was written.
        value: Option<i64>,
    },
    /// A compare-and-set's answer.
    Cas {
        /// Whether the value was `from`, and so was set.
        ok: bool,
    },
    /// A write's acknowledgement.
    Written {},
}

impl Spec for Register {
    type State = Option<i64>;
    type Input = RegisterInput;
    type Output = RegisterOutput;
    type Key = ();

    fn init(&self) -> Option<i64> {
        None
    }

    fn step(&self, state: &Option<i64>, input: &RegisterInput) -> (Option<i64>, RegisterOutput) {
        match *input {
            RegisterInput::Read => (*state, RegisterOutput::Read { value: *state }),
            RegisterInput::Write { value } => (Some(value), RegisterOutput::Written {}),
            RegisterInput::Cas { from, to } if *state == Some(from) => {
                (Some(to), RegisterOutput::Cas { ok: true })
            }
            RegisterInput::Cas { .. } => (*state, RegisterOutput::Cas { ok: false }),
        }
    }

    fn keys(&self, _: &RegisterInput) -> Vec<()> {
        vec![()]
    }

    fn is_read(&self, input: &RegisterInput) -> bool {
        *input == RegisterInput::Read
    }

    fn input_json(&self, input: &RegisterInput) -> serde_json::Value {
        json(input)
    }

    fn output_json(&self, output: &RegisterOutput) -> serde_json::Value {
        json(output)
    }
}

/// String keys to string values, each initially `""`.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyValue;

/// An operation on the [`KeyValue`] store, as a history file spells it
/// (`{"op": "put", "key": "x", "value": "1"}`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum KvInput {
    /// Reads a key's value.
    Get {
        /// The key read.
        key: String,
    },
    /// Replaces a key's value.
    Put {
        /// The key written.
        key: String,
        /// Its new value.
        value: String,
    },
    /// Appends to a key's value.
    Append {
        /// The key written.
        key: String,
        /// The text appended.
        value: String,
    },
}

impl KvInput {
    /// The one key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            KvInput::Get { key } | KvInput::Put { key, .. } | KvInput::Append { key, .. } => key,
        }
    }
}

/// What a [`KvInput`] returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum KvOutput {
    /// A get's answer.
    Got {
        /// The key's value; `""` if it was never written.
        value: String,
    },
    /// A put's or append's acknowledgement.
    Done {},
}

/// Shared, so that a get (half of a typical history) steps without a copy.
type KvState = Arc<BTreeMap<String, String>>;

impl Spec for KeyValue {
    type State = KvState;
    type Input = KvInput;
    type Output = KvOutput;
    type Key = String;

    fn init(&self) -> KvState {
        KvState::default()
    }

    fn step(&self, state: &Self::State, input: &KvInput) -> (Self::State, KvOutput) {
        let current = state.get(input.key()).cloned().unwrap_or_default();
        match input {
            KvInput::Get { .. } => (state.clone(), KvOutput::Got { value: current }),
            KvInput::Put { key, value } => (with(state, key, value.clone()), KvOutput::Done {}),
            KvInput::Append { key, value } => {
                (with(state, key, current + value), KvOutput::Done {})
            }
        }
    }

    fn keys(&self, input: &KvInput) -> Vec<String> {
        vec![input.key().to_owned()]
    }

    fn is_read(&self, input: &KvInput) -> bool {
        matches!(input, KvInput::Get { .. })
    }

    fn input_json(&self, input: &KvInput) -> serde_json::Value {
        json(input)
    }

    fn output_json(&self, output: &KvOutput) -> serde_json::Value {
        json(output)
    }
}

fn json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("the history format's values serialize")
}

fn with(state: &KvState, key: &str, value: String) -> KvState {
    let mut next = BTreeMap::clone(state);
    next.insert(key.to_owned(), value);
    Arc::new(next)
}

/// Register operations for tests: a write of `value`, a read of `value`,
/// each by `client` from `call` to `ret`.
#[cfg(test)]
pub(crate) mod register_ops {
    use super::{RegisterInput, RegisterOutput};
    use crate::check::history::Operation;

    pub type RegisterOp = Operation<RegisterInput, RegisterOutput>;

    pub fn write(client: u64, call: u64, ret: u64, value: i64) -> RegisterOp {
        Operation {
            client,
            call,
            ret: Some(ret),
            input: RegisterInput::Write { value },
            output: Some(RegisterOutput::Written {}),
        }
    }

    pub fn read(client: u64, call: u64, ret: u64, value: Option<i64>) -> RegisterOp {
        Operation {
            client,
            call,
            ret: Some(ret),
            input: RegisterInput::Read,
            output: Some(RegisterOutput::Read { value }),
        }
    }
}
