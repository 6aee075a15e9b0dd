//! The `harness` binary: a thin shell over the library's command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    silence_worker_panics();
    harness::cli::main(std::env::args_os())
}

/// A panicking worker is reported once, as its strategy's failure; the
/// default hook would also print a trace in the middle of the results.
fn silence_worker_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let is_worker = std::thread::current()
            .name()
            .is_some_and(|name| name.starts_with("worker-"));
        if !is_worker {
            default_hook(info);
        }
    }));
}
