//! The grid a sweep covers (its arguments), its points, and the order in
//! which their trials run.

use serde::{Deserialize, Serialize};

use crate::runner::Sampling;

/// Read ratios closer than this are the same ratio (JSON may round the last bit).
const RATIO_TOLERANCE: f64 = 1e-9;

/// The effective arguments of a sweep, defaults filled in: the grid's axes
/// and what every point shares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepArguments {
    /// Scenarios, by name.
    pub scenarios: Vec<String>,
    /// Strategies, by registry name.
    pub strategies: Vec<String>,
    /// State representations, by `--repr` name.
    pub reprs: Vec<String>,
    /// Sizes of the state, in each scenario's unit.
    pub sizes: Vec<usize>,
    /// Worker thread counts.
    pub threads: Vec<usize>,
    /// Shares of operations that read, each 0 to 1.
    pub read_ratios: Vec<f64>,
    /// Trials per point; each point's numbers are the medians over them.
    pub repeat: usize,
    /// Measured time of every trial, in seconds.
    pub duration_s: f64,
    /// Warm-up before every trial, in seconds.
    pub warmup_s: f64,
    /// The scenarios' `--variant`; `None` for their default.
    pub variant: Option<String>,
    /// The pause inside every write, in seconds; 0 for none.
    pub write_delay_s: f64,
    /// The key distribution, as `--dist` spells it.
    pub dist: String,
    /// Seed of the operation generator, the same for every trial.
    pub seed: u64,
    /// staging: writes between two published snapshots.
    pub publish_every: usize,
    /// cas-merge: `retry` or `abort`.
    pub on_conflict: String,
    /// cas-merge: `writes` or `reads`.
    pub validate: String,
    /// Which operations' latency is timed.
    pub latency_sampling: Sampling,
}

/// One cell of the grid: one strategy on one workload.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Point {
    /// The scenario's name.
    pub scenario: String,
    /// The state's representation.
    pub repr: String,
    /// Size of the state, in the scenario's unit.
    pub size: usize,
    /// Worker threads.
    pub threads: usize,
    /// Share of operations that read; equal within a tolerance of 1e-9.
    pub read_ratio: f64,
    /// The strategy's registry name.
    pub strategy: String,
}

impl PartialEq for Point {
    fn eq(&self, other: &Self) -> bool {
        self.scenario == other.scenario
            && self.repr == other.repr
            && self.size == other.size
            && self.threads == other.threads
            && same_ratio(self.read_ratio, other.read_ratio)
            && self.strategy == other.strategy
    }
}

impl Point {
    /// Text equal for equal points, for maps (ratios rounded to the tolerance).
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{:.6}|{}",
            self.scenario, self.repr, self.size, self.threads, self.read_ratio, self.strategy
        )
    }
}

/// Whether two read ratios are the same ratio, within a tolerance of 1e-9.
pub fn same_ratio(a: f64, b: f64) -> bool {
    (a - b).abs() < RATIO_TOLERANCE
}

