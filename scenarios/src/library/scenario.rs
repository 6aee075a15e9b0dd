//! The `Scenario` and `Increments` impls: reads, writes and the initial state.

use super::*;

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
