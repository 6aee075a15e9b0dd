//! Results: the schema every output is made from, and its renderings.
//!
//! Measurement ([`crate::runner`]) is separate from this analysis and
//! rendering, as in criterion: a [`RunReport`] is plain data that can be
//! written as JSON and read back to render again.

mod csv;
mod file;
mod schema;
mod table;

pub use self::csv::to_csv;
pub use self::file::write_atomically;
pub use self::schema::{RunArguments, RunReport, SCHEMA_VERSION, StrategyResult};
pub use self::table::{format_nanos, to_table};
