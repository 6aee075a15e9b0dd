//! A sweep's page: one self-contained `index.html` (styles inline, charts
//! embedded as SVG), so it can be mailed, attached to an issue or opened
//! from disk with nothing beside it.
//!
//! Top to bottom: what was measured, the best strategy per mix, every
//! chart, the environment, and the command that reproduces it.

use std::fmt::Write;

use super::charts::{Section, ratio_label, threads_label};
use crate::sweep::{Summary, SweepResults};

const STYLE: &str = "body{font-family:sans-serif;margin:2em auto;max-width:1060px;color:#222;line-height:1.45}\
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}\
th{background:#f4f4f4}td.num{text-align:right}figure{margin:1.5em 0}figcaption{font-size:.9em;color:#555}\
pre{background:#f4f4f4;padding:.8em;overflow-x:auto;white-space:pre-wrap}.note{color:#555}\
.swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em;border-radius:2px}";

/// The whole page.
pub fn sweep_page(results: &SweepResults, summary: &Summary, sections: &[Section]) -> String {
    let mut page = String::new();
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    let _ = write!(
        page,
        "<title>Sweep: {}</title><style>{STYLE}</style></head><body>",
        escape(&results.arguments.scenarios.join(", "))
    );
    page.push_str(&header(results));
    page.push_str(&calibration(results));
    page.push_str(&winners_table(summary));
    page.push_str(&limits(results, summary));
    page.push_str(&failures(results));
    for section in sections {
        page.push_str(&section_html(section));
    }
    page.push_str(&environment(results));
    page.push_str(&reproduce(results));
    page.push_str("</body></html>\n");
    page
}

fn header(results: &SweepResults) -> String {
    let args = &results.arguments;
    let expected = args.points().len() * args.repeat;
    let complete = if results.trials.len() >= expected {
        String::new()
    } else {
        format!(
            " <strong>Incomplete:</strong> {} of {expected} trials; continue with <code>--resume</code>.",
            results.trials.len()
        )
    };
    format!(
        "<h1>Which strategy is fastest here? A sweep of {scenarios}</h1>\
         <p>Strategies: {strategies}. Representations: {reprs}. Sizes: {sizes}. Read ratios: {ratios}. \
         Threads: {threads}. Each point was measured {repeat} times for {duration}s after a {warmup}s \
         warm-up; repeats ran in separate rounds over the whole grid, and every number shown is the \
         median over a point's trials. Keys {dist}, seed {seed}.{complete}</p>",
        scenarios = escape(&args.scenarios.join(", ")),
        strategies = escape(&args.strategies.join(", ")),
        reprs = escape(&args.reprs.join(", ")),
        sizes = list(&args.sizes),
        ratios = args
            .read_ratios
            .iter()
            .map(|&r| ratio_label(r))
            .collect::<Vec<_>>()
            .join(", "),
        threads = list(&args.threads),
        repeat = args.repeat,
        duration = args.duration_s,
        warmup = args.warmup_s,
        dist = escape(&args.dist),
        seed = args.seed,
    )
}

/// How far to trust the figures: the calibration measured before the grid.
fn calibration(results: &SweepResults) -> String {
    let verdict = match &results.calibration {
        Some(c) => escape(&c.verdict()),
        None => "not measured (the sweep stopped before it, or it failed: see the sweep's output)"
            .to_owned(),
    };
    format!(
        "<p><strong>Measurement fidelity</strong> (<code>harness calibrate</code>, measured before \
         the grid): {verdict}.</p>"
    )
}

/// Best strategy per scenario slice and read ratio (rows) at each thread count (columns).
fn winners_table(summary: &Summary) -> String {
    let mut html = String::from(
        "<h2>Best strategy per scenario and mix</h2><p class=\"note\">The highest median throughput \
         in each cell, with its lead over the runner-up; <em>trials overlap</em> means the winner's \
         slowest trial was not faster than the runner-up's fastest, so the order may not repeat.</p><table><tr><th>scenario · repr · size</th><th>read ratio</th>",
    );
    for threads in &summary.threads {
        let _ = write!(html, "<th>{}</th>", threads_label(*threads));
    }
    html.push_str("</tr>");
    for slice in &summary.slices {
        for &ratio in &summary.read_ratios {
            let _ = write!(
                html,
                "<tr><td>{} · {} · {}</td><td class=\"num\">{}</td>",
                escape(&slice.scenario),
                escape(&slice.repr),
                slice.size,
                ratio_label(ratio)
            );
            for &threads in &summary.threads {
                html.push_str(&winner_cell(summary.winner(slice, threads, ratio)));
            }
            html.push_str("</tr>");
        }
    }
    html.push_str("</table>");
    html
}

