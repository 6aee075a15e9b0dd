//! Results: the schema every output is made from, and its renderings.
//!
//! Measurement ([`crate::runner`]) is separate from this analysis and
//! rendering, as in criterion: a [`RunReport`] is plain data that can be
//! written as JSON and read back to render again, and so is a sweep's
//! [`crate::sweep::SweepResults`], rendered as SVG charts and a page.

pub mod charts;
mod csv;
mod file;
pub mod html;
mod schema;
mod sweep_dir;
mod table;

pub use self::csv::to_csv;
pub use self::file::{check_destination, remove_temporaries, write_atomically};
pub use self::schema::{RunArguments, RunReport, SCHEMA_VERSION, StrategyResult};
pub use self::sweep_dir::render_sweep;
pub use self::table::{format_count, format_nanos, to_table};
