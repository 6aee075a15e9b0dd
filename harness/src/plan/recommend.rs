//! The paragraph under a run's ranking: which strategy to use for this
//! workload and why, in the run's own figures.
//!
//! It says only what the run measured: the winner's throughput and its lead
//! over the runner-up, whether its reads wait for a slow write, the read
//! and write tails it was measured with (a write's tail includes what
//! publishing a new version costs). A lead under [`NOISE`] is not called a
//! win. When the winner's readers wait, the fastest strategy whose readers
//! never wait is named with what choosing it costs, since a slow update
//! (a reload, a large copy) then stalls every reader. Failed strategies
//! are named and never recommended. A winner that promises less than
//! linearizability (`actor-post`, `staging --publish-every` above 1) says
//! so: its throughput counts writes that return before readers can see them.

use super::probe::BlockingClass;
use super::rank::{Ranked, lead};
use super::{Blocking, NOISE};
use crate::report::{format_count, format_nanos};
use crate::strategy::StrategyOptions;

/// The recommendation for `ranking` (fastest first, failed last), measured
/// on `workload` (a phrase such as "routing at 64 threads, read ratio 0.9")
/// with the strategies' `options`.
pub fn recommend(workload: &str, ranking: &[Ranked], options: &StrategyOptions) -> String {
    let ok: Vec<&Ranked> = ranking.iter().filter(|r| !r.failed()).collect();
    let mut sentences = match ok.as_slice() {
        [] => vec![format!(
            "No strategy completed on {workload}, so none is recommended."
        )],
        [only] => vec![
            format!(
                "Only {} completed on {workload} ({} ops/s), so there is nothing to compare it with: measure more strategies (--strategy all).",
                only.strategy,
                format_count(only.ops_per_sec)
            ),
            costs(only),
        ],
        [best, second, ..] => {
            let mut sentences = vec![verdict(workload, best, second)];
            sentences.extend(weaker_contract(best, options));
            sentences.push(costs(best));
            sentences.extend(never_waiting_alternative(best, &ok, options));
            sentences
        }
    };
    sentences.extend(failures(ranking));
    sentences.join(" ")
}

/// The winner and its lead, or that the lead is within noise.
fn verdict(workload: &str, best: &Ranked, second: &Ranked) -> String {
    let runner_up = format!("{} ops/s", format_count(second.ops_per_sec));
    match lead(best.ops_per_sec, second.ops_per_sec) {
        Some(margin) if margin < NOISE => format!(
            "On {workload}, {} ({} ops/s) is within noise of {} ({runner_up}): a lead of {} is under the {} one run can tell apart, so repeat the run or sweep (harness sweep) before choosing between them.",
            best.strategy,
            format_count(best.ops_per_sec),
            second.strategy,
            percent(margin),
            percent(NOISE)
        ),
        Some(margin) => format!(
            "On {workload}, use {}: {}, {} more than the runner-up {} ({runner_up}).",
            best.strategy,
            throughput(best),
            percent(margin),
            second.strategy
        ),
        None => format!(
            "On {workload}, use {}: {}; the runner-up {} completed no operation.",
            best.strategy,
            throughput(best),
            second.strategy
        ),
    }
}

/// That `best` promises less than linearizability, if it does.
fn weaker_contract(best: &Ranked, options: &StrategyOptions) -> Option<String> {
    let promise = super::weaker_promise(&best.strategy, options)?;
    Some(format!(
        "It {}; choose it only where reads may lag.",
        super::lag_caveat(promise)
    ))
}

/// What the strategy's readers and writers pay.
fn costs(ranked: &Ranked) -> String {
    let reads = match ranked.read {
        Some(tail) => format!(
            "read p99 {}, p99.9 {}",
            format_nanos(tail.p99_ns),
            format_nanos(tail.p999_ns)
        ),
        None => "no reads in this mix".to_owned(),
    };
    let writes = match ranked.write {
        Some(tail) => format!(
            "write (publishing included) p99 {}, p99.9 {}",
            format_nanos(tail.p99_ns),
            format_nanos(tail.p999_ns)
        ),
        None => "no writes in this mix".to_owned(),
    };
    format!(
        "Its reads {}; {reads}; {writes}.",
        waiting(&ranked.blocking)
    )
}

