//! The three-way merge: the document's leaves, and diffs that walk it level by level.

use super::*;

/// A leaf of a [`Library`]: the unit a three-way merge compares.
///
/// `Book`, `Author` and `Member` stand for the whole entry being added or
/// removed, and for its existence, which is what a write that only checks
/// that something exists reads. The other leaves are the fields and map
/// entries inside an entry that exists on both sides of a diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LibraryLeaf {
    /// The book as a whole: its existence, and with it its items'.
    Book(Isbn),
    /// The book's title.
    BookTitle(Isbn),
    /// The book's publication year.
    BookYear(Isbn),
    /// The book's list of author ids.
    BookAuthors(Isbn),
    /// The rack of one item of the book.
    ItemRack(Isbn, ItemId),
    /// The borrower of one item of the book.
    ItemLentTo(Isbn, ItemId),
    /// The author as a whole: their existence.
    Author(AuthorId),
    /// The author's name.
    AuthorName(AuthorId),
    /// Whether the author lists the book.
    AuthorBook(AuthorId, Isbn),
    /// The member as a whole: their existence.
    Member(MemberId),
    /// The member's name.
    MemberName(MemberId),
    /// Whether the member lists the item.
    MemberItem(MemberId, Isbn, ItemId),
    /// The counter [`Library::version`].
    Version,
}

/// A change to one leaf of a [`Library`]: the leaf's new value, `None` or
/// `false` for an entry removed; the version changes by a delta.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LibraryChange<R: Repr = Std> {
    /// A book added (or replaced whole), or removed.
    Book(Isbn, Option<Book<R>>),
    /// The book's new title.
    BookTitle(Isbn, String),
    /// The book's new publication year.
    BookYear(Isbn, u16),
    /// The book's new author ids (sorted, without duplicates).
    BookAuthors(Isbn, Vec<AuthorId>),
    /// The item's new rack.
    ItemRack(Isbn, ItemId, u32),
    /// The item's new borrower, `None` when it is back on the shelf.
    ItemLentTo(Isbn, ItemId, Option<MemberId>),
    /// An author added (or replaced whole), or removed.
    Author(AuthorId, Option<Author<R>>),
    /// The author's new name.
    AuthorName(AuthorId, String),
    /// Whether the author now lists the book.
    AuthorBook(AuthorId, Isbn, bool),
    /// A member added (or replaced whole), or removed.
    Member(MemberId, Option<Member<R>>),
    /// The member's new name.
    MemberName(MemberId, String),
    /// Whether the member now lists the item.
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
pub(super) fn diff_book<R: Repr>(
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
pub(super) fn diff_author<R: Repr>(
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
pub(super) fn diff_member<R: Repr>(
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
pub(super) fn set_listed<K: Key>(set: &mut impl Map<K, ()>, key: K, listed: bool) {
    if listed {
        set.insert(key, ());
    } else {
        set.remove(&key);
    }
}
