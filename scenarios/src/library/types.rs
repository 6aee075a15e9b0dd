//! The catalog's types: books, items, authors, members, and the operations' inputs and outputs.

use super::*;

/// A book's ISBN: its key in [`Library::books`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Isbn(pub u64);

/// An author's id, their key in [`Library::authors`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AuthorId(pub u32);

/// A member's id, their key in [`Library::members`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(pub u32);

/// An item's number within its book: a book of `n` items numbers them `0..n`.
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
    /// The catalog: every book by ISBN.
    pub books: R::Map<Isbn, Book<R>>,
    /// Every author by id.
    pub authors: R::Map<AuthorId, Author<R>>,
    /// Every member by id.
    pub members: R::Map<MemberId, Member<R>>,
}

/// A book in the catalog, with its copies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Book<R: Repr = Std> {
    /// The title.
    pub title: String,
    /// The publication year.
    pub year: u16,
    /// Sorted, without duplicates.
    pub authors: Vec<AuthorId>,
    /// The book's copies, by number; at least one is always on the shelf.
    pub items: R::Map<ItemId, Item>,
}

/// One copy of a book.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    /// The number of the rack it is kept on.
    pub rack: u32,
    /// The member it is lent to; `None` while it is on the shelf.
    pub lent_to: Option<MemberId>,
}

/// An author, with the books they are listed on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Author<R: Repr = Std> {
    /// The author's name.
    pub name: String,
    /// The ISBNs of the author's books (a set: a map to `()`).
    pub books: R::Map<Isbn, ()>,
}

/// A library member, with the items they hold.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Member<R: Repr = Std> {
    /// The member's name.
    pub name: String,
    /// The items lent to this member, by book and item (a set: a map to `()`).
    pub lent: R::Map<(Isbn, ItemId), ()>,
}

/// Where a single value lives in the document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Path {
    /// A book's title (a [`FieldValue::Text`]).
    BookTitle(Isbn),
    /// A book's publication year (a [`FieldValue::Year`]).
    BookYear(Isbn),
    /// An item's rack (a [`FieldValue::Rack`]).
    ItemRack(Isbn, ItemId),
    /// An item's borrower (a [`FieldValue::LentTo`]).
    /// Readable only: lending and returning are the only ways to change it.
    ItemLentTo(Isbn, ItemId),
    /// An author's name (a [`FieldValue::Text`]).
    AuthorName(AuthorId),
    /// A member's name (a [`FieldValue::Text`]).
    MemberName(MemberId),
}

/// A value found at, or written to, a [`Path`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldValue {
    /// A title or a name.
    Text(String),
    /// A publication year.
    Year(u16),
    /// A rack number.
    Rack(u32),
    /// An item's borrower, `None` when it is on the shelf.
    LentTo(Option<MemberId>),
}

/// A read of the library.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LibraryRead {
    /// The value at a path.
    Get(Path),
    /// The items lent to a member.
    MemberLent(MemberId),
    /// An author's books.
    BooksBy(AuthorId),
}

/// What a [`LibraryRead`] returns, all from one state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LibraryReadOutput {
    /// The value at the path read.
    Value(FieldValue),
    /// Sorted by ISBN, then item.
    Lent(Vec<(Isbn, ItemId)>),
    /// Sorted by ISBN, with titles.
    Books(Vec<(Isbn, String)>),
    /// The path, member or author read does not exist.
    NotFound,
}

/// A write to the library. Every write, refused ones included, bumps
/// [`Library::version`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LibraryWrite {
    /// Replace the value at a path with a value of the same kind.
    SetField(Path, FieldValue),
    /// Lends an item on the shelf to a member; refused if it is the book's
    /// last free item.
    Lend {
        /// The book.
        isbn: Isbn,
        /// The item of that book.
        item: ItemId,
        /// The borrower, who must exist.
        member: MemberId,
    },
    /// Puts a lent item back on the shelf, and off its borrower's list.
    Return {
        /// The book.
        isbn: Isbn,
        /// The item of that book.
        item: ItemId,
    },
    /// Adds a member who holds nothing.
    AddMember {
        /// The new member's id; refused if it is taken.
        id: MemberId,
        /// The new member's name.
        name: String,
    },
    /// Adds a book with `items` items on rack 0, creating the authors that do
    /// not exist yet (an existing author keeps its name).
    AddBook {
        /// The new book's ISBN; refused if it is taken.
        isbn: Isbn,
        /// The title.
        title: String,
        /// The publication year.
        year: u16,
        /// The authors' ids, with the names to give those that are new.
        authors: Vec<(AuthorId, String)>,
        /// How many items, between 1 and [`MAX_ITEMS`].
        items: u32,
    },
}

/// What a [`LibraryWrite`] returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LibraryWriteOutput {
    /// The write was accepted.
    Done(Effect),
    /// The write was refused and changed nothing but the version.
    Refused(Refusal),
}

/// What an accepted write did.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// The field was set ([`LibraryWrite::SetField`]).
    Set,
    /// The item was lent ([`LibraryWrite::Lend`]).
    Lent,
    /// The item is back on the shelf ([`LibraryWrite::Return`]).
    Returned {
        /// The member who had it.
        from: MemberId,
    },
    /// The member was added ([`LibraryWrite::AddMember`]).
    MemberAdded,
    /// The book was added ([`LibraryWrite::AddBook`]).
    BookAdded,
}

/// Why a write changed nothing but the version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// No book has this ISBN.
    NoSuchBook,
    /// The book has no item with this number.
    NoSuchItem,
    /// No author has this id.
    NoSuchAuthor,
    /// No member has this id.
    NoSuchMember,
    /// The value is not of the kind the path holds.
    WrongKind,
    /// The path is not settable (a lent flag).
    ReadOnly,
    /// The item to lend is already lent.
    AlreadyLent,
    /// The item to return is on the shelf.
    NotLent,
    /// Lending the item would leave its book with no item on the shelf.
    LastFreeItem,
    /// A member already has this id.
    MemberExists,
    /// A book already has this ISBN.
    BookExists,
    /// A new book needs between 1 and [`MAX_ITEMS`] items.
    BadItemCount,
}

/// The ISBN of the book at `index` in the initial state.
pub fn isbn(index: usize) -> Isbn {
    Isbn(FIRST_ISBN + index as u64)
}

pub(super) fn as_id(index: usize) -> u32 {
    u32::try_from(index).expect("at most u32::MAX authors, members and items")
}
