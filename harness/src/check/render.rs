//! Verdicts for people (a per-client timeline) and for programs (JSON).

use serde_json::{Value, json};

use super::history::{Model, Operation};
use super::linearizability::{Counterexample, Verdict};

/// The verdict's one-word name.
pub fn verdict_name<M: Model>(verdict: &Verdict<M>) -> &'static str {
    match verdict {
        Verdict::Linearizable => "linearizable",
        Verdict::NotLinearizable(_) => "not linearizable",
        Verdict::Unknown(_) => "unknown",
    }
}

/// One operation as `[call,return] input → output`.
fn describe<M: Model>(model: &M, op: &Operation<M::Input, M::Output>) -> String {
    let ret = op.ret.map_or("∞".to_owned(), |ret| ret.to_string());
    let output = op
        .output
        .as_ref()
        .map_or("(not observed)".to_owned(), |output| {
            compact(&model.output_json(output))
        });
    format!(
        "[{},{ret}] {} → {output}",
        op.call,
        compact(&model.input_json(&op.input))
    )
}

/// JSON text, or a string value's own text.
fn compact(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A per-client timeline of the counterexample, its longest linearizable
/// prefix, the model state there, and the operation that cannot be placed.
pub fn timeline<M: Model>(model: &M, found: &Counterexample<M>) -> String {
    let mut clients: Vec<u64> = found.ops.iter().map(|op| op.client).collect();
    clients.sort_unstable();
    clients.dedup();
    let width = found
        .ops
        .iter()
        .map(|op| describe(model, op).chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let mut order: Vec<usize> = (0..found.ops.len()).collect();
    order.sort_by_key(|&i| (found.ops[i].call, i));
    let count = found.ops.len();
    let noun = if count == 1 {
        "operation"
    } else {
        "operations"
    };
    let mut out = format!("minimal counterexample: {count} {noun}, one column per client\n     ");
    for client in &clients {
        out.push_str(&format!("{:width$}", format!("client {client}")));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    for i in order {
        let op = &found.ops[i];
        let column = clients
            .iter()
            .position(|&c| c == op.client)
            .expect("listed");
        out.push_str(&format!(
            "#{i:<3} {}{}\n",
            " ".repeat(column * width),
            describe(model, op)
        ));
    }
    let prefix: Vec<String> = found
        .prefix
        .iter()
        .zip(&found.applied)
        .map(|(&i, &applied)| {
            if applied {
                format!("#{i}")
            } else {
                format!("#{i} (no effect)")
            }
        })
        .collect();
    out.push_str(&format!(
        "longest linearizable prefix: {}\nmodel state after it: {:?}\ncannot be placed: #{} {}\n",
        if prefix.is_empty() {
            "(none)".to_owned()
        } else {
            prefix.join(", ")
        },
        found.state,
        found.stuck,
        describe(model, &found.ops[found.stuck]),
    ));
    out
}

/// The verdict as JSON, the counterexample included.
pub fn to_json<M: Model>(model: &M, verdict: &Verdict<M>) -> Value {
    match verdict {
        Verdict::Linearizable => json!({"verdict": "linearizable"}),
        Verdict::Unknown(reason) => json!({"verdict": "unknown", "reason": reason}),
        Verdict::NotLinearizable(found) => json!({
            "verdict": "not linearizable",
            "counterexample": {
                "ops": found.ops.iter().map(|op| json!({
                    "client": op.client,
                    "call": op.call,
                    "return": op.ret,
                    "input": model.input_json(&op.input),
                    "output": op.output.as_ref().map(|output| model.output_json(output)),
                })).collect::<Vec<_>>(),
                "linearizable_prefix": found.prefix,
                "applied": found.applied,
                "state": format!("{:?}", found.state),
                "cannot_place": found.stuck,
            }
        }),
    }
}
