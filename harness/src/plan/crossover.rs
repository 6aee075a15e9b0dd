//! The leader of each cell of a sweep, and where along one axis it changes.
//!
//! A sweep measures discrete values (read ratios 0, 0.5, 0.9…), so a
//! crossover is known only to lie between two measured values; it is
//! reported that way ("mutex up to 0.5, arc-swap from 0.9"), never
//! interpolated. A leader that is within noise of its runner-up is marked,
//! since the crossover next to it may move with another sweep.

use super::NOISE;
use super::rank::lead;
use crate::sweep::PointSummary;

/// The fastest of one cell's candidates, and how clear its lead is.
#[derive(Clone, Debug, PartialEq)]
pub struct Lead {
    /// The strategy, with its representation when several are compared.
    pub label: String,
    /// Median over the point's successful trials.
    pub ops_per_sec: f64,
    /// The next fastest, with its median ops/s; `None` when it was the only one
    /// with a successful trial.
    pub runner_up: Option<(String, f64)>,
    /// How much faster than the runner-up, as a fraction.
    pub margin: Option<f64>,
    /// Successful trials behind the leader's and the runner-up's medians
    /// (the fewer of the two).
    pub trials: usize,
    /// Whether the leader's slowest trial beat the runner-up's fastest.
    pub trials_apart: bool,
}

impl Lead {
    /// The fastest of `candidates` (a label and a point each); `None` when
    /// none has a successful trial.
    pub fn among<'a>(
        candidates: impl IntoIterator<Item = (String, &'a PointSummary)>,
    ) -> Option<Self> {
        let mut measured: Vec<(String, &PointSummary)> = candidates
            .into_iter()
            .filter(|(_, point)| point.trials > 0)
            .collect();
        measured.sort_by(|(_, a), (_, b)| b.ops_per_sec.total_cmp(&a.ops_per_sec));
        let mut ranked = measured.into_iter();
        let (label, best) = ranked.next()?;
        let second = ranked.next();
        Some(Self {
            label,
            ops_per_sec: best.ops_per_sec,
            margin: second
                .as_ref()
                .and_then(|(_, s)| lead(best.ops_per_sec, s.ops_per_sec)),
            trials: second
                .as_ref()
                .map_or(best.trials, |(_, s)| best.trials.min(s.trials)),
            trials_apart: second
                .as_ref()
                .is_none_or(|(_, s)| best.ops_per_sec_range.0 > s.ops_per_sec_range.1),
            runner_up: second.map(|(label, s)| (label, s.ops_per_sec)),
        })
    }

    /// Whether another sweep might name another leader: a lead under
    /// [`NOISE`], or trials that overlap.
    pub fn within_noise(&self) -> bool {
        let overlap = self.trials > 1 && !self.trials_apart;
        overlap || self.margin.is_some_and(|m| m < NOISE)
    }
}

/// One measured value of an axis, and who led there (`None`: no strategy
/// has a successful trial there).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The value, as text (e.g. `0.9`, `64`).
    pub at: String,
    /// The fastest strategy there.
    pub lead: Option<Lead>,
}

/// Adjacent measured values with the same leader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// `None` where nothing succeeded.
    pub label: Option<String>,
    /// The first value it spans.
    pub from: String,
    /// The last value it spans.
    pub to: String,
    /// How many measured values it spans.
    pub values: usize,
    /// The values in it whose lead was within noise.
    pub close_at: Vec<String>,
}

/// `steps` (in axis order) grouped into runs of the same leader: one
/// segment means the choice never changes along the axis; each boundary
/// between two segments is a crossover.
pub fn segments(steps: &[Step]) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    for step in steps {
        let label = step.lead.as_ref().map(|l| l.label.clone());
        let close = step.lead.as_ref().is_some_and(Lead::within_noise);
        match segments.last_mut() {
            Some(last) if last.label == label => {
                last.to.clone_from(&step.at);
                last.values += 1;
            }
            _ => segments.push(Segment {
                label,
                from: step.at.clone(),
                to: step.at.clone(),
                values: 1,
                close_at: Vec::new(),
            }),
        }
        if close {
            let last = segments.last_mut().expect("just pushed or extended");
            last.close_at.push(step.at.clone());
        }
    }
    segments
}

