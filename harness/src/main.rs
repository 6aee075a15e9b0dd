//! The `harness` binary: a thin shell over the library's command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    silence_worker_panics();
    clean_up_on_interrupt();
    harness::cli::main(std::env::args_os())
}

/// An interrupt (Ctrl-C, SIGTERM) removes the temporary file of a result
/// being written, so none is left beside it, and exits with 130.
fn clean_up_on_interrupt() {
    let installed = ctrlc::set_handler(|| {
        harness::report::remove_temporaries();
        std::process::exit(130);
    });
    if let Err(err) = installed {
        eprintln!(
            "warning: no interrupt handler, an interrupted write may leave a .tmp file: {err}"
        );
    }
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
