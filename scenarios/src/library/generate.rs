//! How the initial state is laid out, and the generators that aim operations at what exists.

use super::*;

/// How the initial state of a given size is laid out; generators use it to
/// aim at things that exist.
#[derive(Clone, Copy, Debug)]
pub(super) struct Layout {
    pub(super) authors: usize,
    pub(super) members: usize,
}

impl Layout {
    pub(super) fn new(size: usize) -> Self {
        Self {
            authors: (size / 4).max(1),
            members: (size / 10).max(2),
        }
    }

    pub(super) fn items_of(book: usize) -> u32 {
        2 + as_id(book % 3)
    }

    pub(super) fn authors_of(&self, book: usize) -> Vec<AuthorId> {
        let first = book % self.authors;
        let mut ids = vec![AuthorId(as_id(first))];
        if book % 2 == 1 && self.authors > 1 {
            ids.push(AuthorId(as_id((first + 1) % self.authors)));
            ids.sort();
        }
        ids
    }

    pub(super) fn first_author(&self, book: usize) -> AuthorId {
        AuthorId(as_id(book % self.authors))
    }

    /// Every third book starts with its item 0 lent.
    pub(super) fn borrower_of(&self, book: usize) -> Option<MemberId> {
        (book % 3 == 0).then(|| self.member_at(book / 3))
    }

    pub(super) fn member_at(&self, index: usize) -> MemberId {
        MemberId(as_id(index % self.members))
    }

    pub(super) fn book<R: Repr>(&self, book: usize) -> Book<R> {
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

pub(super) fn new_id(ctx: &mut GenContext) -> u32 {
    FIRST_NEW_ID + ctx.below(u64::from(u32::MAX - FIRST_NEW_ID)) as u32
}

pub(super) fn random_path(ctx: &mut GenContext, layout: &Layout, book: usize) -> Path {
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

pub(super) fn random_set(
    ctx: &mut GenContext,
    layout: &Layout,
    book: usize,
    item: ItemId,
) -> LibraryWrite {
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

pub(super) fn random_new_book(ctx: &mut GenContext, layout: &Layout) -> LibraryWrite {
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