/// What the page can and cannot show: how many cells name a clear winner,
/// and what the machine's cores mean for the thread counts measured.
fn limits(results: &SweepResults, summary: &Summary) -> String {
    let winners: Vec<_> = summary
        .slices
        .iter()
        .flat_map(|slice| {
            summary.threads.iter().flat_map(move |&threads| {
                summary
                    .read_ratios
                    .iter()
                    .filter_map(move |&ratio| summary.winner(slice, threads, ratio))
            })
        })
        .filter(|winner| winner.runner_up.is_some())
        .collect();
    let clear = winners.iter().filter(|winner| winner.clear).count();
    let env = &results.environment;
    let cores = env.logical_cores;
    let above: Vec<usize> = summary
        .threads
        .iter()
        .copied()
        .filter(|&t| t > cores)
        .collect();
    let threads = if above.is_empty() {
        format!(
            "Every thread count fits the machine's {cores} logical cores; the page says nothing \
             about more threads, or about another machine's cores."
        )
    } else {
        format!(
            "Thread counts above the machine's {cores} logical cores ({}) share cores, so they \
             show the scheduler as much as the sharing.",
            list(&above)
        )
    };
    let build = if env.build_profile == "release" {
        String::new()
    } else {
        format!(
            " <strong>A {} build:</strong> its figures are not representative.",
            escape(&env.build_profile)
        )
    };
    format!(
        "<h2>What this page can and cannot show</h2><p>{clear} of {} cells name a winner whose \
         trials all beat the runner-up's; in the others the order may not repeat. {threads} \
         The figures are this machine's ({cpu}): compare strategies within the page, not with \
         figures measured elsewhere.{build}</p>",
        winners.len(),
        cpu = escape(&env.cpu_model),
    )
}

fn winner_cell(winner: Option<crate::sweep::Winner>) -> String {
    let Some(winner) = winner else {
        return "<td>-</td>".to_owned();
    };
    let color = super::charts::strategy_css_color(&winner.strategy);
    let lead = match (winner.margin, &winner.runner_up) {
        (Some(margin), Some(second)) => format!(
            " +{:.0}% vs {}{}",
            margin * 100.0,
            escape(second),
            if winner.clear {
                ""
            } else {
                " <span class=\"note\">(trials overlap)</span>"
            }
        ),
        _ => String::new(),
    };
    format!(
        "<td><span class=\"swatch\" style=\"background:{color}\"></span><strong>{}</strong> {} ops/s{lead}</td>",
        escape(&winner.strategy),
        super::format_count(winner.ops_per_sec)
    )
}

fn failures(results: &SweepResults) -> String {
    let failed: Vec<String> = results
        .failures()
        .map(|t| {
            format!(
                "<li>{} · {} threads · read ratio {} · trial {}: {}</li>",
                escape(&t.point.strategy),
                t.point.threads,
                ratio_label(t.point.read_ratio),
                t.trial + 1,
                escape(t.result.error.as_deref().unwrap_or_default())
            )
        })
        .collect();
    if failed.is_empty() {
        return String::new();
    }
    format!("<h2>Failed trials</h2><ul>{}</ul>", failed.join(""))
}

fn section_html(section: &Section) -> String {
    let mut html = format!(
        "<h2>{}</h2><p class=\"note\">{}</p>",
        escape(&section.heading),
        escape(&section.note)
    );
    for chart in &section.charts {
        let _ = write!(
            html,
            "<figure>{}<figcaption>{} (<a href=\"charts/{}\">SVG</a>)</figcaption></figure>",
            chart.svg,
            escape(&chart.title),
            escape(&chart.file)
        );
    }
    html
}

fn environment(results: &SweepResults) -> String {
    let env = &results.environment;
    let rows = [
        ("CPU", env.cpu_model.clone()),
        ("logical cores", env.logical_cores.to_string()),
        ("OS", env.os.clone()),
        ("kernel", env.kernel.clone().unwrap_or_default()),
        ("architecture", env.arch.clone()),
        ("rustc", env.rustc.clone()),
        ("build", env.build_profile.clone()),
        ("harness", env.harness_version.clone()),
        ("commit", env.git_commit.clone().unwrap_or_default()),
        ("started", env.timestamp.clone()),
    ];
    let mut html = String::from("<h2>Environment</h2><table>");
    for (name, value) in rows {
        let _ = write!(html, "<tr><th>{name}</th><td>{}</td></tr>", escape(&value));
    }
    html.push_str("</table>");
    if env.build_profile != "release" {
        html.push_str("<p><strong>Debug build: these numbers are not representative.</strong></p>");
    }
    html
}

fn reproduce(results: &SweepResults) -> String {
    let command: Vec<String> = results
        .command_line
        .iter()
        .map(|a| shell_quote(a))
        .collect();
    format!(
        "<h2>Reproduce</h2><p>Measure again (into a new directory, or add <code>--resume</code> to \
         finish an interrupted sweep):</p><pre>{}</pre><p>Redraw the charts and this page from \
         <code>results.json</code> without measuring:</p><pre>harness report {}</pre>",
        escape(&command.join(" ")),
        escape(&shell_quote(&out_dir(&results.command_line)))
    )
}

/// The `--out` of a command line (`DIR` if it has none).
fn out_dir(command_line: &[String]) -> String {
    let mut args = command_line.iter();
    while let Some(arg) = args.next() {
        if arg == "--out" {
            return args.next().cloned().unwrap_or_default();
        }
        if let Some(dir) = arg.strip_prefix("--out=") {
            return dir.to_owned();
        }
    }
    "DIR".to_owned()
}

fn list(values: &[usize]) -> String {
    values
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Quotes `arg` for a POSIX shell unless it needs none.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./,:=@%+-".contains(c));
    if plain {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// `text` with `&`, `<`, `>` and `"` escaped, for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_escaping() {
        assert_eq!(shell_quote("--threads"), "--threads");
        assert_eq!(shell_quote("reports/a b"), "'reports/a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }

    #[test]
    fn the_out_directory_is_found_in_either_spelling() {
        let line = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(out_dir(&line("harness sweep --out reports/x")), "reports/x");
        assert_eq!(out_dir(&line("harness sweep --out=reports/y")), "reports/y");
        assert_eq!(out_dir(&line("harness sweep")), "DIR");
    }
}
