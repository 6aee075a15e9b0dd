//! The A/B gate's worker protocol: how one harness binary asks another
//! (built from another revision) to run a trial.
//!
//! `harness gate-worker` (hidden) is a long-lived child process. It first
//! writes a [`Hello`] line naming the protocol version and its environment,
//! then answers each [`Request`] line on standard input with one [`Reply`]
//! line on standard output, and exits at the end of its input. Each line is
//! one JSON value. Keeping the worker alive across trials means both sides
//! run warm, in processes of the same age, and a trial costs no process
//! start. Requests carry the point and its timing as data, so an older
//! binary runs exactly the point the newer one defines, or says it cannot
//! (a strategy it does not know), and that point is left out rather than
//! failing the gate.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use super::suite::{Point, Timing};
use super::trials::{Work, run_alone};
use crate::environment::Environment;

/// Bumped when a line's layout changes; both sides must speak the same one.
pub const PROTOCOL: u32 = 1;

/// The worker's first line.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hello {
    /// The protocol the worker speaks, [`PROTOCOL`].
    pub gate_worker_protocol: u32,
    /// Where the worker runs.
    pub environment: Environment,
}

/// One trial to run: a point's strategy alone, for one window.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Request {
    /// The point whose strategy runs.
    pub point: Point,
    /// How the trial is timed.
    pub timing: Timing,
}

/// A trial's answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The run's operations and the worker process's CPU and wall time.
    Trial(Work),
    /// This binary cannot run the point: it does not define it.
    Unknown(String),
    /// The run failed (a strategy panicked, the clock could not be read).
    Failed(String),
}

/// Serves requests from `input` until it ends, answering on `output`.
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    let hello = Hello {
        gate_worker_protocol: PROTOCOL,
        environment: Environment::capture(),
    };
    write_line(&mut output, &hello)?;
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let reply = match serde_json::from_str::<Request>(&line) {
            Ok(request) => answer(&request),
            Err(err) => Reply::Unknown(format!("not a request this worker reads: {err}")),
        };
        write_line(&mut output, &reply)?;
    }
    Ok(())
}

fn answer(request: &Request) -> Reply {
    use super::trials::TrialError;
    match run_alone(&request.point, &request.timing) {
        Ok(work) => Reply::Trial(work),
        Err(err @ TrialError::Definition(_)) => Reply::Unknown(err.to_string()),
        Err(err) => Reply::Failed(err.to_string()),
    }
}

/// Writes `value` as one JSON line and flushes it.
pub fn write_line(output: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    let json = serde_json::to_string(value).expect("protocol lines serialize");
    writeln!(output, "{json}")?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::Suite;

    #[test]
    fn a_worker_greets_then_answers_each_request_in_order() {
        let suite = Suite::smoke();
        let mut unknown = suite.points[0].clone();
        unknown.strategy = "no-such-strategy".to_owned();
        let requests = [&suite.points[0], &unknown]
            .map(|point| {
                serde_json::to_string(&Request {
                    point: point.clone(),
                    timing: suite.timing.clone(),
                })
                .unwrap()
            })
            .join("\n");
        let mut output = Vec::new();
        serve(requests.as_bytes(), &mut output).unwrap();
        let lines: Vec<&str> = std::str::from_utf8(&output).unwrap().lines().collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        let hello: Hello = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(hello.gate_worker_protocol, PROTOCOL);
        match serde_json::from_str(lines[1]).unwrap() {
            Reply::Trial(work) => assert!(work.ops > 0 && work.cpu_s > 0.0, "{work:?}"),
            other => panic!("{other:?}"),
        }
        match serde_json::from_str(lines[2]).unwrap() {
            Reply::Unknown(why) => assert!(why.contains("no-such-strategy"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
