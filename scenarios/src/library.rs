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
use std::time::Duration;

use crate::merge::Mergeable;
use crate::model::{Increments, InvariantViolation, Scenario, pause};
use crate::repr::{EntryDiff, Key, Map, Repr, Std, diff_entries};
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
#[derive(Clone, Copy, Debug, Default)]
pub struct LibraryScenario<R = Std> {
    write_delay: Duration,
    repr: PhantomData<R>,
}

impl LibraryScenario<Std> {
    /// The scenario with std collections and no write delay.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<R: Repr> LibraryScenario<R> {
    /// Every write pauses for `write_delay` before returning.
    pub fn with_write_delay(write_delay: Duration) -> Self {
        Self {
            write_delay,
            repr: PhantomData,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Isbn(pub u64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AuthorId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(pub u32);

/// An item's number within its book.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(pub u32);

macro_rules! display {
    ($type:ty, $prefix:literal) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, " {}"), self.0)
            }
        }
    };
}

display!(Isbn, "ISBN");
display!(AuthorId, "author");
display!(MemberId, "member");
display!(ItemId, "item");

/// The shared library.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Library<R: Repr = Std> {
    /// Number of writes applied since the initial state, refused ones included.
    pub version: u64,
    pub books: R::Map<Isbn, Book<R>>,
    pub authors: R::Map<AuthorId, Author<R>>,
    pub members: R::Map<MemberId, Member<R>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Book<R: Repr = Std> {
    pub title: String,
    pub year: u16,
    /// Sorted, without duplicates.
    pub authors: Vec<AuthorId>,
    pub items: R::Map<ItemId, Item>,
}

/// One copy of a book.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    pub rack: u32,
    pub lent_to: Option<MemberId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Author<R: Repr = Std> {
    pub name: String,
    /// The ISBNs of the author's books.
    pub books: R::Map<Isbn, ()>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Member<R: Repr = Std> {
    pub name: String,
    /// The items lent to this member.
    pub lent: R::Map<(Isbn, ItemId), ()>,
}

/// Where a single value lives in the document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Path {
    BookTitle(Isbn),
    BookYear(Isbn),
    ItemRack(Isbn, ItemId),
    /// Readable only: lending and returning are the only ways to change it.
    ItemLentTo(Isbn, ItemId),
    AuthorName(AuthorId),
    MemberName(MemberId),
}

/// A value found at, or written to, a [`Path`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldValue {
    /// A title or a name.
    Text(String),
    Year(u16),
    Rack(u32),
    LentTo(Option<MemberId>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LibraryRead {
    /// The value at a path.
    Get(Path),
    /// The items lent to a member.
    MemberLent(MemberId),
    /// An author's books.
    BooksBy(AuthorId),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LibraryReadOutput {
    Value(FieldValue),
    /// Sorted by ISBN, then item.
    Lent(Vec<(Isbn, ItemId)>),
    /// Sorted by ISBN, with titles.
    Books(Vec<(Isbn, String)>),
    NotFound,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LibraryWrite {
    /// Replace the value at a path with a value of the same kind.
    SetField(Path, FieldValue),
    Lend {
        isbn: Isbn,
        item: ItemId,
        member: MemberId,
    },
    Return {
        isbn: Isbn,
        item: ItemId,
    },
    AddMember {
        id: MemberId,
        name: String,
    },
    /// Adds a book with `items` items on rack 0, creating the authors that do
    /// not exist yet (an existing author keeps its name).
    AddBook {
        isbn: Isbn,
        title: String,
        year: u16,
        authors: Vec<(AuthorId, String)>,
        items: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LibraryWriteOutput {
    Done(Effect),
    Refused(Refusal),
}

/// What an accepted write did.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Set,
    Lent,
    Returned { from: MemberId },
    MemberAdded,
    BookAdded,
}

/// Why a write changed nothing but the version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    NoSuchBook,
    NoSuchItem,
    NoSuchAuthor,
    NoSuchMember,
    /// The value is not of the kind the path holds.
    WrongKind,
    /// The path is not settable (a lent flag).
    ReadOnly,
    AlreadyLent,
    NotLent,
    /// Lending the item would leave its book with no item on the shelf.
    LastFreeItem,
    MemberExists,
    BookExists,
    /// A new book needs between 1 and [`MAX_ITEMS`] items.
    BadItemCount,
}

/// The ISBN of the book at `index` in the initial state.
pub fn isbn(index: usize) -> Isbn {
    Isbn(FIRST_ISBN + index as u64)
}

fn as_id(index: usize) -> u32 {
    u32::try_from(index).expect("at most u32::MAX authors, members and items")
}

/// How the initial state of a given size is laid out; generators use it to
/// aim at things that exist.
#[derive(Clone, Copy, Debug)]
struct Layout {
    authors: usize,
    members: usize,
}

impl Layout {
    fn new(size: usize) -> Self {
        Self {
            authors: (size / 4).max(1),
            members: (size / 10).max(2),
        }
    }

    fn items_of(book: usize) -> u32 {
        2 + as_id(book % 3)
    }

    fn authors_of(&self, book: usize) -> Vec<AuthorId> {
        let first = book % self.authors;
        let mut ids = vec![AuthorId(as_id(first))];
        if book % 2 == 1 && self.authors > 1 {
            ids.push(AuthorId(as_id((first + 1) % self.authors)));
            ids.sort();
        }
        ids
    }

    fn first_author(&self, book: usize) -> AuthorId {
        AuthorId(as_id(book % self.authors))
    }

    /// Every third book starts with its item 0 lent.
    fn borrower_of(&self, book: usize) -> Option<MemberId> {
        (book % 3 == 0).then(|| self.member_at(book / 3))
    }

    fn member_at(&self, index: usize) -> MemberId {
        MemberId(as_id(index % self.members))
    }

    fn book<R: Repr>(&self, book: usize) -> Book<R> {
        let borrower = self.borrower_of(book);
        let items = (0..Self::items_of(book))
            .map(|n| {
                let item = Item {
                    rack: as_id(book % 100) * 10 + n,
                    lent_to: if n == 0 { borrower } else { None },
                };
                (ItemId(n), item)
            })
            .collect();
        Book {
            title: format!("Book {book}"),
            year: 1900 + (book % 125) as u16,
            authors: self.authors_of(book),
            items,
        }
    }
}

impl<R: Repr> Scenario for LibraryScenario<R> {
    type State = Library<R>;
    type Read = LibraryRead;
    type Write = LibraryWrite;
    type ReadOutput = LibraryReadOutput;
    type WriteOutput = LibraryWriteOutput;

    fn name(&self) -> &'static str {
        "library"
    }

    fn initial_state(&self, size: usize) -> Library<R> {
        let layout = Layout::new(size);
        let mut books_by = vec![Vec::new(); layout.authors];
        let mut lent_to = vec![Vec::new(); layout.members];
        for book in 0..size {
            for author in layout.authors_of(book) {
                books_by[author.0 as usize].push((isbn(book), ()));
            }
            if let Some(member) = layout.borrower_of(book) {
                lent_to[member.0 as usize].push(((isbn(book), ItemId(0)), ()));
            }
        }
        let authors = books_by.into_iter().enumerate().map(|(index, books)| {
            let author = Author {
                name: format!("Author {index}"),
                books: books.into_iter().collect(),
            };
            (AuthorId(as_id(index)), author)
        });
        let members = lent_to.into_iter().enumerate().map(|(index, lent)| {
            let member = Member {
                name: format!("Member {index}"),
                lent: lent.into_iter().collect(),
            };
            (MemberId(as_id(index)), member)
        });
        Library {
            version: 0,
            books: (0..size)
                .map(|book| (isbn(book), layout.book(book)))
                .collect(),
            authors: authors.collect(),
            members: members.collect(),
        }
    }

    fn read(&self, library: &Library<R>, op: &LibraryRead) -> LibraryReadOutput {
        let found = match op {
            LibraryRead::Get(path) => get(library, path).map(LibraryReadOutput::Value),
            LibraryRead::MemberLent(id) => library.members.get(id).map(|member| {
                LibraryReadOutput::Lent(member.lent.iter().map(|(key, ())| *key).collect())
            }),
            LibraryRead::BooksBy(id) => library
                .authors
                .get(id)
                .map(|author| LibraryReadOutput::Books(titles(library, author))),
        };
        found.unwrap_or(LibraryReadOutput::NotFound)
    }

    fn write(&self, library: &mut Library<R>, op: &LibraryWrite) -> LibraryWriteOutput {
        pause(self.write_delay);
        let outcome = match op {
            LibraryWrite::SetField(path, value) => {
                set_field(library, path, value).map(|()| Effect::Set)
            }
            LibraryWrite::Lend { isbn, item, member } => {
                lend(library, *isbn, *item, *member).map(|()| Effect::Lent)
            }
            LibraryWrite::Return { isbn, item } => {
                give_back(library, *isbn, *item).map(|from| Effect::Returned { from })
            }
            LibraryWrite::AddMember { id, name } => {
                add_member(library, *id, name).map(|()| Effect::MemberAdded)
            }
            LibraryWrite::AddBook {
                isbn,
                title,
                year,
                authors,
                items,
            } => {
                add_book(library, *isbn, title, *year, authors, *items).map(|()| Effect::BookAdded)
            }
        };
        library.version += 1;
        match outcome {
            Ok(effect) => LibraryWriteOutput::Done(effect),
            Err(reason) => LibraryWriteOutput::Refused(reason),
        }
    }

    fn check_invariants(&self, library: &Library<R>) -> Result<(), InvariantViolation> {
        check_free_items(library)?;
        check_loans(library)?;
        check_authorship(library)
    }

    fn slowed(&self, delay: Duration) -> Self {
        Self::with_write_delay(delay)
    }

    fn generate_read(&self, ctx: &mut GenContext) -> LibraryRead {
        let layout = Layout::new(ctx.size());
        let book = ctx.key();
        match ctx.below(100) {
            0..60 => LibraryRead::Get(random_path(ctx, &layout, book)),
            60..80 => LibraryRead::MemberLent(layout.member_at(book)),
            _ => LibraryRead::BooksBy(layout.first_author(book)),
        }
    }

    fn generate_write(&self, ctx: &mut GenContext) -> LibraryWrite {
        let layout = Layout::new(ctx.size());
        let book = ctx.key();
        let item = ItemId(ctx.below(Layout::items_of(book).into()) as u32);
        match ctx.below(100) {
            0..35 => LibraryWrite::Lend {
                isbn: isbn(book),
                item,
                member: layout.member_at(ctx.below(layout.members as u64) as usize),
            },
            35..70 => LibraryWrite::Return {
                isbn: isbn(book),
                item,
            },
            70..90 => random_set(ctx, &layout, book, item),
            90..95 => {
                let id = new_id(ctx);
                LibraryWrite::AddMember {
                    id: MemberId(id),
                    name: format!("Member {id}"),
                }
            }
            _ => random_new_book(ctx, &layout),
        }
    }
}

impl<R: Repr> Increments for LibraryScenario<R> {
    /// Renames book `n % size`.
    fn increment(&self, size: usize, n: u64) -> LibraryWrite {
        let book = (n % size.max(1) as u64) as usize;
        let title = format!("Book {book}, edition {n}");
        LibraryWrite::SetField(Path::BookTitle(isbn(book)), FieldValue::Text(title))
    }

    fn count(&self, library: &Library<R>) -> u64 {
        library.version
    }
}

/// A leaf of a [`Library`]: the unit a three-way merge compares.
///
/// `Book`, `Author` and `Member` stand for the whole entry being added or
/// removed, and for its existence, which is what a write that only checks
/// that something exists reads. The other leaves are the fields and map
/// entries inside an entry that exists on both sides of a diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LibraryLeaf {
    Book(Isbn),
    BookTitle(Isbn),
    BookYear(Isbn),
    BookAuthors(Isbn),
    ItemRack(Isbn, ItemId),
    ItemLentTo(Isbn, ItemId),
    Author(AuthorId),
    AuthorName(AuthorId),
    /// Whether the author lists the book.
    AuthorBook(AuthorId, Isbn),
    Member(MemberId),
    MemberName(MemberId),
    /// Whether the member lists the item.
    MemberItem(MemberId, Isbn, ItemId),
    Version,
}

/// A change to one leaf of a [`Library`]: the leaf's new value, `None` or
/// `false` for an entry removed; the version changes by a delta.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LibraryChange<R: Repr = Std> {
    /// A book added (or replaced whole), or removed.
    Book(Isbn, Option<Book<R>>),
    BookTitle(Isbn, String),
    BookYear(Isbn, u16),
    BookAuthors(Isbn, Vec<AuthorId>),
    ItemRack(Isbn, ItemId, u32),
    ItemLentTo(Isbn, ItemId, Option<MemberId>),
    Author(AuthorId, Option<Author<R>>),
    AuthorName(AuthorId, String),
    AuthorBook(AuthorId, Isbn, bool),
    Member(MemberId, Option<Member<R>>),
    MemberName(MemberId, String),
    MemberItem(MemberId, Isbn, ItemId, bool),
    /// Writes added to the version, modulo 2^64, so that a diff from a
    /// newer state to an older one (which a broken strategy can publish)
    /// wraps instead of overflowing.
    Version(u64),
}

