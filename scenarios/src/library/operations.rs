//! The writes and reads on a `Library`, each keeping the invariants or refusing.

use super::*;

pub(super) fn get<R: Repr>(library: &Library<R>, path: &Path) -> Option<FieldValue> {
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

pub(super) fn titles<R: Repr>(library: &Library<R>, author: &Author<R>) -> Vec<(Isbn, String)> {
    author
        .books
        .iter()
        .filter_map(|(isbn, ())| Some((*isbn, library.books.get(isbn)?.title.clone())))
        .collect()
}

pub(super) fn find_book_mut<R: Repr>(
    library: &mut Library<R>,
    isbn: Isbn,
) -> Result<&mut Book<R>, Refusal> {
    library.books.get_mut(&isbn).ok_or(Refusal::NoSuchBook)
}

pub(super) fn find_item<R: Repr>(
    library: &Library<R>,
    isbn: Isbn,
    item: ItemId,
) -> Result<&Item, Refusal> {
    let book = library.books.get(&isbn).ok_or(Refusal::NoSuchBook)?;
    book.items.get(&item).ok_or(Refusal::NoSuchItem)
}

pub(super) fn find_item_mut<R: Repr>(
    library: &mut Library<R>,
    isbn: Isbn,
    item: ItemId,
) -> Result<&mut Item, Refusal> {
    let book = find_book_mut(library, isbn)?;
    book.items.get_mut(&item).ok_or(Refusal::NoSuchItem)
}

pub(super) fn free_items<R: Repr>(book: &Book<R>) -> usize {
    book.items
        .iter()
        .filter(|(_, item)| item.lent_to.is_none())
        .count()
}

pub(super) fn set_field<R: Repr>(
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

pub(super) fn lend<R: Repr>(
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
pub(super) fn give_back<R: Repr>(
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

pub(super) fn add_member<R: Repr>(
    library: &mut Library<R>,
    id: MemberId,
    name: &str,
) -> Result<(), Refusal> {
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

pub(super) fn add_book<R: Repr>(
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
