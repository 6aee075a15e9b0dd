//! The history file format `harness check-history` reads:
//!
//! ```text
//! {"model": "register" | "kv",
//!  "ops": [{"client": 3, "call": 10, "return": 17 | null,
//!           "input": {...}, "output": {...} | null}]}
//! ```
//!
//! Malformed files are refused with the operation and field at fault:
//! besides the shape of each field, a file must not start with a byte order
//! mark, repeat a key in an object, give an output to an operation that
//! never returned (`"return": null` goes with `"output": null`: its effect is
//! unknown, so is its answer), or have one client call again before its
//! previous operation returned.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::history::{Operation, Spec};
use super::specs::{KeyValue, KvInput, KvOutput, Register, RegisterInput, RegisterOutput};

/// A parsed history, with the spec it is to be checked against.
#[derive(Clone, Debug)]
pub enum AnyHistory {
    /// A history of the [`Register`] spec (`"model": "register"`).
    Register(Vec<Operation<RegisterInput, RegisterOutput>>),
    /// A history of the [`KeyValue`] spec (`"model": "kv"`).
    Kv(Vec<Operation<KvInput, KvOutput>>),
}

impl AnyHistory {
    /// Operations in the history.
    pub fn len(&self) -> usize {
        match self {
            AnyHistory::Register(ops) => ops.len(),
            AnyHistory::Kv(ops) => ops.len(),
        }
    }

    /// Whether the history has no operation.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The history in the file format [`parse`] reads.
    pub fn to_json(&self) -> Value {
        let (spec, ops) = match self {
            AnyHistory::Register(ops) => ("register", ops_json(&Register, ops)),
            AnyHistory::Kv(ops) => ("kv", ops_json(&KeyValue, ops)),
        };
        serde_json::json!({"model": spec, "ops": ops})
    }
}

/// Operations in the file format.
pub fn ops_json<M: Spec>(spec: &M, ops: &[Operation<M::Input, M::Output>]) -> Vec<Value> {
    ops.iter()
        .map(|op| {
            serde_json::json!({
                "client": op.client,
                "call": op.call,
                "return": op.ret,
                "input": spec.input_json(&op.input),
                "output": op.output.as_ref().map(|output| spec.output_json(output)),
            })
        })
        .collect()
}