impl<R: Repr> Mergeable for LibraryScenario<R> {
    type Leaf = LibraryLeaf;
    type Change = LibraryChange<R>;

    /// Walks the representation's diff of each top-level map and descends
    /// only into the entries that changed, so with imbl the cost follows the
    /// size of the change, not of the library.
    fn diff(&self, from: &Library<R>, to: &Library<R>) -> Vec<LibraryChange<R>> {
        let mut changes = Vec::new();
        diff_entries(
            &from.books,
            &to.books,
            |isbn, book| LibraryChange::Book(*isbn, book.cloned()),
            |isbn, was, now, out| diff_book(*isbn, was, now, out),
            &mut changes,
        );
        diff_entries(
            &from.authors,
            &to.authors,
            |id, author| LibraryChange::Author(*id, author.cloned()),
            |id, was, now, out| diff_author(*id, was, now, out),
            &mut changes,
        );
        diff_entries(
            &from.members,
            &to.members,
            |id, member| LibraryChange::Member(*id, member.cloned()),
            |id, was, now, out| diff_member(*id, was, now, out),
            &mut changes,
        );
        if to.version != from.version {
            changes.push(LibraryChange::Version(
                to.version.wrapping_sub(from.version),
            ));
        }
        changes
    }

    fn leaf(&self, change: &LibraryChange<R>) -> LibraryLeaf {
        use LibraryChange as C;
        use LibraryLeaf as L;
        match change {
            C::Book(isbn, _) => L::Book(*isbn),
            C::BookTitle(isbn, _) => L::BookTitle(*isbn),
            C::BookYear(isbn, _) => L::BookYear(*isbn),
            C::BookAuthors(isbn, _) => L::BookAuthors(*isbn),
            C::ItemRack(isbn, item, _) => L::ItemRack(*isbn, *item),
            C::ItemLentTo(isbn, item, _) => L::ItemLentTo(*isbn, *item),
            C::Author(id, _) => L::Author(*id),
            C::AuthorName(id, _) => L::AuthorName(*id),
            C::AuthorBook(id, isbn, _) => L::AuthorBook(*id, *isbn),
            C::Member(id, _) => L::Member(*id),
            C::MemberName(id, _) => L::MemberName(*id),
            C::MemberItem(id, isbn, item, _) => L::MemberItem(*id, *isbn, *item),
            C::Version(_) => L::Version,
        }
    }

    fn commutes(&self, change: &LibraryChange<R>) -> bool {
        matches!(change, LibraryChange::Version(_))
    }

    /// A change inside an entry the state no longer has is dropped: the
    /// entry's removal is a change to its own leaf, which conflicts first.
    fn apply_changes(&self, library: &mut Library<R>, changes: &[LibraryChange<R>]) {
        use LibraryChange as C;
        for change in changes {
            match change {
                C::Book(isbn, Some(book)) => library.books.insert(*isbn, book.clone()),
                C::Book(isbn, None) => {
                    library.books.remove(isbn);
                }
                C::BookTitle(isbn, title) => {
                    if let Some(book) = library.books.get_mut(isbn) {
                        book.title.clone_from(title);
                    }
                }
                C::BookYear(isbn, year) => {
                    if let Some(book) = library.books.get_mut(isbn) {
                        book.year = *year;
                    }
                }
                C::BookAuthors(isbn, authors) => {
                    if let Some(book) = library.books.get_mut(isbn) {
                        book.authors.clone_from(authors);
                    }
                }
                C::ItemRack(isbn, item, rack) => {
                    if let Ok(item) = find_item_mut(library, *isbn, *item) {
                        item.rack = *rack;
                    }
                }
                C::ItemLentTo(isbn, item, lent_to) => {
                    if let Ok(item) = find_item_mut(library, *isbn, *item) {
                        item.lent_to = *lent_to;
                    }
                }
                C::Author(id, Some(author)) => library.authors.insert(*id, author.clone()),
                C::Author(id, None) => {
                    library.authors.remove(id);
                }
                C::AuthorName(id, name) => {
                    if let Some(author) = library.authors.get_mut(id) {
                        author.name.clone_from(name);
                    }
                }
                C::AuthorBook(id, isbn, listed) => {
                    if let Some(author) = library.authors.get_mut(id) {
                        set_listed(&mut author.books, *isbn, *listed);
                    }
                }
                C::Member(id, Some(member)) => library.members.insert(*id, member.clone()),
                C::Member(id, None) => {
                    library.members.remove(id);
                }
                C::MemberName(id, name) => {
                    if let Some(member) = library.members.get_mut(id) {
                        member.name.clone_from(name);
                    }
                }
                C::MemberItem(id, isbn, item, listed) => {
                    if let Some(member) = library.members.get_mut(id) {
                        set_listed(&mut member.lent, (*isbn, *item), *listed);
                    }
                }
                C::Version(delta) => library.version = library.version.wrapping_add(*delta),
            }
        }
    }

