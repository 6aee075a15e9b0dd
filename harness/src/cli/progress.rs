//! How a sweep shows progress: a bar on a terminal, one plain line per
//! trial otherwise (so logs of CI or `nohup` stay readable).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::report::format_count;
use crate::sweep::{Observer, Point, Trial};

/// A bar when stderr is a terminal, plain lines when it is not.
pub fn for_stderr() -> Box<dyn Observer> {
    if std::io::stderr().is_terminal() {
        Box::new(Bar(None))
    } else {
        Box::new(Lines { total: 0, done: 0 })
    }
}

fn describe(point: &Point) -> String {
    format!(
        "{} {} size {} · {} threads · read {} · {}",
        point.scenario, point.repr, point.size, point.threads, point.read_ratio, point.strategy
    )
}

fn outcome(trial: &Trial) -> String {
    match &trial.result.error {
        Some(error) => format!("FAILED: {error}"),
        None => format!("{} ops/s", format_count(trial.result.ops_per_sec)),
    }
}

struct Bar(Option<ProgressBar>);

impl Observer for Bar {
    fn begin(&mut self, total: usize) {
        let bar = ProgressBar::new(total as u64);
        let style = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} trials, {eta} left · {msg}",
        )
        .expect("a valid template")
        .progress_chars("=> ");
        bar.set_style(style);
        self.0 = Some(bar);
    }

    fn starting(&mut self, point: &Point, trial: usize) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!("{} #{}", describe(point), trial + 1));
        }
    }

    fn finished(&mut self, trial: &Trial) {
        if let Some(bar) = &self.0 {
            if trial.result.failed() {
                bar.println(format!(
                    "{} #{}: {}",
                    describe(&trial.point),
                    trial.trial + 1,
                    outcome(trial)
                ));
            }
            bar.inc(1);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

struct Lines {
    total: usize,
    done: usize,
}

impl Observer for Lines {
    fn begin(&mut self, total: usize) {
        self.total = total;
        eprintln!("{total} trials to run");
    }

    fn starting(&mut self, _: &Point, _: usize) {}

    fn finished(&mut self, trial: &Trial) {
        self.done += 1;
        eprintln!(
            "[{}/{}] {} #{}: {}",
            self.done,
            self.total,
            describe(&trial.point),
            trial.trial + 1,
            outcome(trial)
        );
    }
}
