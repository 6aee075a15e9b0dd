//! A counterexample as a self-contained page: one lane per client on a time
//! axis, each operation a bar from its call to its return (hover it for its
//! input and output), numbered in the order of the longest linearizable
//! prefix; the operation that cannot be placed in red; then the prefix and
//! the spec state before the stuck operation, and every operation as a
//! table. Plain HTML and inline SVG, no script: it opens anywhere, and it
//! stays small (a few hundred bytes an operation).
//!
//! The axis is the order of distinct times, not their values: what decides
//! linearizability is which calls and returns come before which.

use std::fmt::Write as _;

use super::history::{Operation, Spec};
use super::linearizability::Counterexample;
use super::render::{input_text, output_text};
use super::shrink::Shrinking;

const LEFT: usize = 90;
const TOP: usize = 28;

/// The page for `found`, titled `title` (a file or a strategy's name).
pub fn page<M: Spec>(spec: &M, found: &Counterexample<M>, title: &str) -> String {
    let mut html = String::with_capacity(4096 + found.ops.len() * 600);
    let count = found.ops.len();
    let clients = clients(&found.ops).len();
    let minimal = match &found.shrinking {
        Shrinking::Minimal => "1-minimal: without any one of them, the rest is linearizable or the stuck output is left unexplained".to_owned(),
        Shrinking::StoppedEarly(reason) => format!("shrinking stopped early: {reason}"),
    };
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Not linearizable: {title}</title><style>{STYLE}</style></head><body>\n\
         <h1>Not linearizable: {title}</h1>\n<p>{count} operation{s} from {clients} client{cs} \
         ({minimal}). Each bar runs from an operation's call to its return; the number on it \
         is its place in the longest linearizable prefix. <span class=\"stuck-key\">Red</span>: \
         the operation that cannot be placed.</p>\n",
        title = escape(title),
        s = if count == 1 { "" } else { "s" },
        cs = if clients == 1 { "" } else { "s" },
    );
    html.push_str("<div class=\"scroll\">");
    html.push_str(&timeline_svg(spec, found));
    html.push_str("</div>\n");
    html.push_str(&prefix_table(spec, found));
    html.push_str(&ops_table(spec, found));
    html.push_str("</body></html>\n");
    html
}

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:24px;color:#222}\
h1{font-size:20px}h2{font-size:16px;margin-top:28px}.scroll{overflow-x:auto;border:1px solid #ddd}\
table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:3px 10px;text-align:left;\
font-family:ui-monospace,monospace;font-size:12px}th{font-family:system-ui,sans-serif}\
tr.stuck td{background:#fde2e2}.stuck-key{color:#c62828;font-weight:bold}\
pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}";

fn clients<I, O>(ops: &[Operation<I, O>]) -> Vec<u64> {
    let mut clients: Vec<u64> = ops.iter().map(|op| op.client).collect();
    clients.sort_unstable();
    clients.dedup();
    clients
}

/// The distinct call and return times of `ops`, in order.
fn distinct_times<I, O>(ops: &[Operation<I, O>]) -> Vec<u64> {
    let mut times: Vec<u64> = ops
        .iter()
        .flat_map(|op| [Some(op.call), op.ret])
        .flatten()
        .collect();
    times.sort_unstable();
    times.dedup();
    times
}