/// "mutex up to 0.5, arc-swap from 0.9", or "arc-swap throughout (0–1)".
pub fn describe(segments: &[Segment]) -> String {
    let name = |s: &Segment| {
        s.label
            .clone()
            .unwrap_or_else(|| "no strategy succeeded".into())
    };
    let noise = |s: &Segment| match s.close_at.as_slice() {
        [] => String::new(),
        at if at.len() == s.values => " (within noise)".to_owned(),
        at => format!(" (within noise at {})", at.join(", ")),
    };
    match segments {
        [] => "nothing measured".to_owned(),
        [only] if only.from == only.to => format!(
            "{} (only {} measured){}",
            name(only),
            only.from,
            noise(only)
        ),
        [only] => format!(
            "{} throughout ({}–{}){}",
            name(only),
            only.from,
            only.to,
            noise(only)
        ),
        [first, middle @ .., last] => {
            let mut parts = vec![format!(
                "{} up to {}{}",
                name(first),
                first.to,
                noise(first)
            )];
            parts.extend(middle.iter().map(|s| {
                let span = if s.from == s.to {
                    format!("at {}", s.from)
                } else {
                    format!("from {} to {}", s.from, s.to)
                };
                format!("{} {span}{}", name(s), noise(s))
            }));
            parts.push(format!("{} from {}{}", name(last), last.from, noise(last)));
            parts.join(", ")
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sweep::{Point, PointSummary};

    /// A point of `strategy` whose trials ranged over `range` ops/s.
    pub(crate) fn point(strategy: &str, range: (f64, f64), trials: usize) -> PointSummary {
        PointSummary {
            point: Point {
                scenario: "routing".into(),
                repr: "std".into(),
                size: 64,
                threads: 2,
                read_ratio: 0.9,
                strategy: strategy.into(),
            },
            trials,
            failed: 0,
            ops_per_sec: (range.0 + range.1) / 2.0,
            ops_per_sec_range: range,
            writes: 0.0,
            read: None,
            write: None,
            counters_per_kilowrite: Default::default(),
        }
    }

    fn step(at: &str, lead: &str, margin: f64) -> Step {
        Step {
            at: at.into(),
            lead: Some(Lead {
                label: lead.into(),
                ops_per_sec: 1.0,
                runner_up: None,
                margin: Some(margin),
                trials: 3,
                trials_apart: true,
            }),
        }
    }

    #[test]
    fn the_leader_is_the_fastest_median_and_overlap_is_noise() {
        let (a, b, c) = (
            point("mutex", (10.0, 12.0), 3),
            point("arc-swap", (13.0, 17.0), 3),
            point("actor", (0.0, 0.0), 0),
        );
        let lead = Lead::among([
            ("mutex".into(), &a),
            ("arc-swap".into(), &b),
            ("actor".into(), &c),
        ])
        .unwrap();
        assert_eq!(lead.label, "arc-swap");
        assert_eq!(lead.runner_up, Some(("mutex".to_owned(), 11.0)));
        assert!((lead.margin.unwrap() - 15.0 / 11.0 + 1.0).abs() < 1e-9);
        assert!(lead.trials_apart && !lead.within_noise());

        let overlapping = point("rwlock", (11.0, 13.5), 3);
        let close = Lead::among([("mutex".into(), &a), ("rwlock".into(), &overlapping)]).unwrap();
        assert_eq!(close.label, "rwlock");
        assert!(!close.trials_apart && close.within_noise());
        assert_eq!(Lead::among([("actor".into(), &c)]), None);
    }

    #[test]
    fn one_trial_each_cannot_overlap_but_a_small_lead_is_still_noise() {
        let (a, b) = (
            point("mutex", (10.0, 10.0), 1),
            point("rwlock", (10.5, 10.5), 1),
        );
        let lead = Lead::among([("mutex".into(), &a), ("rwlock".into(), &b)]).unwrap();
        assert!(lead.within_noise(), "a 5% lead");
        let c = point("arc-swap", (20.0, 20.0), 1);
        let clear = Lead::among([("mutex".into(), &a), ("arc-swap".into(), &c)]).unwrap();
        assert!(!clear.within_noise());
    }

    #[test]
    fn crossovers_are_where_the_leader_changes() {
        let steps = [
            step("0", "mutex", 0.5),
            step("0.5", "mutex", 0.05),
            step("0.9", "arc-swap", 0.3),
            step("1", "arc-swap", 2.0),
        ];
        let found = segments(&steps);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].from.as_str(), found[0].to.as_str()), ("0", "0.5"));
        assert_eq!(found[0].close_at, ["0.5"]);
        assert_eq!(found[0].values, 2);
        assert_eq!(
            describe(&found),
            "mutex up to 0.5 (within noise at 0.5), arc-swap from 0.9"
        );
        let mut all_close = steps.clone();
        all_close[0] = step("0", "mutex", 0.01);
        assert_eq!(
            describe(&segments(&all_close)),
            "mutex up to 0.5 (within noise), arc-swap from 0.9"
        );
    }

    #[test]
    fn a_middle_segment_and_an_unchanging_axis_read_naturally() {
        let three = [
            step("1", "rwlock", 0.5),
            step("2", "arc-swap", 0.5),
            step("4", "arc-swap", 0.5),
            step("8", "mutex", 0.5),
        ];
        assert_eq!(
            describe(&segments(&three)),
            "rwlock up to 1, arc-swap from 2 to 4, mutex from 8"
        );
        let same = [step("64", "arc-swap", 0.5), step("1000", "arc-swap", 0.5)];
        assert_eq!(describe(&segments(&same)), "arc-swap throughout (64–1000)");
        assert_eq!(
            describe(&segments(&same[..1])),
            "arc-swap (only 64 measured)"
        );
        let failed = [
            Step {
                at: "1".into(),
                lead: None,
            },
            step("2", "mutex", 0.5),
        ];
        assert_eq!(
            describe(&segments(&failed)),
            "no strategy succeeded up to 1, mutex from 2"
        );
    }
}
