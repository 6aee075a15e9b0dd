//! The A/B gate: two harness binaries, the one compared against (A) and
//! the current one (B), measured interleaved on the same machine in the
//! same run.
//!
//! Each side is a long-lived worker process ([`protocol`](super::protocol)).
//! Round *k* runs one trial of every point on both sides, the points in the
//! rotating order of [`schedule`], and within each pair the side that
//! goes first alternates, so neither side always runs on a cache the other
//! warmed or in the second half of a burst of load. A figure is then the
//! *paired* ratio of the two trials of one round (B's operations per
//! CPU-second over A's), and the verdict is a bootstrap interval of the
//! median ratio ([`bootstrap::paired_interval`](super::bootstrap::paired_interval)).
//! Both sides see the same CPU, memory, kernel and load, so no reference
//! workload and no stored figure has to travel between machines: a baseline
//! recorded on one CPU generation failed unchanged code on another by 40% to
//! 70%, which this design cannot do.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde::{Deserialize, Serialize};

use super::protocol::{Hello, PROTOCOL, Reply, Request, write_line};
use super::suite::{Point, Suite};
use super::trials::{Progress, Work, schedule};
use crate::environment::Environment;

/// The variable that slows a strategy in a `gate-proof` build; never
/// passed to side A, so a proof slows the current side only.
pub const PROOF_SLOWDOWN_VARIABLE: &str = "HARNESS_GATE_PROOF_SLOWDOWN";

/// Every paired trial of one point, in the order they ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairedTrials {
    /// The point measured.
    pub point: Point,
    /// Side A's (the compared-against build's) trials, one per round.
    pub against: Vec<Work>,
    /// Side B's (the current build's) trials, one per round.
    pub current: Vec<Work>,
}

impl PairedTrials {
    /// Each round's B over A, in operations per CPU-second.
    pub fn ratios(&self) -> Vec<f64> {
        self.against
            .iter()
            .zip(&self.current)
            .map(|(a, b)| b.per_cpu_sec() / a.per_cpu_sec())
            .collect()
    }
}

/// A point the side compared against could not run, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    /// The point's id ([`Point::id`]).
    pub id: String,
    /// Why side A could not run it, as it answered.
    pub why: String,
}

/// What a paired run measured.
#[derive(Clone, Debug)]
pub struct Paired {
    /// The points both sides ran, in the suite's order.
    pub figures: Vec<PairedTrials>,
    /// The points side A could not run.
    pub skipped: Vec<Skipped>,
    /// Where side A's worker ran, as it reported it.
    pub against_environment: Environment,
}

/// Why a paired run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PairedError {
    /// The binary is not a harness that speaks this protocol.
    #[error("{0}")]
    Worker(String),
    /// The current side could not run a point of its own suite.
    #[error("{point}: {why}")]
    Current {
        /// The point's id.
        point: String,
        /// What the current side answered.
        why: String,
    },
    /// The current side's worker stopped answering.
    #[error("the current side's worker {0}")]
    CurrentLost(String),
}

/// One side: a worker process of a harness binary.
pub struct Side {
    is_against: bool,
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    /// Where this side's worker runs, as its [`Hello`] reported it.
    pub environment: Environment,
}

impl Side {
    /// Starts `binary gate-worker`; side A (`is_against`) runs without the
    /// proof slowdown variable.
    pub fn start(binary: &Path, is_against: bool) -> Result<Side, PairedError> {
        let mut command = Command::new(binary);
        command
            .arg("gate-worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if is_against {
            command.env_remove(PROOF_SLOWDOWN_VARIABLE);
        }
        let mut child = command.spawn().map_err(|err| {
            PairedError::Worker(format!("cannot start '{}': {err}", binary.display()))
        })?;
        let input = child.stdin.take().expect("stdin is piped");
        let mut output = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let hello = read_hello(&mut output, binary)?;
        Ok(Side {
            is_against,
            child,
            input,
            output,
            environment: hello.environment,
        })
    }

