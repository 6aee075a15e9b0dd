//! Verdicts for people (a per-client timeline) and for programs (JSON).

use serde::Serialize;
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
fn describe<I: Serialize, O: Serialize>(op: &Operation<I, O>) -> String {
    let ret = op.ret.map_or("∞".to_owned(), |ret| ret.to_string());
    let output = op
        .output
        .as_ref()
        .map_or("(not observed)".to_owned(), |output| compact(output));
    format!("[{},{ret}] {} → {output}", op.call, compact(&op.input))
}

fn compact<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("models serialize")
}

/// A per-client timeline of the counterexample, its longest linearizable
/// prefix, the model state there, and the operation that cannot be placed.
pub fn timeline<M: Model>(found: &Counterexample<M>) -> String {
    let mut clients: Vec<u64> = found.ops.iter().map(|op| op.client).collect();
    clients.sort_unstable();
    clients.dedup();
    let width = found
        .ops
        .iter()
        .map(|op| describe(op).chars().count())
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
            describe(op)
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
        describe(&found.ops[found.stuck]),
    ));
    out
}

/// The verdict as JSON, the counterexample included.
pub fn to_json<M: Model>(verdict: &Verdict<M>) -> Value {
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
                    "input": op.input,
                    "output": op.output,
                })).collect::<Vec<_>>(),
                "linearizable_prefix": found.prefix,
                "applied": found.applied,
                "state": format!("{:?}", found.state),
                "cannot_place": found.stuck,
            }
        }),
    }
}