/// What is wrong with a history file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The text is not JSON, starts with a byte order mark, or repeats a key.
    #[error("not JSON: {0}")]
    Json(String),
    /// A top-level field is missing or wrong.
    #[error("field '{field}': {problem}")]
    Top {
        /// The field, `model` or `ops`; `(root)` for the whole file.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// A field of one operation is missing or wrong.
    #[error("operation {index}, field '{field}': {problem}")]
    Op {
        /// The operation's index in `ops`, from 0.
        index: usize,
        /// The field, e.g. `call`.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// Parses a history file's text.
pub fn parse(text: &str) -> Result<AnyHistory, FormatError> {
    if text.starts_with('\u{feff}') {
        return Err(FormatError::Json(
            "the file starts with a UTF-8 byte order mark: save it without one".to_owned(),
        ));
    }
    let mut json = serde_json::Deserializer::from_str(text);
    json.deserialize_any(NoDuplicateKeys)
        .and_then(|()| json.end())
        .map_err(|err| FormatError::Json(err.to_string()))?;
    let top = |field, problem: &str| FormatError::Top {
        field,
        problem: problem.to_owned(),
    };
    let json_error = |err: serde_json::Error| FormatError::Json(err.to_string());
    let root = serde_json::Deserializer::from_str(text)
        .deserialize_any(RootField { name: "model" })
        .map_err(json_error)?
        .ok_or_else(|| top("(root)", "expected an object"))?;
    let spec = root
        .as_ref()
        .and_then(Value::as_str)
        .ok_or_else(|| top("model", "expected \"register\" or \"kv\""))?;
    let history = match spec {
        "register" => stream_ops(text, register_op).map(AnyHistory::Register),
        "kv" => stream_ops(text, kv_op).map(AnyHistory::Kv),
        other => Err(top(
            "model",
            &format!("unknown model '{other}': valid are register, kv"),
        )),
    }?;
    match &history {
        AnyHistory::Register(ops) => check_clients(ops)?,
        AnyHistory::Kv(ops) => check_clients(ops)?,
    }
    Ok(history)
}

/// Refuses a client that calls again before its previous operation returned.
fn check_clients<I, O>(ops: &[Operation<I, O>]) -> Result<(), FormatError> {
    let mut by_client: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (index, op) in ops.iter().enumerate() {
        by_client.entry(op.client).or_default().push(index);
    }
    for (client, mut indices) in by_client {
        indices.sort_by_key(|&index| (ops[index].call, index));
        for pair in indices.windows(2) {
            let (earlier, later) = (&ops[pair[0]], &ops[pair[1]]);
            if earlier.ret.is_none_or(|ret| ret >= later.call) {
                return Err(FormatError::Op {
                    index: pair[1],
                    field: "call".to_owned(),
                    problem: format!(
                        "client {client} calls again before its operation {} returned: a client's operations must not overlap",
                        pair[0]
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Walks a JSON document, failing on the first object that repeats a key
/// (serde_json would keep the last silently).
struct NoDuplicateKeys;

impl<'de> Visitor<'de> for NoDuplicateKeys {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(NoDuplicateKeys)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key.clone()) {
                return Err(de::Error::custom(format!(
                    "the key \"{key}\" appears twice in one object"
                )));
            }
            map.next_value_seed(NoDuplicateKeys)?;
        }
        Ok(())
    }
}

impl<'de> de::DeserializeSeed<'de> for NoDuplicateKeys {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

type OpResult<I, O> = Result<(I, Option<O>), (String, String)>;
type Object = Map<String, Value>;
/// Parses one operation's input and output for a spec.
type ParseIo<I, O> = fn(&Object, Option<&Object>) -> OpResult<I, O>;

/// The operations of `text` (already known to be valid JSON), parsed one at
/// a time as the array streams by: a 50 MB history never becomes one tree
/// of JSON values. The first operation at fault is the error.
fn stream_ops<I, O>(
    text: &str,
    parse_io: ParseIo<I, O>,
) -> Result<Vec<Operation<I, O>>, FormatError> {
    let ops = serde_json::Deserializer::from_str(text)
        .deserialize_any(RootOps { parse_io })
        .map_err(|err| FormatError::Json(err.to_string()))?;
    ops.unwrap_or_else(|| {
        Err(FormatError::Top {
            field: "ops",
            problem: "expected an array of operations".to_owned(),
        })
    })
}

/// The value of one field of the root object: `None` if the root is not an
/// object, `Some(None)` if the field is missing. Other fields are skipped unread.
struct RootField {
    name: &'static str,
}

impl<'de> Visitor<'de> for RootField {
    type Value = Option<Option<Value>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a history")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.name {
                found = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(Some(found))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The root object's `ops`, each parsed as it is read; `None` if missing.
struct RootOps<I, O> {
    parse_io: ParseIo<I, O>,
}

type Parsed<I, O> = Result<Vec<Operation<I, O>>, FormatError>;

impl<'de, I, O> Visitor<'de> for RootOps<I, O> {
    type Value = Option<Parsed<I, O>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a history object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut ops = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "ops" {
                ops = Some(map.next_value_seed(OpsArray {
                    parse_io: self.parse_io,
                })?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(ops)
    }
}

struct OpsArray<I, O> {
    parse_io: ParseIo<I, O>,
}

impl<'de, I, O> de::DeserializeSeed<'de> for OpsArray<I, O> {
    type Value = Parsed<I, O>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, I, O> Visitor<'de> for OpsArray<I, O> {
    type Value = Parsed<I, O>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of operations")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut ops = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut fault = None;
        while let Some(value) = seq.next_element::<Value>()? {
            if fault.is_none() {
                match parse_op(ops.len(), &value, self.parse_io) {
                    Ok(op) => ops.push(op),
                    Err(err) => fault = Some(err),
                }
            }
        }
        Ok(fault.map_or(Ok(ops), Err))
    }
}

fn parse_op<I, O>(
    index: usize,
    op: &Value,
    parse_io: ParseIo<I, O>,
) -> Result<Operation<I, O>, FormatError> {
    let fail = |field: &str, problem: &str| FormatError::Op {
        index,
        field: field.to_owned(),
        problem: problem.to_owned(),
    };
    let op = op
        .as_object()
        .ok_or_else(|| fail("(operation)", "expected an object"))?;
    let integer = |field: &str| {
        op.get(field)
            .and_then(Value::as_u64)
            .ok_or_else(|| fail(field, "expected a non-negative integer"))
    };
    let client = integer("client")?;
    let call = integer("call")?;
    let ret = match op.get("return") {
        None | Some(Value::Null) => None,
        Some(_) => Some(integer("return")?),
    };
    if ret.is_some_and(|ret| ret < call) {
        return Err(fail("return", "must not be before the call"));
    }
    let input = op
        .get("input")
        .and_then(Value::as_object)
        .ok_or_else(|| fail("input", "expected an object"))?;
    let output = match op.get("output") {
        None | Some(Value::Null) => None,
        Some(Value::Object(_)) if ret.is_none() => {
            return Err(fail(
                "output",
                "an operation that never returned (\"return\": null) has no output: give its return time, or set its output to null",
            ));
        }
        Some(Value::Object(output)) => Some(output),
        Some(_) => return Err(fail("output", "expected an object or null")),
    };
    let (input, output) =
        parse_io(input, output).map_err(|(field, problem)| fail(&field, &problem))?;
    Ok(Operation {
        client,
        call,
        ret,
        input,
        output,
    })
}

fn register_op(
    input: &Map<String, Value>,
    output: Option<&Map<String, Value>>,
) -> OpResult<RegisterInput, RegisterOutput> {
    let int = |field: &str| {
        input
            .get(field)
            .and_then(Value::as_i64)
            .ok_or_else(|| (format!("input.{field}"), "expected an integer".to_owned()))
    };
    let input = match input.get("op").and_then(Value::as_str) {
        Some("read") => RegisterInput::Read,
        Some("write") => RegisterInput::Write {
            value: int("value")?,
        },
        Some("cas") => RegisterInput::Cas {
            from: int("from")?,
            to: int("to")?,
        },
        _ => return Err(bad_op("read, write, cas")),
    };
    let Some(output) = output else {
        return Ok((input, None));
    };
    let output = match input {
        RegisterInput::Read => match output.get("value") {
            Some(Value::Null) => RegisterOutput::Read { value: None },
            Some(value) => RegisterOutput::Read {
                value: Some(
                    value
                        .as_i64()
                        .ok_or_else(|| out_err("value", "an integer or null"))?,
                ),
            },
            None => return Err(out_err("value", "an integer or null")),
        },
        RegisterInput::Write { .. } => RegisterOutput::Written {},
        RegisterInput::Cas { .. } => RegisterOutput::Cas {
            ok: output
                .get("ok")
                .and_then(Value::as_bool)
                .ok_or_else(|| out_err("ok", "a boolean"))?,
        },
    };
    Ok((input, Some(output)))
}

fn kv_op(
    input: &Map<String, Value>,
    output: Option<&Map<String, Value>>,
) -> OpResult<KvInput, KvOutput> {
    let text = |field: &str| {
        input
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| (format!("input.{field}"), "expected a string".to_owned()))
    };
    let input = match input.get("op").and_then(Value::as_str) {
        Some("get") => KvInput::Get { key: text("key")? },
        Some("put") => KvInput::Put {
            key: text("key")?,
            value: text("value")?,
        },
        Some("append") => KvInput::Append {
            key: text("key")?,
            value: text("value")?,
        },
        _ => return Err(bad_op("get, put, append")),
    };
    let Some(output) = output else {
        return Ok((input, None));
    };
    let output = match input {
        KvInput::Get { .. } => KvOutput::Got {
            value: output
                .get("value")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| out_err("value", "a string"))?,
        },
        KvInput::Put { .. } | KvInput::Append { .. } => KvOutput::Done {},
    };
    Ok((input, Some(output)))
}

fn bad_op(valid: &str) -> (String, String) {
    ("input.op".to_owned(), format!("expected one of {valid}"))
}

fn out_err(field: &str, expected: &str) -> (String, String) {
    (format!("output.{field}"), format!("expected {expected}"))
}