/// The blocking class as the end of "Its reads …".
fn waiting(blocking: &Blocking) -> String {
    let during = || match (blocking.worst_read_ns, blocking.probe_delay_ns) {
        (Some(worst), Some(delay)) => format!(
            " (worst read {} during a {} write)",
            format_nanos(worst),
            format_nanos(delay)
        ),
        _ => String::new(),
    };
    match blocking.class {
        BlockingClass::NeverWait => format!("never wait for a slow write{}", during()),
        BlockingClass::Wait => format!("wait for a slow write{}", during()),
        BlockingClass::Unclear => format!("could not be classified by the read probe{}", during()),
        BlockingClass::NotProbed => "were not probed for waiting".to_owned(),
        BlockingClass::ProbeFailed => format!(
            "could not be probed for waiting ({})",
            blocking.error.as_deref().unwrap_or("no reason given")
        ),
    }
}

/// When the winner's reads wait, the fastest whose reads never do.
fn never_waiting_alternative(
    best: &Ranked,
    ok: &[&Ranked],
    options: &StrategyOptions,
) -> Option<String> {
    if best.blocking.class != BlockingClass::Wait {
        return None;
    }
    let alternative = ok
        .iter()
        .find(|r| r.blocking.class == BlockingClass::NeverWait)?;
    let tail = |tail: Option<super::Tail>| tail.map_or("-".to_owned(), |t| format_nanos(t.p999_ns));
    let sentence = format!(
        "If reads must not wait for a slow write, the fastest whose reads never wait is {}: {}, {} less, read p99.9 {}, write p99.9 {}.",
        alternative.strategy,
        throughput(alternative),
        percent(1.0 - alternative.ops_per_sec / best.ops_per_sec),
        tail(alternative.read),
        tail(alternative.write)
    );
    Some(match weaker_contract(alternative, options) {
        Some(contract) => format!("{sentence} {contract}"),
        None => sentence,
    })
}

fn failures(ranking: &[Ranked]) -> Option<String> {
    let failed: Vec<String> = ranking
        .iter()
        .filter_map(|r| Some(format!("{} ({})", r.strategy, r.error.as_deref()?)))
        .collect();
    (!failed.is_empty()).then(|| format!("Failed, so not recommended: {}.", failed.join("; ")))
}

/// `12.30M ops/s (192.2k per thread)`.
fn throughput(ranked: &Ranked) -> String {
    format!(
        "{} ops/s ({} per thread)",
        format_count(ranked.ops_per_sec),
        format_count(ranked.ops_per_sec_per_thread)
    )
}