    /// Runs one trial of `point` on this side.
    fn trial(&mut self, request: &Request) -> Result<Reply, PairedError> {
        let is_against = self.is_against;
        let lost = move |what: String| {
            if is_against {
                PairedError::Worker(format!("the compared-against side's worker {what}"))
            } else {
                PairedError::CurrentLost(what)
            }
        };
        write_line(&mut self.input, request)
            .map_err(|err| lost(format!("stopped reading: {err}")))?;
        let mut line = String::new();
        match self.output.read_line(&mut line) {
            Ok(0) => Err(lost("exited mid-run".to_owned())),
            Ok(_) => serde_json::from_str(&line)
                .map_err(|err| lost(format!("answered something else ({err}): {}", line.trim()))),
            Err(err) => Err(lost(format!("could not be read: {err}"))),
        }
    }
}

impl Drop for Side {
    fn drop(&mut self) {
        // Closing its input ends the worker; a worker stuck mid-trial is killed.
        let _ = self.input.flush();
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn read_hello(output: &mut impl BufRead, binary: &Path) -> Result<Hello, PairedError> {
    let mut line = String::new();
    let read = output.read_line(&mut line);
    let not_a_worker = |what: &str| {
        PairedError::Worker(format!(
            "'{}' is not a harness with A/B gate support ({what}; protocol {PROTOCOL} is needed): \
             compare with a revision or binary from the commit that added `harness gate-worker` on",
            binary.display()
        ))
    };
    match read {
        Ok(0) | Err(_) => Err(not_a_worker("its `gate-worker` printed nothing")),
        Ok(_) => {
            let hello: Hello = serde_json::from_str(&line)
                .map_err(|_| not_a_worker("its `gate-worker` answered something else"))?;
            if hello.gate_worker_protocol == PROTOCOL {
                Ok(hello)
            } else {
                Err(not_a_worker(&format!(
                    "it speaks protocol {}",
                    hello.gate_worker_protocol
                )))
            }
        }
    }
}

/// Runs `rounds` paired rounds of `suite` on both sides.
pub fn measure(
    suite: &Suite,
    rounds: usize,
    against: &mut Side,
    current: &mut Side,
    progress: &mut dyn Progress,
) -> Result<Paired, PairedError> {
    let points = &suite.points;
    let mut figures: Vec<PairedTrials> = points
        .iter()
        .map(|point| PairedTrials {
            point: point.clone(),
            against: Vec::with_capacity(rounds),
            current: Vec::with_capacity(rounds),
        })
        .collect();
    let mut skipped: Vec<Option<String>> = vec![None; points.len()];
    let total = rounds * points.len();
    for (done, index) in schedule(points.len(), rounds).enumerate() {
        if skipped[index].is_none() {
            let request = Request {
                point: points[index].clone(),
                timing: suite.timing.clone(),
            };
            let against_first = (done / points.len() + index) % 2 == 0;
            match pair(&request, against, current, against_first)? {
                Ok((a, b)) => {
                    figures[index].against.push(a);
                    figures[index].current.push(b);
                }
                Err(why) => skipped[index] = Some(why),
            }
        }
        progress.trial_done(done + 1, total);
    }
    let (mut kept, mut skipped_list) = (Vec::new(), Vec::new());
    for (figure, why) in figures.into_iter().zip(skipped) {
        match why {
            Some(why) => skipped_list.push(Skipped {
                id: figure.point.id(),
                why,
            }),
            None => kept.push(figure),
        }
    }
    Ok(Paired {
        figures: kept,
        skipped: skipped_list,
        against_environment: against.environment.clone(),
    })
}

/// One trial on each side, in the given order; `Ok(Err(why))` when side A
/// does not know the point.
fn pair(
    request: &Request,
    against: &mut Side,
    current: &mut Side,
    against_first: bool,
) -> Result<Result<(Work, Work), String>, PairedError> {
    let (a, b) = if against_first {
        let a = against.trial(request)?;
        (a, current.trial(request)?)
    } else {
        let b = current.trial(request)?;
        (against.trial(request)?, b)
    };
    let point = request.point.id();
    let b = match b {
        Reply::Trial(work) => work,
        Reply::Unknown(why) | Reply::Failed(why) => {
            return Err(PairedError::Current { point, why });
        }
    };
    match a {
        Reply::Trial(a) => Ok(Ok((a, b))),
        Reply::Unknown(why) => Ok(Err(format!(
            "the side compared against cannot run it: {why}"
        ))),
        Reply::Failed(why) => Err(PairedError::Worker(format!(
            "{point}: the side compared against failed: {why}"
        ))),
    }
}
