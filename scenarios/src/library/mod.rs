//! `library`: a nested document shared by a library's desk and its cataloguers.
//!
//! The state is a catalog of books by ISBN (`size` = number of books), each
//! with a title, a publication year, its author ids and its items (copies),
//! each on a rack and possibly lent to a member; the authors by id, each with
//! a name and the ISBNs of their books; and the members, each with a name and
//! the items they hold. Reads get one value by [`Path`] (60%), list the items
//! a member holds (20%) or list an author's books (20%). Writes lend (35%) or
//! return (35%) an item, set one field by path (20%), add a member (5%) or add
//! a book with its authors (5%). Books are chosen with the workload's keys;
//! items are chosen at random, so many lends and returns are refused.
//!
//! The document is nested maps all the way down so that, in the persistent
//! representations, a write copies only the path to what it changes (lending
//! copies books → book → items → item and members → member → lent) and shares
//! everything else with the previous version.
//!
//! Invariants:
//! * every book keeps at least one item on the shelf: lending its last free
//!   item is refused;
//! * an item is lent to a member exactly when that member lists it;
//! * a book lists an author exactly when that author lists the book.
//!
//! The first spans several leaves on purpose: a lend reads every item of its
//! book but writes only one item and one member, and there is no per-book
//! counter. Two lends of a book's last two free items, to two members, write
//! disjoint leaves, so a merge that validates only write sets commits both and
//! leaves the book with no free item (write skew): the checkers must catch it.
//! No read shows all of a book's items at once, so a single read cannot
//! show that state ([`Scenario::check_read`] keeps its default); the
//! linearizability search catches it from the outputs that follow.
//!
//! Every write bumps `version`, including a refused one, so the version counts
//! acknowledged writes and a lost update shows as a version that is too small.
//! No output reports it: an output that did would make every write read the
//! global counter, and under [`Validate::Reads`](crate::Validate::Reads) no
//! two writes could ever merge, however far apart in the document.
//!
//! For the three-way merge ([`Mergeable`]) the leaves follow the document:
//! a book's title, year and authors, each item's rack and borrower, an
//! author's name and each of their books, a member's name and each item they
//! hold; a book, author or member added or removed is one leaf, and the
//! version is a commuting delta. Diffs walk the representation's map diffs
//! level by level, so with imbl their cost follows the size of the change.

use std::fmt;
use std::marker::PhantomData;

use crate::merge::Mergeable;
use crate::repr::{EntryDiff, Key, Map, Repr, Std, diff_entries};
use crate::scenario::{Increments, InvariantViolation, Scenario};
use crate::workload::GenContext;

/// The ISBN of the first book of the initial state.
const FIRST_ISBN: u64 = 9_780_000_000_000;
/// Books added by generated writes get ISBNs from here on.
const FIRST_NEW_ISBN: u64 = 9_790_000_000_000;
/// How many ISBNs generated books draw from.
const NEW_ISBNS: u64 = 10_000_000_000;
/// Authors and members added by generated writes get ids from here on.
const FIRST_NEW_ID: u32 = 1 << 31;
/// A book has between 1 and this many items.
pub const MAX_ITEMS: u32 = 64;
/// Racks are numbered below this.
const RACKS: u32 = 1_000;

/// The `library` scenario, with its state in representation `R`.
#[derive(Clone, Copy, Debug)]
pub struct LibraryScenario<R = Std> {
    repr: PhantomData<R>,
}

impl<R> Default for LibraryScenario<R> {
    fn default() -> Self {
        Self { repr: PhantomData }
    }
}

impl LibraryScenario<Std> {
    /// The scenario with std collections.
    pub fn new() -> Self {
        Self::default()
    }
}

mod generate;
mod invariants;
mod merge;
mod operations;
mod scenario;
#[cfg(test)]
mod tests;
mod types;

pub use merge::{LibraryChange, LibraryLeaf};
pub use types::*;

use generate::*;
use invariants::*;
use operations::*;
