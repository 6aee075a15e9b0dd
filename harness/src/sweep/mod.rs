//! `harness sweep`: measure a grid of workloads and keep every trial.
//!
//! Which strategy wins depends on the mix, the thread count, the size and the
//! representation together (an `RwLock` that wins at one thread can lose 6×
//! to `arc-swap` at two with only reads), so a single `harness run` answers
//! one cell of a table; a sweep fills the table.
//!
//! Choices, and why:
//! * **Every trial is kept**, not only medians: medians are computed when
//!   rendering ([`summary`]), so the spread stays inspectable and a file can be
//!   re-rendered later with nothing else.
//! * **Repeats are interleaved**: trial *k* of every point runs before trial
//!   *k + 1* of any ([`grid::schedule`]), so a burst of noise from another
//!   process hits one trial of many points rather than every trial of one
//!   point, and the median per point discards it.
//! * **The file is rewritten as trials finish**, whole or not at all
//!   ([`crate::report::write_atomically`]): an interrupted sweep keeps what it
//!   finished, and `--resume` runs only the trials that are missing. Small
//!   files are saved after every trial; a large one (tens of thousands of
//!   trials, tens of megabytes) only once the measuring since its last save
//!   took 20 times as long as that save, so saving never dominates.

pub mod execute;
pub mod grid;
pub mod results;
pub mod summary;

pub use self::execute::{Observer, Settings, SweepError, check_options, run};
pub use self::grid::{Point, SweepArguments, schedule};
pub use self::results::{RESULTS_FILE, ResultsError, SWEEP_SCHEMA_VERSION, SweepResults, Trial};
pub use self::summary::{Percentiles, PointSummary, Slice, Summary, Winner};