/// `0.234` → `23%`, `0.046` → `4.6%`: whole percents where a tenth would be noise.
pub fn percent(fraction: f64) -> String {
    let pct = fraction * 100.0;
    if pct.abs() >= 9.95 {
        format!("{pct:.0}%")
    } else {
        format!("{pct:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::plan::rank::rank;
    use crate::plan::rank::tests::{failure, result};
    use crate::report::StrategyResult;

    const WORKLOAD: &str = "routing at 64 threads, read ratio 0.9";

    fn class(class: BlockingClass, worst_ms: u64) -> Blocking {
        let ms = Duration::from_millis;
        Blocking::measured(class, Some(ms(worst_ms)), ms(200))
    }

    fn paragraph(results: &[StrategyResult], blocking: &[(&str, Blocking)]) -> String {
        let blocking: BTreeMap<String, Blocking> = blocking
            .iter()
            .map(|(name, b)| ((*name).to_owned(), b.clone()))
            .collect();
        recommend(
            WORKLOAD,
            &rank(&results.iter().collect::<Vec<_>>(), &blocking),
            &StrategyOptions::default(),
        )
    }

    #[test]
    fn a_winner_that_promises_less_than_linearizability_says_so() {
        let results = [result("rwlock", 20e6, 500), result("actor-post", 30e6, 300)];
        let text = paragraph(&results, &[]);
        assert!(text.contains("use actor-post"), "{text}");
        assert!(
            text.contains("It promises only prefix consistency"),
            "{text}"
        );
        let text = paragraph(
            &[result("rwlock", 20e6, 500), result("arc-swap", 30e6, 300)],
            &[],
        );
        assert!(!text.contains("promises only"), "{text}");
        let staging = [result("rwlock", 20e6, 500), result("staging", 30e6, 300)];
        let ranking = rank(&staging.iter().collect::<Vec<_>>(), &BTreeMap::new());
        let batched = StrategyOptions {
            publish_every: 8,
            ..StrategyOptions::default()
        };
        assert!(recommend(WORKLOAD, &ranking, &batched).contains("promises only prefix"));
        assert!(
            !recommend(WORKLOAD, &ranking, &StrategyOptions::default()).contains("promises only")
        );
    }

    #[test]
    fn a_clear_winner_is_named_with_its_margin_and_costs() {
        let text = paragraph(
            &[result("rwlock", 20e6, 500), result("arc-swap", 30e6, 300)],
            &[("arc-swap", class(BlockingClass::NeverWait, 0))],
        );
        assert!(
            text.starts_with(
                "On routing at 64 threads, read ratio 0.9, use arc-swap: 30.00M ops/s (15.00M per thread), 50% more than the runner-up rwlock (20.00M ops/s)."
            ),
            "{text}"
        );
        assert!(
            text.contains("Its reads never wait for a slow write (worst read 0ns during a 200.0ms write); read p99 150ns, p99.9 300ns; write (publishing included) p99 1.5µs, p99.9 3.0µs."),
            "{text}"
        );
        assert!(!text.contains("If reads must not wait"), "{text}");
    }

    #[test]
    fn a_lead_under_the_noise_is_not_called_a_win() {
        let text = paragraph(
            &[result("rwlock", 20e6, 500), result("pl-rwlock", 21e6, 300)],
            &[],
        );
        assert!(
            text.contains("pl-rwlock (21.00M ops/s) is within noise of rwlock (20.00M ops/s)"),
            "{text}"
        );
        assert!(text.contains("a lead of 5.0% is under the 10%"), "{text}");
        assert!(text.contains("repeat the run or sweep"), "{text}");
        assert!(!text.contains("use pl-rwlock"), "{text}");
        assert!(
            text.contains("Its reads were not probed for waiting"),
            "{text}"
        );
    }

    #[test]
    fn waiting_readers_bring_the_fastest_non_waiting_alternative() {
        let text = paragraph(
            &[
                result("pl-rwlock", 40e6, 200),
                result("mutex", 35e6, 900),
                result("arc-swap", 30e6, 300),
            ],
            &[
                ("pl-rwlock", class(BlockingClass::Wait, 199)),
                ("mutex", class(BlockingClass::Wait, 199)),
                ("arc-swap", class(BlockingClass::NeverWait, 1)),
            ],
        );
        assert!(
            text.contains(
                "Its reads wait for a slow write (worst read 199.0ms during a 200.0ms write)"
            ),
            "{text}"
        );
        assert!(
            text.contains("the fastest whose reads never wait is arc-swap: 30.00M ops/s (15.00M per thread), 25% less, read p99.9 300ns, write p99.9 3.0µs."),
            "{text}"
        );
    }

    #[test]
    fn failed_strategies_are_named_and_never_recommended() {
        let text = paragraph(
            &[
                failure("actor"),
                result("mutex", 10e6, 900),
                result("rwlock", 5e6, 900),
            ],
            &[],
        );
        assert!(text.contains("use mutex"), "{text}");
        assert!(
            text.ends_with("Failed, so not recommended: actor (worker-0 panicked: boom)."),
            "{text}"
        );
        let none = paragraph(&[failure("actor")], &[]);
        assert!(
            none.starts_with("No strategy completed on routing"),
            "{none}"
        );
        assert!(!none.contains("use "), "{none}");
    }

    #[test]
    fn a_lone_strategy_has_nothing_to_beat() {
        let text = paragraph(&[result("mutex", 10e6, 900)], &[]);
        assert!(text.starts_with("Only mutex completed"), "{text}");
        assert!(text.contains("--strategy all"), "{text}");
    }

    #[test]
    fn percents_keep_a_tenth_only_when_small() {
        assert_eq!(percent(0.234), "23%");
        assert_eq!(percent(0.046), "4.6%");
        assert_eq!(percent(0.1), "10%");
    }

    #[test]
    fn a_never_waiting_alternative_that_promises_less_says_so() {
        let text = paragraph(
            &[result("rwlock", 30e6, 500), result("actor-post", 20e6, 300)],
            &[
                ("rwlock", class(BlockingClass::Wait, 200)),
                ("actor-post", class(BlockingClass::NeverWait, 0)),
            ],
        );
        assert!(
            text.contains("the fastest whose reads never wait is actor-post"),
            "{text}"
        );
        assert!(
            text.contains("It promises only prefix consistency"),
            "{text}"
        );
    }
}
