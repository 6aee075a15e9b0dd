//! Verdicts for people (a per-client timeline) and for programs (JSON).

use serde_json::{Value, json};

use super::consistency::{Outcome, Violation};
use super::format::ops_json;
use super::history::{Operation, Spec};
use super::linearizability::{Counterexample, Verdict};
use super::shrink::Shrinking;

/// The verdict's one-word name.
pub fn verdict_name<M: Spec>(verdict: &Verdict<M>) -> &'static str {
    match verdict {
        Verdict::Linearizable => "linearizable",
        Verdict::NotLinearizable(_) => "not linearizable",
        Verdict::Unknown(_) => "unknown",
    }
}

/// One operation as `[call,return] input → output`.
fn describe<M: Spec>(spec: &M, op: &Operation<M::Input, M::Output>) -> String {
    let ret = op.ret.map_or("∞".to_owned(), |ret| ret.to_string());
    format!(
        "[{},{ret}] {} → {}",
        op.call,
        input_text(spec, op),
        output_text(spec, op)
    )
}

/// An operation's input as compact JSON text.
pub(super) fn input_text<M: Spec>(spec: &M, op: &Operation<M::Input, M::Output>) -> String {
    compact(&spec.input_json(&op.input))
}

/// An operation's output as compact JSON text, or `(not observed)`.
pub(super) fn output_text<M: Spec>(spec: &M, op: &Operation<M::Input, M::Output>) -> String {
    op.output
        .as_ref()
        .map_or("(not observed)".to_owned(), |output| {
            compact(&spec.output_json(output))
        })
}

/// JSON text, or a string value's own text.
fn compact(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Columns a text timeline may use when the terminal does not say (`COLUMNS`).
pub const DEFAULT_WIDTH: usize = 120;

/// The terminal's width from `COLUMNS`, or [`DEFAULT_WIDTH`].
pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse().ok())
        .filter(|&columns: &usize| columns >= 40)
        .unwrap_or(DEFAULT_WIDTH)
}

/// A per-client timeline of the counterexample, its longest linearizable
/// prefix, the spec state there, and the operation that cannot be placed,
/// within the terminal's width ([`terminal_width`]).
pub fn timeline<M: Spec>(spec: &M, found: &Counterexample<M>) -> String {
    timeline_within(spec, found, terminal_width())
}