    /// What decides each write's outcome and output. Items exist exactly
    /// when their book does (no write adds or removes one alone), so the
    /// book's leaf stands for its items' existence.
    fn read_set(&self, library: &Library<R>, op: &LibraryWrite) -> Vec<LibraryLeaf> {
        use LibraryLeaf as L;
        match op {
            LibraryWrite::SetField(path, _) => match *path {
                Path::BookTitle(isbn) => vec![L::Book(isbn), L::BookTitle(isbn)],
                Path::BookYear(isbn) => vec![L::Book(isbn), L::BookYear(isbn)],
                Path::ItemRack(isbn, item) => vec![L::Book(isbn), L::ItemRack(isbn, item)],
                // Refused whatever the state holds.
                Path::ItemLentTo(..) => Vec::new(),
                Path::AuthorName(id) => vec![L::Author(id), L::AuthorName(id)],
                Path::MemberName(id) => vec![L::Member(id), L::MemberName(id)],
            },
            // Whether the item is the last one free depends on every item of
            // the book: reading only the item lent would let two lends of
            // the last two free items merge (write skew).
            LibraryWrite::Lend { isbn, item, member } => {
                let mut leaves = vec![
                    L::Book(*isbn),
                    L::Member(*member),
                    L::ItemLentTo(*isbn, *item),
                ];
                if let Some(book) = library.books.get(isbn) {
                    leaves.extend(
                        book.items
                            .iter()
                            .filter(|(id, _)| *id != item)
                            .map(|(id, _)| L::ItemLentTo(*isbn, *id)),
                    );
                }
                leaves
            }
            LibraryWrite::Return { isbn, item } => {
                let mut leaves = vec![L::Book(*isbn), L::ItemLentTo(*isbn, *item)];
                // The member who has it is updated only if they exist.
                if let Ok(Item {
                    lent_to: Some(from),
                    ..
                }) = find_item(library, *isbn, *item)
                {
                    leaves.push(L::Member(*from));
                }
                leaves
            }
            LibraryWrite::AddMember { id, .. } => vec![L::Member(*id)],
            LibraryWrite::AddBook { isbn, authors, .. } => std::iter::once(L::Book(*isbn))
                .chain(authors.iter().map(|(id, _)| L::Author(*id)))
                .collect(),
        }
    }
}

/// The changes inside a book present in both versions.
fn diff_book<R: Repr>(
    isbn: Isbn,
    was: &Book<R>,
    now: &Book<R>,
    changes: &mut Vec<LibraryChange<R>>,
) {
    let items = was.items.diff(&now.items);
    // No write adds or removes an item alone; if it happened, the book
    // changes as a whole.
    let same_items = items.iter().all(|entry| match entry {
        EntryDiff::Set(id, _) => was.items.contains_key(id),
        EntryDiff::Removed(_) => false,
    });
    if !same_items {
        changes.push(LibraryChange::Book(isbn, Some(now.clone())));
        return;
    }
    if was.title != now.title {
        changes.push(LibraryChange::BookTitle(isbn, now.title.clone()));
    }
    if was.year != now.year {
        changes.push(LibraryChange::BookYear(isbn, now.year));
    }
    if was.authors != now.authors {
        changes.push(LibraryChange::BookAuthors(isbn, now.authors.clone()));
    }
    for entry in items {
        let EntryDiff::Set(id, item) = entry else {
            continue;
        };
        let before = was.items.get(id).expect("checked above");
        if before.rack != item.rack {
            changes.push(LibraryChange::ItemRack(isbn, *id, item.rack));
        }
        if before.lent_to != item.lent_to {
            changes.push(LibraryChange::ItemLentTo(isbn, *id, item.lent_to));
        }
    }
}

/// The changes inside an author present in both versions.
fn diff_author<R: Repr>(
    id: AuthorId,
    was: &Author<R>,
    now: &Author<R>,
    changes: &mut Vec<LibraryChange<R>>,
) {
    if was.name != now.name {
        changes.push(LibraryChange::AuthorName(id, now.name.clone()));
    }
    for entry in was.books.diff(&now.books) {
        let listed = matches!(entry, EntryDiff::Set(..));
        changes.push(LibraryChange::AuthorBook(id, *entry.key(), listed));
    }
}

/// The changes inside a member present in both versions.
fn diff_member<R: Repr>(
    id: MemberId,
    was: &Member<R>,
    now: &Member<R>,
    changes: &mut Vec<LibraryChange<R>>,
) {
    if was.name != now.name {
        changes.push(LibraryChange::MemberName(id, now.name.clone()));
    }
    for entry in was.lent.diff(&now.lent) {
        let listed = matches!(entry, EntryDiff::Set(..));
        let (isbn, item) = *entry.key();
        changes.push(LibraryChange::MemberItem(id, isbn, item, listed));
    }
}

/// Adds `key` to a set kept as a map to `()`, or removes it.
fn set_listed<K: Key>(set: &mut impl Map<K, ()>, key: K, listed: bool) {
    if listed {
        set.insert(key, ());
    } else {
        set.remove(&key);
    }
}

fn get<R: Repr>(library: &Library<R>, path: &Path) -> Option<FieldValue> {
    let book = |isbn: &Isbn| library.books.get(isbn);
    let item = |isbn: &Isbn, item: &ItemId| book(isbn).and_then(|book| book.items.get(item));
    match path {
        Path::BookTitle(isbn) => book(isbn).map(|book| FieldValue::Text(book.title.clone())),
        Path::BookYear(isbn) => book(isbn).map(|book| FieldValue::Year(book.year)),
        Path::ItemRack(isbn, id) => item(isbn, id).map(|item| FieldValue::Rack(item.rack)),
        Path::ItemLentTo(isbn, id) => item(isbn, id).map(|item| FieldValue::LentTo(item.lent_to)),
        Path::AuthorName(id) => library
            .authors
            .get(id)
            .map(|a| FieldValue::Text(a.name.clone())),
        Path::MemberName(id) => library
            .members
            .get(id)
            .map(|m| FieldValue::Text(m.name.clone())),
    }
}

fn titles<R: Repr>(library: &Library<R>, author: &Author<R>) -> Vec<(Isbn, String)> {
    author
        .books
        .iter()
        .filter_map(|(isbn, ())| Some((*isbn, library.books.get(isbn)?.title.clone())))
        .collect()
}

fn find_book_mut<R: Repr>(library: &mut Library<R>, isbn: Isbn) -> Result<&mut Book<R>, Refusal> {
    library.books.get_mut(&isbn).ok_or(Refusal::NoSuchBook)
}

fn find_item<R: Repr>(library: &Library<R>, isbn: Isbn, item: ItemId) -> Result<&Item, Refusal> {
    let book = library.books.get(&isbn).ok_or(Refusal::NoSuchBook)?;
    book.items.get(&item).ok_or(Refusal::NoSuchItem)
}

fn find_item_mut<R: Repr>(
    library: &mut Library<R>,
    isbn: Isbn,
    item: ItemId,
) -> Result<&mut Item, Refusal> {
    let book = find_book_mut(library, isbn)?;
    book.items.get_mut(&item).ok_or(Refusal::NoSuchItem)
}

fn free_items<R: Repr>(book: &Book<R>) -> usize {
    book.items
        .iter()
        .filter(|(_, item)| item.lent_to.is_none())
        .count()
}

fn set_field<R: Repr>(
    library: &mut Library<R>,
    path: &Path,
    value: &FieldValue,
) -> Result<(), Refusal> {
    match (path, value) {
        (Path::ItemLentTo(..), _) => return Err(Refusal::ReadOnly),
        (Path::BookTitle(isbn), FieldValue::Text(title)) => {
            find_book_mut(library, *isbn)?.title = title.clone();
        }
        (Path::BookYear(isbn), FieldValue::Year(year)) => {
            find_book_mut(library, *isbn)?.year = *year;
        }
        (Path::ItemRack(isbn, item), FieldValue::Rack(rack)) => {
            find_item_mut(library, *isbn, *item)?.rack = *rack;
        }
        (Path::AuthorName(id), FieldValue::Text(name)) => {
            let author = library.authors.get_mut(id).ok_or(Refusal::NoSuchAuthor)?;
            author.name = name.clone();
        }
        (Path::MemberName(id), FieldValue::Text(name)) => {
            let member = library.members.get_mut(id).ok_or(Refusal::NoSuchMember)?;
            member.name = name.clone();
        }
        _ => return Err(Refusal::WrongKind),
    }
    Ok(())
}