impl SweepArguments {
    /// Every point, scenario by scenario, then representation, size, threads,
    /// read ratio, and strategy innermost.
    pub fn points(&self) -> Vec<Point> {
        let mut points = Vec::new();
        for scenario in &self.scenarios {
            for repr in &self.reprs {
                for &size in &self.sizes {
                    for &threads in &self.threads {
                        for &read_ratio in &self.read_ratios {
                            for strategy in &self.strategies {
                                points.push(Point {
                                    scenario: scenario.clone(),
                                    repr: repr.clone(),
                                    size,
                                    threads,
                                    read_ratio,
                                    strategy: strategy.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
        points
    }

    /// Why trials measured with `earlier` cannot be mixed with trials
    /// measured with `self`: the first argument that differs, or `None`.
    pub fn incompatibility(&self, earlier: &SweepArguments) -> Option<String> {
        let (now, then) = (self.fields(), earlier.fields());
        now.into_iter()
            .zip(then)
            .find(|((_, a), (_, b))| a != b)
            .map(|((name, a), (_, b))| format!("{name} was {b}, now {a}"))
    }

    /// Each argument by name, as comparable text (ratios rounded to the tolerance).
    fn fields(&self) -> Vec<(&'static str, String)> {
        let ratios: Vec<String> = self.read_ratios.iter().map(|r| format!("{r:.6}")).collect();
        vec![
            ("scenarios", self.scenarios.join(",")),
            ("strategies", self.strategies.join(",")),
            ("reprs", self.reprs.join(",")),
            ("sizes", join(&self.sizes)),
            ("threads", join(&self.threads)),
            ("read-ratios", ratios.join(",")),
            ("repeat", self.repeat.to_string()),
            ("duration", format!("{}s", self.duration_s)),
            ("warmup", format!("{}s", self.warmup_s)),
            ("variant", format!("{:?}", self.variant)),
            ("write-delay", format!("{}s", self.write_delay_s)),
            ("dist", self.dist.clone()),
            ("seed", self.seed.to_string()),
            ("publish-every", self.publish_every.to_string()),
            ("on-conflict", self.on_conflict.clone()),
            ("validate", self.validate.clone()),
            ("latency sampling", self.latency_sampling.to_string()),
        ]
    }
}

fn join(values: &[usize]) -> String {
    values
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The trials still to run, as (point, trial index): round *k* holds trial
/// *k* of every point that lacks it, so repeats of a point are spread over
/// the whole sweep. `done(point)` says how many trials a point already has.
pub fn schedule(
    points: &[Point],
    repeat: usize,
    done: impl Fn(&Point) -> usize,
) -> Vec<(Point, usize)> {
    let have: Vec<usize> = points.iter().map(&done).collect();
    let mut trials = Vec::new();
    for round in 0..repeat {
        for (point, &have) in points.iter().zip(&have) {
            if round >= have {
                trials.push((point.clone(), round));
            }
        }
    }
    trials
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn arguments() -> SweepArguments {
        SweepArguments {
            scenarios: vec!["config".into()],
            strategies: vec!["mutex".into(), "arc-swap".into()],
            reprs: vec!["std".into()],
            sizes: vec![64],
            threads: vec![1, 2],
            read_ratios: vec![0.5, 0.9],
            repeat: 2,
            duration_s: 0.01,
            warmup_s: 0.0,
            variant: None,
            write_delay_s: 0.0,
            dist: "uniform".into(),
            seed: 1,
            publish_every: 1,
            on_conflict: "retry".into(),
            validate: "reads".into(),
            latency_sampling: Sampling::Adaptive,
        }
    }

    #[test]
    fn the_grid_is_the_product_of_its_axes_strategy_innermost() {
        let points = arguments().points();
        assert_eq!(points.len(), 8);
        assert_eq!(points[0].strategy, "mutex");
        assert_eq!(points[1].strategy, "arc-swap");
        assert_eq!(points[2].read_ratio, 0.9);
        assert_eq!(points[4].threads, 2);
    }

    #[test]
    fn repeats_are_interleaved_and_finished_trials_skipped() {
        let points = arguments().points();
        let first = points[0].clone();
        let trials = schedule(&points, 2, |p| usize::from(*p == first) * 2);
        assert_eq!(trials.len(), 14);
        assert!(trials.iter().all(|(p, _)| *p != first));
        assert_eq!(trials[0], (points[1].clone(), 0));
        assert_eq!(trials[7], (points[1].clone(), 1));
    }

    #[test]
    fn incompatibility_names_the_first_differing_argument() {
        let a = arguments();
        assert_eq!(a.incompatibility(&a.clone()), None);
        let mut b = a.clone();
        b.threads = vec![1, 4];
        assert_eq!(
            a.incompatibility(&b).as_deref(),
            Some("threads was 1,4, now 1,2")
        );
        let mut c = a.clone();
        c.read_ratios[1] = 0.9 + 1e-12;
        assert_eq!(a.incompatibility(&c), None);
    }
}
