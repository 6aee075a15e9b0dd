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
    let expected = [3, 4, 13, 14, 23, 24, 33, 34].map(|book| (isbn(book), format!("Book {book}")));
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
    let count = |wanted: fn(&Op<LibraryScenario>) -> bool| a.iter().filter(|op| wanted(op)).count();
    let gets = count(|op| matches!(op, Op::Read(LibraryRead::Get(_))));
    let lends = count(|op| matches!(op, Op::Write(LibraryWrite::Lend { .. })));
    let books = count(|op| matches!(op, Op::Write(LibraryWrite::AddBook { .. })));
    assert!((1_000..1_400).contains(&gets), "{gets} gets");
    assert!((550..850).contains(&lends), "{lends} lends");
    assert!((50..150).contains(&books), "{books} new books");
}

fn outputs<R: Repr>(ops: &[Op<LibraryScenario>], size: usize) -> Vec<String> {
    let s = LibraryScenario::<R>::default();
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
            LibraryRead::Get(Path::ItemLentTo(i, n)) => self.item(i, n).map(|item| LentTo(item.2)),
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
    LibraryScenario::default()
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