fn lend<R: Repr>(
    library: &mut Library<R>,
    isbn: Isbn,
    item: ItemId,
    member: MemberId,
) -> Result<(), Refusal> {
    let book = library.books.get(&isbn).ok_or(Refusal::NoSuchBook)?;
    let wanted = book.items.get(&item).ok_or(Refusal::NoSuchItem)?;
    if !library.members.contains_key(&member) {
        return Err(Refusal::NoSuchMember);
    }
    if wanted.lent_to.is_some() {
        return Err(Refusal::AlreadyLent);
    }
    if free_items(book) <= 1 {
        return Err(Refusal::LastFreeItem);
    }
    find_item_mut(library, isbn, item)?.lent_to = Some(member);
    let borrower = library.members.get_mut(&member).expect("found above");
    borrower.lent.insert((isbn, item), ());
    Ok(())
}

/// Returns an item; answers who had it.
fn give_back<R: Repr>(
    library: &mut Library<R>,
    isbn: Isbn,
    item: ItemId,
) -> Result<MemberId, Refusal> {
    let returned = find_item_mut(library, isbn, item)?;
    let from = returned.lent_to.take().ok_or(Refusal::NotLent)?;
    if let Some(member) = library.members.get_mut(&from) {
        member.lent.remove(&(isbn, item));
    }
    Ok(from)
}

fn add_member<R: Repr>(library: &mut Library<R>, id: MemberId, name: &str) -> Result<(), Refusal> {
    if library.members.contains_key(&id) {
        return Err(Refusal::MemberExists);
    }
    let member = Member {
        name: name.to_owned(),
        lent: Default::default(),
    };
    library.members.insert(id, member);
    Ok(())
}

fn add_book<R: Repr>(
    library: &mut Library<R>,
    isbn: Isbn,
    title: &str,
    year: u16,
    authors: &[(AuthorId, String)],
    items: u32,
) -> Result<(), Refusal> {
    if library.books.contains_key(&isbn) {
        return Err(Refusal::BookExists);
    }
    if !(1..=MAX_ITEMS).contains(&items) {
        return Err(Refusal::BadItemCount);
    }
    for (id, name) in authors {
        if !library.authors.contains_key(id) {
            let author = Author {
                name: name.clone(),
                books: Default::default(),
            };
            library.authors.insert(*id, author);
        }
        let author = library.authors.get_mut(id).expect("inserted above");
        author.books.insert(isbn, ());
    }
    let mut author_ids: Vec<AuthorId> = authors.iter().map(|(id, _)| *id).collect();
    author_ids.sort();
    author_ids.dedup();
    let shelved = Item {
        rack: 0,
        lent_to: None,
    };
    let book = Book {
        title: title.to_owned(),
        year,
        authors: author_ids,
        items: (0..items).map(|n| (ItemId(n), shelved.clone())).collect(),
    };
    library.books.insert(isbn, book);
    Ok(())
}

fn violation<T>(library_version: u64, message: String) -> Result<T, InvariantViolation> {
    Err(InvariantViolation(format!(
        "library v{library_version}: {message}"
    )))
}

fn check_free_items<R: Repr>(library: &Library<R>) -> Result<(), InvariantViolation> {
    for (isbn, book) in library.books.iter() {
        if free_items(book) == 0 {
            let items = book.items.len();
            return violation(
                library.version,
                format!("{isbn} has none of its {items} items on the shelf"),
            );
        }
    }
    Ok(())
}

fn check_loans<R: Repr>(library: &Library<R>) -> Result<(), InvariantViolation> {
    for (isbn, book) in library.books.iter() {
        for (item, state) in book.items.iter() {
            let Some(id) = state.lent_to else { continue };
            let listed = library
                .members
                .get(&id)
                .is_some_and(|m| m.lent.contains_key(&(*isbn, *item)));
            if !listed {
                return violation(
                    library.version,
                    format!("{item} of {isbn} is lent to {id}, who does not list it"),
                );
            }
        }
    }
    for (id, member) in library.members.iter() {
        for ((isbn, item), ()) in member.lent.iter() {
            let lent_to = find_item(library, *isbn, *item)
                .ok()
                .and_then(|i| i.lent_to);
            if lent_to != Some(*id) {
                return violation(
                    library.version,
                    format!("{id} lists {item} of {isbn}, which is lent to {lent_to:?}"),
                );
            }
        }
    }
    Ok(())
}

fn check_authorship<R: Repr>(library: &Library<R>) -> Result<(), InvariantViolation> {
    for (isbn, book) in library.books.iter() {
        for id in &book.authors {
            let listed = library
                .authors
                .get(id)
                .is_some_and(|a| a.books.contains_key(isbn));
            if !listed {
                return violation(
                    library.version,
                    format!("{isbn} names {id}, who does not list it"),
                );
            }
        }
    }
    for (id, author) in library.authors.iter() {
        for (isbn, ()) in author.books.iter() {
            let named = library
                .books
                .get(isbn)
                .is_some_and(|b| b.authors.contains(id));
            if !named {
                return violation(
                    library.version,
                    format!("{id} lists {isbn}, which does not name them"),
                );
            }
        }
    }
    Ok(())
}

fn new_id(ctx: &mut GenContext) -> u32 {
    FIRST_NEW_ID + ctx.below(u64::from(u32::MAX - FIRST_NEW_ID)) as u32
}

fn random_path(ctx: &mut GenContext, layout: &Layout, book: usize) -> Path {
    let item = ItemId(ctx.below(Layout::items_of(book).into()) as u32);
    match ctx.below(6) {
        0 => Path::BookTitle(isbn(book)),
        1 => Path::BookYear(isbn(book)),
        2 => Path::ItemRack(isbn(book), item),
        3 => Path::ItemLentTo(isbn(book), item),
        4 => Path::AuthorName(layout.first_author(book)),
        _ => Path::MemberName(layout.member_at(book)),
    }
}

fn random_set(ctx: &mut GenContext, layout: &Layout, book: usize, item: ItemId) -> LibraryWrite {
    let n = ctx.below(1_000);
    let (path, value) = match ctx.below(5) {
        0 => (
            Path::BookTitle(isbn(book)),
            FieldValue::Text(format!("Book {book}, rev {n}")),
        ),
        1 => (
            Path::BookYear(isbn(book)),
            FieldValue::Year(1900 + (n % 125) as u16),
        ),
        2 => (
            Path::ItemRack(isbn(book), item),
            FieldValue::Rack(n as u32 % RACKS),
        ),
        3 => {
            let author = layout.first_author(book);
            (
                Path::AuthorName(author),
                FieldValue::Text(format!("Author {}, rev {n}", author.0)),
            )
        }
        _ => {
            let member = layout.member_at(book);
            (
                Path::MemberName(member),
                FieldValue::Text(format!("Member {}, rev {n}", member.0)),
            )
        }
    };
    LibraryWrite::SetField(path, value)
}