fn timeline_svg<M: Spec>(spec: &M, found: &Counterexample<M>) -> String {
    let clients = clients(&found.ops);
    let times = distinct_times(&found.ops);
    let rank = |time: u64| times.partition_point(|&t| t < time);
    let step = (900 / times.len().max(1)).clamp(8, 48);
    let lane = if clients.len() > 12 { 18 } else { 30 };
    let width = LEFT + (times.len() + 1) * step + 20;
    let height = TOP + clients.len() * lane + 10;
    let place: Vec<Option<usize>> = (0..found.ops.len())
        .map(|op| found.prefix.iter().position(|&p| p == op))
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"system-ui,sans-serif\" font-size=\"11\">"
    );
    let _ = write!(
        svg,
        "<text x=\"{LEFT}\" y=\"14\" fill=\"#666\">time (order of calls and returns) →</text>"
    );
    for (index, client) in clients.iter().enumerate() {
        let y = TOP + index * lane;
        let _ = write!(
            svg,
            "<text x=\"4\" y=\"{}\">client {client}</text><line x1=\"{LEFT}\" x2=\"{}\" y1=\"{}\" \
             y2=\"{}\" stroke=\"#eee\"/>",
            y + lane / 2 + 4,
            width - 10,
            y + lane / 2,
            y + lane / 2
        );
    }
    for (op, operation) in found.ops.iter().enumerate() {
        let row = clients.binary_search(&operation.client).expect("listed");
        let x = LEFT + rank(operation.call) * step + step / 2;
        let end = operation
            .ret
            .map_or(width - 14, |ret| LEFT + rank(ret) * step + step / 2);
        let y = TOP + row * lane + 3;
        let (fill, stroke) = if op == found.stuck {
            ("#ef9a9a", "#c62828")
        } else if place[op].is_some() {
            ("#bbdefb", "#1565c0")
        } else {
            ("#e0e0e0", "#757575")
        };
        let dash = if operation.ret.is_none() {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<g><title>#{op} client {} [{}, {}]\n{} → {}</title><rect x=\"{x}\" y=\"{y}\" \
             width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\"{dash}/>",
            operation.client,
            operation.call,
            operation
                .ret
                .map_or("never returned".to_owned(), |ret| ret.to_string()),
            escape(&input_text(spec, operation)),
            escape(&output_text(spec, operation)),
            (end - x).max(4),
            lane - 6
        );
        let label = match place[op] {
            Some(place) => format!("{}", place + 1),
            None if op == found.stuck => "✗".to_owned(),
            None => String::new(),
        };
        if !label.is_empty() && end - x >= 14 {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\">{label}</text>",
                x + 3,
                y + (lane - 6) / 2 + 4
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

fn prefix_table<M: Spec>(spec: &M, found: &Counterexample<M>) -> String {
    let mut html = String::from(
        "<h2>Longest linearizable prefix, in order</h2>\n<table><tr><th>place</th><th>op</th>\
         <th>client</th><th>input</th><th>output</th><th>taken as</th></tr>\n",
    );
    for (place, (&op, &applied)) in found.prefix.iter().zip(&found.applied).enumerate() {
        let operation = &found.ops[op];
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>#{op}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            place + 1,
            operation.client,
            escape(&input_text(spec, operation)),
            escape(&output_text(spec, operation)),
            if applied { "applied" } else { "no effect" }
        );
    }
    if found.prefix.is_empty() {
        html.push_str(
            "<tr><td colspan=\"6\">(none: not even the first operation can go first)</td></tr>\n",
        );
    }
    let stuck = &found.ops[found.stuck];
    let _ = write!(
        html,
        "</table>\n<h2>Cannot be placed next: #{} (client {})</h2>\n<pre>{} → {}</pre>\n\
         <p>Spec state before it (after the prefix):</p>\n<pre>{}</pre>\n",
        found.stuck,
        stuck.client,
        escape(&input_text(spec, stuck)),
        escape(&output_text(spec, stuck)),
        escape(&format!("{:#?}", found.state))
    );
    html
}

fn ops_table<M: Spec>(spec: &M, found: &Counterexample<M>) -> String {
    let mut html = String::from(
        "<h2>Every operation</h2>\n<table><tr><th>op</th><th>client</th><th>call</th>\
         <th>return</th><th>input</th><th>output</th></tr>\n",
    );
    for (op, operation) in found.ops.iter().enumerate() {
        let class = if op == found.stuck {
            " class=\"stuck\""
        } else {
            ""
        };
        let _ = writeln!(
            html,
            "<tr{class}><td>#{op}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            operation.client,
            operation.call,
            operation
                .ret
                .map_or("never".to_owned(), |ret| ret.to_string()),
            escape(&input_text(spec, operation)),
            escape(&output_text(spec, operation))
        );
    }
    html.push_str("</table>\n");
    html
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::specs::{Register, RegisterInput, RegisterOutput};

    fn stale_read() -> Counterexample<Register> {
        Counterexample {
            ops: vec![
                Operation {
                    client: 0,
                    call: 0,
                    ret: Some(1),
                    input: RegisterInput::Write { value: 1 },
                    output: Some(RegisterOutput::Written {}),
                },
                Operation {
                    client: 1,
                    call: 2,
                    ret: Some(3),
                    input: RegisterInput::Read,
                    output: Some(RegisterOutput::Read { value: None }),
                },
            ],
            prefix: vec![0],
            applied: vec![true],
            state: Some(1),
            stuck: 1,
            shrinking: Shrinking::Minimal,
        }
    }

    #[test]
    fn the_page_shows_lanes_bars_the_prefix_and_the_stuck_operation() {
        let html = page(&Register, &stale_read(), "a <stale> read");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("Not linearizable: a &lt;stale&gt; read"));
        assert!(html.contains(">client 0</text>") && html.contains(">client 1</text>"));
        assert_eq!(html.matches("<rect").count(), 2);
        assert!(html.contains("fill=\"#ef9a9a\""), "the stuck read is red");
        assert!(html.contains("Cannot be placed next: #1 (client 1)"));
        assert!(html.contains("<pre>Some(\n    1,\n)</pre>"), "{html}");
        assert!(html.contains("{&quot;op&quot;:&quot;write&quot;,&quot;value&quot;:1}"));
        assert!(!html.contains("<script"));
    }
}
