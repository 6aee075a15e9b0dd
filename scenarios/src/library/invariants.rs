//! The invariants every reachable state keeps (see the module docs).

use super::*;

pub(super) fn violation<T>(library_version: u64, message: String) -> Result<T, InvariantViolation> {
    Err(InvariantViolation(format!(
        "library v{library_version}: {message}"
    )))
}

pub(super) fn check_free_items<R: Repr>(library: &Library<R>) -> Result<(), InvariantViolation> {
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

pub(super) fn check_loans<R: Repr>(library: &Library<R>) -> Result<(), InvariantViolation> {
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

pub(super) fn check_authorship<R: Repr>(library: &Library<R>) -> Result<(), InvariantViolation> {
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