fn random_new_book(ctx: &mut GenContext, layout: &Layout) -> LibraryWrite {
    let number = FIRST_NEW_ISBN + ctx.below(NEW_ISBNS);
    let authors = (0..1 + ctx.below(2))
        .map(|_| {
            let id = if ctx.chance(0.5) {
                as_id(ctx.below(layout.authors as u64) as usize)
            } else {
                new_id(ctx)
            };
            (AuthorId(id), format!("Author {id}"))
        })
        .collect();
    LibraryWrite::AddBook {
        isbn: Isbn(number),
        title: format!("Book {number}"),
        year: 1900 + ctx.below(125) as u16,
        authors,
        items: 1 + ctx.below(4) as u32,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::merge::{Validate, conflicts};
    use crate::{Imbl, KeyDist, Op, Output, Rpds, Workload};

    fn scenario() -> LibraryScenario {
        LibraryScenario::new()
    }

    fn lend(isbn: Isbn, item: u32, member: u32) -> LibraryWrite {
        LibraryWrite::Lend {
            isbn,
            item: ItemId(item),
            member: MemberId(member),
        }
    }

    fn give_back(isbn: Isbn, item: u32) -> LibraryWrite {
        LibraryWrite::Return {
            isbn,
            item: ItemId(item),
        }
    }

    fn refusal(output: LibraryWriteOutput) -> Option<Refusal> {
        match output {
            LibraryWriteOutput::Refused(reason) => Some(reason),
            LibraryWriteOutput::Done(_) => None,
        }
    }

    fn lent_to(s: &LibraryScenario, library: &Library, member: u32) -> LibraryReadOutput {
        s.read(library, &LibraryRead::MemberLent(MemberId(member)))
    }

    #[test]
    fn initial_state_is_laid_out_as_documented_and_holds_invariants() {
        let s = scenario();
        let library = s.initial_state(40);
        assert_eq!(library.books.len(), 40);
        assert_eq!(library.authors.len(), 10);
        assert_eq!(library.members.len(), 4);
        assert_eq!(library.version, 0);
        assert!((2..=4).contains(&library.books[&isbn(5)].items.len()));
        s.check_invariants(&library).unwrap();
        let LibraryReadOutput::Lent(lent) = lent_to(&s, &library, 1) else {
            panic!("member 1 exists");
        };
        assert!(!lent.is_empty());
        for size in [0, 1, 2, 3] {
            s.check_invariants(&s.initial_state(size)).unwrap();
        }
    }

    #[test]
    fn lend_then_return_round_trips() {
        let s = scenario();
        let mut library = s.initial_state(10);
        let book = isbn(2);
        let out = s.write(&mut library, &lend(book, 1, 1));
        assert_eq!(out, LibraryWriteOutput::Done(Effect::Lent));
        assert_eq!(library.version, 1);
        let lent_now = s.read(
            &library,
            &LibraryRead::Get(Path::ItemLentTo(book, ItemId(1))),
        );
        assert_eq!(
            lent_now,
            LibraryReadOutput::Value(FieldValue::LentTo(Some(MemberId(1))))
        );
        let LibraryReadOutput::Lent(lent) = lent_to(&s, &library, 1) else {
            panic!("member 1 exists");
        };
        assert!(lent.contains(&(book, ItemId(1))));
        s.check_invariants(&library).unwrap();

        let out = s.write(&mut library, &give_back(book, 1));
        assert_eq!(
            out,
            LibraryWriteOutput::Done(Effect::Returned { from: MemberId(1) })
        );
        assert_eq!(library.version, 2);
        let LibraryReadOutput::Lent(lent) = lent_to(&s, &library, 1) else {
            panic!("member 1 exists");
        };
        assert!(!lent.contains(&(book, ItemId(1))));
        s.check_invariants(&library).unwrap();
    }

    #[test]
    fn lend_refuses_unknown_targets_and_lent_items_and_changes_only_the_version() {
        let s = scenario();
        let mut library = s.initial_state(10);
        let cases = [
            (lend(isbn(99), 0, 0), Refusal::NoSuchBook),
            (lend(isbn(2), 9, 0), Refusal::NoSuchItem),
            (lend(isbn(2), 0, 99), Refusal::NoSuchMember),
            (lend(isbn(3), 0, 1), Refusal::AlreadyLent),
        ];
        for (op, expected) in cases {
            let mut before = library.clone();
            assert_eq!(
                refusal(s.write(&mut library, &op)),
                Some(expected),
                "{op:?}"
            );
            before.version += 1;
            assert_eq!(library, before);
        }
    }

    #[test]
    fn the_last_free_item_is_never_lent() {
        let s = scenario();
        let mut library = s.initial_state(10);
        // Book 3 has items 0 and 1, and item 0 starts lent.
        assert_eq!(library.books[&isbn(3)].items.len(), 2);
        let out = s.write(&mut library, &lend(isbn(3), 1, 0));
        assert_eq!(refusal(out), Some(Refusal::LastFreeItem));
        // Book 4 has three items on the shelf: two can go, not the third.
        assert_eq!(library.books[&isbn(4)].items.len(), 3);
        assert_eq!(refusal(s.write(&mut library, &lend(isbn(4), 0, 0))), None);
        assert_eq!(refusal(s.write(&mut library, &lend(isbn(4), 1, 1))), None);
        let out = s.write(&mut library, &lend(isbn(4), 2, 0));
        assert_eq!(refusal(out), Some(Refusal::LastFreeItem));
        s.check_invariants(&library).unwrap();
    }

    #[test]
    fn return_refuses_items_on_the_shelf_and_unknown_targets() {
        let s = scenario();
        let mut library = s.initial_state(10);
        let cases = [
            (give_back(isbn(2), 0), Refusal::NotLent),
            (give_back(isbn(99), 0), Refusal::NoSuchBook),
            (give_back(isbn(3), 7), Refusal::NoSuchItem),
        ];
        for (op, expected) in cases {
            assert_eq!(
                refusal(s.write(&mut library, &op)),
                Some(expected),
                "{op:?}"
            );
        }
        assert_eq!(library.version, 3);
    }

    #[test]
    fn set_by_path_changes_one_value_and_refuses_wrong_kinds() {
        let s = scenario();
        let mut library = s.initial_state(10);
        let rack = Path::ItemRack(isbn(4), ItemId(1));
        let set = LibraryWrite::SetField(rack.clone(), FieldValue::Rack(77));
        assert_eq!(refusal(s.write(&mut library, &set)), None);
        assert_eq!(
            s.read(&library, &LibraryRead::Get(rack.clone())),
            LibraryReadOutput::Value(FieldValue::Rack(77))
        );
        let title = Path::BookTitle(isbn(4));
        let set = LibraryWrite::SetField(title.clone(), FieldValue::Text("Dune".into()));
        assert_eq!(refusal(s.write(&mut library, &set)), None);
        assert_eq!(
            s.read(&library, &LibraryRead::Get(title.clone())),
            LibraryReadOutput::Value(FieldValue::Text("Dune".into()))
        );

        let cases = [
            (title, FieldValue::Year(1965), Refusal::WrongKind),
            (rack, FieldValue::Text("A".into()), Refusal::WrongKind),
            (
                Path::BookYear(isbn(99)),
                FieldValue::Year(1),
                Refusal::NoSuchBook,
            ),
            (
                Path::ItemRack(isbn(4), ItemId(9)),
                FieldValue::Rack(1),
                Refusal::NoSuchItem,
            ),
            (
                Path::AuthorName(AuthorId(99)),
                FieldValue::Text("X".into()),
                Refusal::NoSuchAuthor,
            ),
            (
                Path::MemberName(MemberId(99)),
                FieldValue::Text("X".into()),
                Refusal::NoSuchMember,
            ),
            (
                Path::ItemLentTo(isbn(4), ItemId(0)),
                FieldValue::LentTo(None),
                Refusal::ReadOnly,
            ),
        ];
        for (path, value, expected) in cases {
            let before = library.clone();
            let op = LibraryWrite::SetField(path, value);
            assert_eq!(
                refusal(s.write(&mut library, &op)),
                Some(expected),
                "{op:?}"
            );
            assert_eq!(library.books, before.books);
        }
        assert_eq!(
            s.read(&library, &LibraryRead::Get(Path::BookYear(isbn(99)))),
            LibraryReadOutput::NotFound
        );
    }

    #[test]
    fn add_book_links_authors_both_ways_and_keeps_existing_names() {
        let s = scenario();
        let mut library = s.initial_state(8);
        let new = Isbn(42);
        let op = LibraryWrite::AddBook {
            isbn: new,
            title: "New".into(),
            year: 2024,
            authors: vec![
                (AuthorId(500), "Fresh".into()),
                (AuthorId(1), "Renamed".into()),
            ],
            items: 2,
        };
        assert_eq!(refusal(s.write(&mut library, &op)), None);
        s.check_invariants(&library).unwrap();
        assert_eq!(library.books[&new].authors, [AuthorId(1), AuthorId(500)]);
        assert_eq!(
            s.read(&library, &LibraryRead::BooksBy(AuthorId(500))),
            LibraryReadOutput::Books(vec![(new, "New".into())])
        );
        let LibraryReadOutput::Books(books) = s.read(&library, &LibraryRead::BooksBy(AuthorId(1)))
        else {
            panic!("author 1 exists");
        };
        assert!(books.contains(&(new, "New".into())));
        assert!(books.is_sorted());
        assert_eq!(library.authors[&AuthorId(1)].name, "Author 1");
        assert_eq!(
            refusal(s.write(&mut library, &op)),
            Some(Refusal::BookExists)
        );
    }

    #[test]
    fn add_book_refuses_a_book_without_items_or_with_too_many() {
        let s = scenario();
        let mut library = s.initial_state(8);
        for items in [0, MAX_ITEMS + 1] {
            let op = LibraryWrite::AddBook {
                isbn: Isbn(1),
                title: "Empty".into(),
                year: 2000,
                authors: vec![(AuthorId(600), "Nobody".into())],
                items,
            };
            assert_eq!(
                refusal(s.write(&mut library, &op)),
                Some(Refusal::BadItemCount)
            );
        }
        assert!(!library.authors.contains_key(&AuthorId(600)));
    }

    #[test]
    fn add_member_refuses_an_existing_id() {
        let s = scenario();
        let mut library = s.initial_state(8);
        let op = LibraryWrite::AddMember {
            id: MemberId(9),
            name: "Ada".into(),
        };
        assert_eq!(refusal(s.write(&mut library, &op)), None);
        assert_eq!(lent_to(&s, &library, 9), LibraryReadOutput::Lent(vec![]));
        assert_eq!(
            refusal(s.write(&mut library, &op)),
            Some(Refusal::MemberExists)
        );
        assert_eq!(lent_to(&s, &library, 10), LibraryReadOutput::NotFound);
    }

    #[test]
    fn member_lent_and_books_by_are_sorted_and_complete() {
        let s = scenario();
        let library = s.initial_state(40);
        // Books 0, 3, 6, ... lend item 0 to member (book / 3) % 4.
        let expected = [6, 18, 30].map(|book| (isbn(book), ItemId(0)));
        assert_eq!(
            lent_to(&s, &library, 2),
            LibraryReadOutput::Lent(expected.into())
        );
        // Author 4 of 10 wrote books 4, 14, ... and co-wrote the odd books 3, 13, ...
        let expected =
            [3, 4, 13, 14, 23, 24, 33, 34].map(|book| (isbn(book), format!("Book {book}")));
        assert_eq!(
            s.read(&library, &LibraryRead::BooksBy(AuthorId(4))),
            LibraryReadOutput::Books(expected.into())
        );
    }

    #[test]
    fn every_write_counts_refused_or_not() {
        let s = scenario();
        let mut library = s.initial_state(3);
        for n in 0..10 {
            s.write(&mut library, &s.increment(3, n));
        }
        s.write(&mut library, &give_back(isbn(1), 0));
        assert_eq!(s.count(&library), 11);
        assert_eq!(
            s.read(&library, &LibraryRead::Get(Path::BookTitle(isbn(0)))),
            LibraryReadOutput::Value(FieldValue::Text("Book 0, edition 9".into()))
        );
    }

    #[test]
    fn invariants_reject_broken_states() {
        let s = scenario();
        let library = s.initial_state(10);
        let mut all_lent = library.clone();
        let book = all_lent.books.get_mut(&isbn(3)).unwrap();
        book.items.get_mut(&ItemId(1)).unwrap().lent_to = Some(MemberId(0));
        let member = all_lent.members.get_mut(&MemberId(0)).unwrap();
        member.lent.insert((isbn(3), ItemId(1)), ());
        let error = s.check_invariants(&all_lent).unwrap_err();
        assert!(error.0.contains("none of its 2 items"), "{error}");

        let mut one_way_loan = library.clone();
        one_way_loan
            .members
            .get_mut(&MemberId(1))
            .unwrap()
            .lent
            .clear();
        assert!(s.check_invariants(&one_way_loan).is_err());

        let mut one_way_author = library.clone();
        one_way_author
            .books
            .get_mut(&isbn(1))
            .unwrap()
            .authors
            .clear();
        assert!(s.check_invariants(&one_way_author).is_err());
    }

    fn workload() -> Workload {
        Workload::new(0.5, KeyDist::Zipf { theta: 0.99 }).unwrap()
    }

    #[test]
    fn invariants_hold_after_every_generated_operation() {
        let s = scenario();
        let mut library = s.initial_state(60);
        let mut refused = 0;
        for op in s.generate(60, &workload(), 11).take(5_000) {
            if let Output::Write(LibraryWriteOutput::Refused(_)) = s.apply(&mut library, &op) {
                refused += 1;
            }
            s.check_invariants(&library).unwrap();
        }
        assert!((100..2_400).contains(&refused), "{refused} refused");
    }

    #[test]
    fn generated_stream_is_reproducible_and_follows_the_mix() {
        let s = scenario();
        let a: Vec<_> = s.generate(100, &workload(), 5).take(4_000).collect();
        let b: Vec<_> = s.generate(100, &workload(), 5).take(4_000).collect();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let count =
            |wanted: fn(&Op<LibraryScenario>) -> bool| a.iter().filter(|op| wanted(op)).count();
        let gets = count(|op| matches!(op, Op::Read(LibraryRead::Get(_))));
        let lends = count(|op| matches!(op, Op::Write(LibraryWrite::Lend { .. })));
        let books = count(|op| matches!(op, Op::Write(LibraryWrite::AddBook { .. })));
        assert!((1_000..1_400).contains(&gets), "{gets} gets");
        assert!((550..850).contains(&lends), "{lends} lends");
        assert!((50..150).contains(&books), "{books} new books");
    }

    fn outputs<R: Repr>(ops: &[Op<LibraryScenario>], size: usize) -> Vec<String> {
        let s = LibraryScenario::<R>::with_write_delay(Duration::ZERO);
        let mut library = s.initial_state(size);
        let outputs = ops
            .iter()
            .map(|op| {
                let op = match op {
                    Op::Read(read) => Op::Read(read.clone()),
                    Op::Write(write) => Op::Write(write.clone()),
                };
                format!("{:?}", s.apply(&mut library, &op))
            })
            .collect();
        s.check_invariants(&library).unwrap();
        outputs
    }

    #[test]
    fn every_representation_gives_the_same_outputs() {
        let ops: Vec<_> = scenario()
            .generate(50, &workload(), 3)
            .take(2_000)
            .collect();
        let std = outputs::<Std>(&ops, 50);
        assert_eq!(std, outputs::<Imbl>(&ops, 50));
        assert_eq!(std, outputs::<Rpds>(&ops, 50));
    }

    /// An obviously correct twin: plain collections, no indexes; who holds
    /// what and who wrote what are found by scanning every book.
    #[derive(Clone, Debug, PartialEq)]
    struct Twin {
        version: u64,
        books: BTreeMap<Isbn, TwinBook>,
        authors: BTreeMap<AuthorId, String>,
        members: BTreeMap<MemberId, String>,
    }

    /// Item id, rack, borrower.
    type TwinItem = (ItemId, u32, Option<MemberId>);

    #[derive(Clone, Debug, PartialEq)]
    struct TwinBook {
        title: String,
        year: u16,
        authors: Vec<AuthorId>,
        items: Vec<TwinItem>,
    }

    impl Twin {
        fn of(library: &Library) -> Self {
            let book = |book: &Book| TwinBook {
                title: book.title.clone(),
                year: book.year,
                authors: book.authors.clone(),
                items: book
                    .items
                    .iter()
                    .map(|(id, item)| (*id, item.rack, item.lent_to))
                    .collect(),
            };
            Self {
                version: library.version,
                books: library.books.iter().map(|(k, b)| (*k, book(b))).collect(),
                authors: library
                    .authors
                    .iter()
                    .map(|(k, a)| (*k, a.name.clone()))
                    .collect(),
                members: library
                    .members
                    .iter()
                    .map(|(k, m)| (*k, m.name.clone()))
                    .collect(),
            }
        }

        fn item(&self, isbn: &Isbn, id: &ItemId) -> Option<&TwinItem> {
            self.books
                .get(isbn)?
                .items
                .iter()
                .find(|item| item.0 == *id)
        }

        fn read(&self, op: &LibraryRead) -> LibraryReadOutput {
            use FieldValue::*;
            let value = match op {
                LibraryRead::Get(Path::BookTitle(i)) => {
                    self.books.get(i).map(|b| Text(b.title.clone()))
                }
                LibraryRead::Get(Path::BookYear(i)) => self.books.get(i).map(|b| Year(b.year)),
                LibraryRead::Get(Path::ItemRack(i, n)) => self.item(i, n).map(|item| Rack(item.1)),
                LibraryRead::Get(Path::ItemLentTo(i, n)) => {
                    self.item(i, n).map(|item| LentTo(item.2))
                }
                LibraryRead::Get(Path::AuthorName(a)) => self.authors.get(a).cloned().map(Text),
                LibraryRead::Get(Path::MemberName(m)) => self.members.get(m).cloned().map(Text),
                LibraryRead::MemberLent(m) if self.members.contains_key(m) => {
                    let mut lent = vec![];
                    for (isbn, book) in &self.books {
                        for (id, _, lent_to) in &book.items {
                            if *lent_to == Some(*m) {
                                lent.push((*isbn, *id));
                            }
                        }
                    }
                    lent.sort();
                    return LibraryReadOutput::Lent(lent);
                }
                LibraryRead::BooksBy(a) if self.authors.contains_key(a) => {
                    let mut books = vec![];
                    for (isbn, book) in &self.books {
                        if book.authors.contains(a) {
                            books.push((*isbn, book.title.clone()));
                        }
                    }
                    books.sort();
                    return LibraryReadOutput::Books(books);
                }
                _ => None,
            };
            value.map_or(LibraryReadOutput::NotFound, LibraryReadOutput::Value)
        }

        fn write(&mut self, op: &LibraryWrite) -> LibraryWriteOutput {
            let outcome = self.change(op);
            self.version += 1;
            match outcome {
                Ok(effect) => LibraryWriteOutput::Done(effect),
                Err(reason) => LibraryWriteOutput::Refused(reason),
            }
        }

        fn item_mut(&mut self, isbn: &Isbn, id: &ItemId) -> Result<&mut TwinItem, Refusal> {
            let book = self.books.get_mut(isbn).ok_or(Refusal::NoSuchBook)?;
            book.items
                .iter_mut()
                .find(|item| item.0 == *id)
                .ok_or(Refusal::NoSuchItem)
        }

        fn change(&mut self, op: &LibraryWrite) -> Result<Effect, Refusal> {
            match op {
                LibraryWrite::SetField(path, value) => {
                    match (path, value) {
                        (Path::ItemLentTo(..), _) => return Err(Refusal::ReadOnly),
                        (Path::BookTitle(i), FieldValue::Text(t)) => {
                            self.books.get_mut(i).ok_or(Refusal::NoSuchBook)?.title = t.clone()
                        }
                        (Path::BookYear(i), FieldValue::Year(y)) => {
                            self.books.get_mut(i).ok_or(Refusal::NoSuchBook)?.year = *y
                        }
                        (Path::ItemRack(i, n), FieldValue::Rack(r)) => self.item_mut(i, n)?.1 = *r,
                        (Path::AuthorName(a), FieldValue::Text(t)) => {
                            *self.authors.get_mut(a).ok_or(Refusal::NoSuchAuthor)? = t.clone()
                        }
                        (Path::MemberName(m), FieldValue::Text(t)) => {
                            *self.members.get_mut(m).ok_or(Refusal::NoSuchMember)? = t.clone()
                        }
                        _ => return Err(Refusal::WrongKind),
                    }
                    Ok(Effect::Set)
                }
                LibraryWrite::Lend { isbn, item, member } => {
                    let lent_to = self.item_mut(isbn, item)?.2;
                    if !self.members.contains_key(member) {
                        return Err(Refusal::NoSuchMember);
                    }
                    if lent_to.is_some() {
                        return Err(Refusal::AlreadyLent);
                    }
                    let free = self.books[isbn]
                        .items
                        .iter()
                        .filter(|i| i.2.is_none())
                        .count();
                    if free == 1 {
                        return Err(Refusal::LastFreeItem);
                    }
                    self.item_mut(isbn, item)?.2 = Some(*member);
                    Ok(Effect::Lent)
                }
                LibraryWrite::Return { isbn, item } => {
                    let from = self
                        .item_mut(isbn, item)?
                        .2
                        .take()
                        .ok_or(Refusal::NotLent)?;
                    Ok(Effect::Returned { from })
                }
                LibraryWrite::AddMember { id, name } => {
                    if self.members.contains_key(id) {
                        return Err(Refusal::MemberExists);
                    }
                    self.members.insert(*id, name.clone());
                    Ok(Effect::MemberAdded)
                }
                LibraryWrite::AddBook {
                    isbn,
                    title,
                    year,
                    authors,
                    items,
                } => {
                    if self.books.contains_key(isbn) {
                        return Err(Refusal::BookExists);
                    }
                    if *items == 0 || *items > MAX_ITEMS {
                        return Err(Refusal::BadItemCount);
                    }
                    let mut ids = vec![];
                    for (id, name) in authors {
                        self.authors.entry(*id).or_insert_with(|| name.clone());
                        if !ids.contains(id) {
                            ids.push(*id);
                        }
                    }
                    ids.sort();
                    let book = TwinBook {
                        title: title.clone(),
                        year: *year,
                        authors: ids,
                        items: (0..*items).map(|n| (ItemId(n), 0, None)).collect(),
                    };
                    self.books.insert(*isbn, book);
                    Ok(Effect::BookAdded)
                }
            }
        }
    }

    const SIZE: usize = 12;

    fn any_isbn() -> impl Strategy<Value = Isbn> {
        (0..SIZE + 4).prop_map(isbn)
    }

    fn any_item() -> impl Strategy<Value = ItemId> {
        (0u32..6).prop_map(ItemId)
    }

    fn any_author() -> impl Strategy<Value = AuthorId> {
        (0u32..6).prop_map(AuthorId)
    }

    fn any_member() -> impl Strategy<Value = MemberId> {
        (0u32..5).prop_map(MemberId)
    }

    fn any_text() -> impl Strategy<Value = String> {
        (0u8..4).prop_map(|n| format!("t{n}"))
    }

    fn any_path() -> impl Strategy<Value = Path> {
        prop_oneof![
            any_isbn().prop_map(Path::BookTitle),
            any_isbn().prop_map(Path::BookYear),
            (any_isbn(), any_item()).prop_map(|(b, i)| Path::ItemRack(b, i)),
            (any_isbn(), any_item()).prop_map(|(b, i)| Path::ItemLentTo(b, i)),
            any_author().prop_map(Path::AuthorName),
            any_member().prop_map(Path::MemberName),
        ]
    }

    fn any_value() -> impl Strategy<Value = FieldValue> {
        prop_oneof![
            any_text().prop_map(FieldValue::Text),
            (1900u16..1910).prop_map(FieldValue::Year),
            (0u32..5).prop_map(FieldValue::Rack),
            proptest::option::of(any_member()).prop_map(FieldValue::LentTo),
        ]
    }

    fn any_read() -> impl Strategy<Value = LibraryRead> {
        prop_oneof![
            any_path().prop_map(LibraryRead::Get),
            any_member().prop_map(LibraryRead::MemberLent),
            any_author().prop_map(LibraryRead::BooksBy),
        ]
    }

    fn any_write() -> impl Strategy<Value = LibraryWrite> {
        let set = (any_path(), any_value()).prop_map(|(p, v)| LibraryWrite::SetField(p, v));
        let lend = (any_isbn(), any_item(), any_member())
            .prop_map(|(isbn, item, member)| LibraryWrite::Lend { isbn, item, member });
        let give_back =
            (any_isbn(), any_item()).prop_map(|(isbn, item)| LibraryWrite::Return { isbn, item });
        let member =
            (any_member(), any_text()).prop_map(|(id, name)| LibraryWrite::AddMember { id, name });
        let authors = proptest::collection::vec((any_author(), any_text()), 0..3);
        let book =
            (any_isbn(), any_text(), authors, 0u32..4).prop_map(|(isbn, title, authors, items)| {
                LibraryWrite::AddBook {
                    isbn,
                    title,
                    year: 2000,
                    authors,
                    items,
                }
            });
        prop_oneof![4 => lend, 4 => give_back, 2 => set, 1 => member, 1 => book]
    }

    fn any_op() -> impl Strategy<Value = Op<LibraryScenario>> {
        prop_oneof![
            any_read().prop_map(Op::Read),
            any_write().prop_map(Op::Write)
        ]
    }

    fn matches_twin(
        size: usize,
        ops: impl IntoIterator<Item = Op<LibraryScenario>>,
    ) -> Result<(), TestCaseError> {
        let s = scenario();
        let mut library = s.initial_state(size);
        let mut twin = Twin::of(&library);
        for op in ops {
            let expected = match &op {
                Op::Read(read) => Output::Read(twin.read(read)),
                Op::Write(write) => Output::Write(twin.write(write)),
            };
            prop_assert_eq!(s.apply(&mut library, &op), expected, "{:?}", op);
            prop_assert!(s.check_invariants(&library).is_ok());
        }
        prop_assert_eq!(Twin::of(&library), twin);
        Ok(())
    }

    proptest! {
        #[test]
        fn arbitrary_operations_match_the_twin(ops in proptest::collection::vec(any_op(), 0..80)) {
            matches_twin(SIZE, ops)?;
        }

        #[test]
        fn generated_operations_match_the_twin(size in 0usize..40, seed in any::<u64>()) {
            matches_twin(size, scenario().generate(size, &workload(), seed).take(150))?;
        }
    }

    // Three-way merge.

    fn scenario_in<R: Repr>() -> LibraryScenario<R> {
        LibraryScenario::with_write_delay(Duration::ZERO)
    }

    /// `count` generated writes (no reads) on a library of `size` books.
    fn generated_writes<R: Repr>(size: usize, seed: u64, count: usize) -> Vec<LibraryWrite> {
        let only_writes = Workload::new(0.0, KeyDist::Zipf { theta: 0.99 }).unwrap();
        scenario_in::<R>()
            .generate(size, &only_writes, seed)
            .take(count)
            .map(|op| match op {
                Op::Write(write) => write,
                Op::Read(read) => panic!("a write-only workload drew {read:?}"),
            })
            .collect()
    }

    /// `from` with `changes` applied.
    fn applied<R: Repr>(
        s: &LibraryScenario<R>,
        from: &Library<R>,
        changes: &[LibraryChange<R>],
    ) -> Library<R> {
        let mut state = from.clone();
        s.apply_changes(&mut state, changes);
        state
    }

    /// `from` after `op`, and the op's output.
    fn written<R: Repr>(
        s: &LibraryScenario<R>,
        from: &Library<R>,
        op: &LibraryWrite,
    ) -> (Library<R>, LibraryWriteOutput) {
        let mut state = from.clone();
        let output = s.write(&mut state, op);
        (state, output)
    }

    fn diff_then_apply_law<R: Repr>() {
        let s = scenario_in::<R>();
        let mut library = s.initial_state(40);
        let mut checkpoint = library.clone();
        let mut added = 0;
        for (n, op) in generated_writes::<R>(40, 17, 2_000).iter().enumerate() {
            let previous = library.clone();
            s.write(&mut library, op);
            let changes = s.diff(&previous, &library);
            assert!(changes.contains(&LibraryChange::Version(1)), "{changes:?}");
            assert_eq!(applied(&s, &previous, &changes), library, "{op:?}");
            added += changes
                .iter()
                .filter(|change| {
                    matches!(
                        change,
                        LibraryChange::Book(_, Some(_))
                            | LibraryChange::Author(_, Some(_))
                            | LibraryChange::Member(_, Some(_))
                    )
                })
                .count();
            // What another writer published can span several writes.
            if n % 16 == 15 {
                let changes = s.diff(&checkpoint, &library);
                assert_eq!(applied(&s, &checkpoint, &changes), library);
                // A broken strategy can publish the older state after the newer.
                let backwards = s.diff(&library, &checkpoint);
                assert_eq!(applied(&s, &library, &backwards), checkpoint);
                checkpoint = library.clone();
            }
        }
        assert!(s.diff(&library, &library.clone()).is_empty());
        assert!(added > 50, "only {added} books, authors and members added");
    }

    #[test]
    fn diff_then_apply_rebuilds_the_next_state_in_every_representation() {
        diff_then_apply_law::<Std>();
        diff_then_apply_law::<Imbl>();
        diff_then_apply_law::<Rpds>();
    }

    /// Writes `a` and `b` computed on the same `previous`: if their changes
    /// touch disjoint leaves they commute; if `b` read nothing `a` changed,
    /// merging `b` onto `a`'s result is running `b` after `a`, with the
    /// same output.
    fn check_pair<R: Repr>(
        s: &LibraryScenario<R>,
        previous: &Library<R>,
        a: &LibraryWrite,
        b: &LibraryWrite,
    ) -> Result<Pair, TestCaseError> {
        let (after_a, _) = written(s, previous, a);
        let (after_b, output_b) = written(s, previous, b);
        let (theirs, mine) = (s.diff(previous, &after_a), s.diff(previous, &after_b));
        let writes_conflict = conflicts(s, &theirs, &mine, &[], Validate::Writes);
        prop_assert_eq!(
            writes_conflict,
            conflicts(s, &mine, &theirs, &[], Validate::Writes)
        );
        if !writes_conflict {
            prop_assert_eq!(
                applied(s, &after_a, &mine),
                applied(s, &after_b, &theirs),
                "{:?} and {:?}",
                a,
                b
            );
        }
        let read_set = s.read_set(previous, b);
        let reads_conflict = conflicts(s, &theirs, &mine, &read_set, Validate::Reads);
        prop_assert!(!writes_conflict || reads_conflict);
        if !reads_conflict {
            let (sequential, output) = written(s, &after_a, b);
            prop_assert_eq!(&output, &output_b, "{:?} after {:?}", b, a);
            prop_assert_eq!(
                applied(s, &after_a, &mine),
                sequential,
                "{:?} after {:?}",
                b,
                a
            );
        }
        Ok(Pair {
            both_changed: theirs.len() > 1 && mine.len() > 1,
            merged_on_writes: !writes_conflict,
            merged_on_reads: !reads_conflict,
        })
    }

    /// How a pair of writes computed on the same state fared.
    struct Pair {
        /// Both changed more than the version.
        both_changed: bool,
        merged_on_writes: bool,
        merged_on_reads: bool,
    }

    fn disjoint_writes_commute<R: Repr>() {
        let s = scenario_in::<R>();
        let mut library = s.initial_state(12);
        let (mut pairs, mut on_writes, mut on_reads) = (0, 0, 0);
        for pair in generated_writes::<R>(12, 23, 3_000).chunks_exact(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let pair = check_pair(&s, &library, a, b).unwrap();
            if pair.both_changed {
                pairs += 1;
                on_writes += usize::from(pair.merged_on_writes);
                on_reads += usize::from(pair.merged_on_reads);
            }
            s.write(&mut library, a);
            s.write(&mut library, b);
        }
        // Of the pairs that both change the library, most merge, and
        // validating reads refuses more than validating writes.
        assert!(
            pairs > 300 && on_reads > pairs / 2 && on_reads < on_writes && on_writes < pairs,
            "of {pairs} pairs that both change something, {on_writes} merge \
             validating writes and {on_reads} validating reads"
        );
    }

    #[test]
    fn writes_on_disjoint_leaves_commute_and_read_validated_merges_serialize() {
        disjoint_writes_commute::<Std>();
        disjoint_writes_commute::<Imbl>();
        disjoint_writes_commute::<Rpds>();
    }

    fn last_two_free_items<R: Repr>() {
        let s = scenario_in::<R>();
        let mut previous = s.initial_state(10);
        // Book 4 has three items on the shelf; after this, exactly two.
        assert_eq!(refusal(s.write(&mut previous, &lend(isbn(4), 0, 0))), None);
        let (a, b) = (lend(isbn(4), 1, 0), lend(isbn(4), 2, 1));
        let (after_a, output_a) = written(&s, &previous, &a);
        let (after_b, output_b) = written(&s, &previous, &b);
        assert_eq!(output_a, LibraryWriteOutput::Done(Effect::Lent));
        assert_eq!(output_b, LibraryWriteOutput::Done(Effect::Lent));
        let (theirs, mine) = (s.diff(&previous, &after_a), s.diff(&previous, &after_b));
        let read_set = s.read_set(&previous, &b);

        // Different item leaves: validating writes only lets both commit.
        assert!(!conflicts(&s, &theirs, &mine, &read_set, Validate::Writes));
        let merged = applied(&s, &after_a, &mine);
        let error = s.check_invariants(&merged).unwrap_err();
        assert!(error.0.contains("none of its 3 items"), "{error}");
        // Run one after the other, the second lend is refused.
        let (_, output) = written(&s, &after_a, &b);
        assert_eq!(refusal(output), Some(Refusal::LastFreeItem));

        // `b` read item 1, which `a` lent: validating reads refuses the merge.
        assert!(read_set.contains(&LibraryLeaf::ItemLentTo(isbn(4), ItemId(1))));
        assert!(conflicts(&s, &theirs, &mine, &read_set, Validate::Reads));
    }

    #[test]
    fn lending_the_last_two_free_items_merges_only_when_validating_writes() {
        last_two_free_items::<Std>();
        last_two_free_items::<Imbl>();
        last_two_free_items::<Rpds>();
    }

    fn writes_to_different_books_merge<R: Repr>() {
        let s = scenario_in::<R>();
        let previous = s.initial_state(10);
        let pairs = [
            // The same member borrows from two books.
            (lend(isbn(1), 0, 1), lend(isbn(4), 2, 1)),
            (
                LibraryWrite::SetField(Path::BookTitle(isbn(2)), FieldValue::Text("A".into())),
                give_back(isbn(3), 0),
            ),
        ];
        for (a, b) in pairs {
            let (after_a, _) = written(&s, &previous, &a);
            let (after_b, _) = written(&s, &previous, &b);
            let (da, db) = (s.diff(&previous, &after_a), s.diff(&previous, &after_b));
            let (read_a, read_b) = (s.read_set(&previous, &a), s.read_set(&previous, &b));
            assert!(!conflicts(&s, &da, &db, &read_b, Validate::Reads), "{b:?}");
            assert!(!conflicts(&s, &db, &da, &read_a, Validate::Reads), "{a:?}");
            let (a_then_b, _) = written(&s, &after_a, &b);
            let (b_then_a, _) = written(&s, &after_b, &a);
            assert_eq!(applied(&s, &after_a, &db), a_then_b);
            assert_eq!(applied(&s, &after_b, &da), b_then_a);
            assert_eq!(a_then_b, b_then_a);
            assert_eq!(a_then_b.version, 2);
            s.check_invariants(&a_then_b).unwrap();
        }
    }

    #[test]
    fn writes_to_different_books_merge_under_read_validation_in_either_order() {
        writes_to_different_books_merge::<Std>();
        writes_to_different_books_merge::<Imbl>();
        writes_to_different_books_merge::<Rpds>();
    }

    #[test]
    fn imbl_diff_of_one_write_in_a_large_library_is_that_write() {
        let s = scenario_in::<Imbl>();
        let previous = s.initial_state(100_000);
        let (lent, output) = written(&s, &previous, &lend(isbn(99_998), 1, 7));
        assert_eq!(output, LibraryWriteOutput::Done(Effect::Lent));
        let changes = s.diff(&previous, &lent);
        assert_eq!(
            changes,
            [
                LibraryChange::ItemLentTo(isbn(99_998), ItemId(1), Some(MemberId(7))),
                LibraryChange::MemberItem(MemberId(7), isbn(99_998), ItemId(1), true),
                LibraryChange::Version(1),
            ]
        );
        assert_eq!(applied(&s, &previous, &changes), lent);

        let title = FieldValue::Text("Renamed".into());
        let rename = LibraryWrite::SetField(Path::BookTitle(isbn(50_000)), title);
        let (renamed, _) = written(&s, &lent, &rename);
        assert_eq!(
            s.diff(&lent, &renamed),
            [
                LibraryChange::BookTitle(isbn(50_000), "Renamed".into()),
                LibraryChange::Version(1),
            ]
        );
    }

    proptest! {
        #[test]
        fn arbitrary_writes_on_disjoint_leaves_commute(
            before in proptest::collection::vec(any_write(), 0..30),
            a in any_write(),
            b in any_write(),
        ) {
            let s = scenario();
            let mut previous = s.initial_state(SIZE);
            for op in &before {
                s.write(&mut previous, op);
            }
            check_pair(&s, &previous, &a, &b)?;
        }
    }
}