/// [`timeline`] in at most `max` columns: one column per client while they
/// fit, else one line per operation naming its client; long lines are cut
/// with `…` and the prefix wraps.
pub fn timeline_within<M: Spec>(spec: &M, found: &Counterexample<M>, max: usize) -> String {
    let mut clients: Vec<u64> = found.ops.iter().map(|op| op.client).collect();
    clients.sort_unstable();
    clients.dedup();
    let described: Vec<String> = found.ops.iter().map(|op| describe(spec, op)).collect();
    let width = described
        .iter()
        .map(|d| d.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let columns_fit = 5 + clients.len() * width <= max;
    let mut order: Vec<usize> = (0..found.ops.len()).collect();
    order.sort_by_key(|&i| (found.ops[i].call, i));
    let count = found.ops.len();
    let noun = if count == 1 {
        "operation"
    } else {
        "operations"
    };
    let layout = if columns_fit {
        "one column per client"
    } else {
        "one line per operation, in call order"
    };
    let kind = match &found.shrinking {
        Shrinking::Minimal => "minimal counterexample".to_owned(),
        Shrinking::StoppedEarly(reason) => format!("counterexample (shrinking stopped: {reason})"),
    };
    let mut out = fit(&format!("{kind}: {count} {noun}, {layout}"), max);
    out.push('\n');
    if columns_fit {
        let mut header = "     ".to_owned();
        for client in &clients {
            header.push_str(&format!("{:width$}", format!("client {client}")));
        }
        out.push_str(header.trim_end());
        out.push('\n');
    }
    for i in order {
        let op = &found.ops[i];
        let line = if columns_fit {
            let column = clients
                .iter()
                .position(|&c| c == op.client)
                .expect("listed");
            format!("#{i:<3} {}{}", " ".repeat(column * width), described[i])
        } else {
            format!("#{i:<3} client {}: {}", op.client, described[i])
        };
        out.push_str(&fit(&line, max));
        out.push('\n');
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
    let prefix = if prefix.is_empty() {
        vec!["(none)".to_owned()]
    } else {
        prefix
    };
    out.push_str(&wrap("longest linearizable prefix: ", &prefix, max));
    out.push_str(&fit(
        &format!("spec state after it: {:?}", found.state),
        max,
    ));
    out.push('\n');
    let stuck = format!(
        "cannot be placed: #{} {}",
        found.stuck, described[found.stuck]
    );
    out.push_str(&fit(&stuck, max));
    out.push('\n');
    out
}

/// `line`, cut to `max` characters with a final `…` if longer.
fn fit(line: &str, max: usize) -> String {
    if line.chars().count() <= max {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `head` then `items` joined by commas, wrapped into lines of at most
/// `max` characters (continuations indented by two spaces).
fn wrap(head: &str, items: &[String], max: usize) -> String {
    let mut out = String::new();
    let mut line = head.to_owned();
    for (index, item) in items.iter().enumerate() {
        let piece = if index + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let fresh = line.trim().is_empty() || line == head;
        if !fresh && line.chars().count() + 1 + piece.chars().count() > max {
            out.push_str(line.trim_end());
            out.push('\n');
            line = "  ".to_owned();
        } else if !fresh {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    out.push_str(&fit(line.trim_end(), max));
    out.push('\n');
    out
}

/// Operations a violation's text lists at most: the last ones in call order.
const VIOLATION_LINES: usize = 40;

/// A history breaking a contract other than linearizability: its
/// operations in call order (at most the last 40), each naming its
/// client, and the one the search could not place.
pub fn violation_text<M: Spec>(spec: &M, violation: &Violation<M>) -> String {
    let max = terminal_width();
    let count = violation.ops.len();
    let mut out = fit(
        &format!(
            "not {}: {count} of {} operations (cut at the earliest return bisection found \
             failing; those running then are pending), one line per operation",
            violation.contract, violation.of
        ),
        max,
    );
    out.push('\n');
    let line = |i: usize| {
        let op = &violation.ops[i];
        format!("#{i:<3} client {} {}", op.client, describe(spec, op))
    };
    let skipped = count.saturating_sub(VIOLATION_LINES);
    if skipped > 0 {
        out.push_str(&format!("… {skipped} earlier operations\n"));
    }
    for i in skipped..count {
        out.push_str(&fit(&line(i), max));
        out.push('\n');
    }
    if let Some(stuck) = violation.stuck {
        out.push_str(&fit(&format!("cannot be placed: {}", line(stuck)), max));
        out.push('\n');
    }
    out
}

/// A contract's outcome as JSON, the violating operations included.
pub fn outcome_json<M: Spec>(spec: &M, outcome: &Outcome<M>) -> Value {
    match outcome {
        Outcome::Held => json!({"held": true}),
        Outcome::Unknown(reason) => json!({"held": null, "reason": reason}),
        Outcome::Violated(violation) => json!({
            "held": false,
            "violation": {
                "ops": ops_json(spec, &violation.ops),
                "of": violation.of,
                "cannot_place": violation.stuck,
            }
        }),
    }
}

/// The verdict as JSON, the counterexample included.
pub fn to_json<M: Spec>(spec: &M, verdict: &Verdict<M>) -> Value {
    match verdict {
        Verdict::Linearizable => json!({"verdict": "linearizable"}),
        Verdict::Unknown(reason) => json!({"verdict": "unknown", "reason": reason}),
        Verdict::NotLinearizable(found) => json!({
            "verdict": "not linearizable",
            "counterexample": {
                "ops": ops_json(spec, &found.ops),
                "linearizable_prefix": found.prefix,
                "applied": found.applied,
                "state": format!("{:?}", found.state),
                "cannot_place": found.stuck,
                "minimal": found.shrinking == Shrinking::Minimal,
                "shrinking_stopped": match &found.shrinking {
                    Shrinking::Minimal => None,
                    Shrinking::StoppedEarly(reason) => Some(reason),
                },
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::specs::{Register, RegisterInput, RegisterOutput};

    /// A counterexample over `clients` clients: each writes its number, then one reads 999.
    fn many_clients(clients: u64) -> Counterexample<Register> {
        let mut ops: Vec<Operation<RegisterInput, RegisterOutput>> = (0..clients)
            .map(|client| Operation {
                client,
                call: client * 2,
                ret: Some(client * 2 + 1),
                input: RegisterInput::Write {
                    value: client as i64,
                },
                output: Some(RegisterOutput::Written {}),
            })
            .collect();
        ops.push(Operation {
            client: 0,
            call: clients * 2,
            ret: Some(clients * 2 + 1),
            input: RegisterInput::Read,
            output: Some(RegisterOutput::Read { value: Some(999) }),
        });
        Counterexample {
            prefix: (0..clients as usize).collect(),
            applied: vec![true; clients as usize],
            state: Some(clients as i64 - 1),
            stuck: clients as usize,
            ops,
            shrinking: Shrinking::Minimal,
        }
    }

    #[test]
    fn no_line_is_wider_than_the_terminal_at_50_clients() {
        let text = timeline_within(&Register, &many_clients(50), 120);
        for line in text.lines() {
            assert!(
                line.chars().count() <= 120,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        assert!(text.contains("one line per operation"), "{text}");
        assert!(text.contains("#50  client 0: [100,101]"), "{text}");
        assert!(text.contains("cannot be placed: #50"), "{text}");
        assert!(
            text.contains("#49"),
            "the prefix wraps rather than losing operations: {text}"
        );
    }

    #[test]
    fn two_clients_keep_one_column_each() {
        let text = timeline_within(&Register, &many_clients(2), 120);
        assert!(text.contains("one column per client"), "{text}");
        assert!(text.lines().nth(1).unwrap().contains("client 1"), "{text}");
    }
}
