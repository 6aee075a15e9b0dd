//! The catalog's types: books, items, authors, members, and the operations' inputs and outputs.

use super::*;

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

pub(super) fn as_id(index: usize) -> u32 {
    u32::try_from(index).expect("at most u32::MAX authors, members and items")
}
