//! The table's types: route paths (inline when short), backends, routes, and
//! the operations' inputs and outputs.

use super::*;

/// A request path or a route prefix. Paths of up to 38 bytes (every generated
/// one) are stored inline, so a lookup builds a key without allocating.
#[derive(Clone)]
pub struct RoutePath(Bytes);

#[derive(Clone)]
pub(super) enum Bytes {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Arc<[u8]>),
}

impl RoutePath {
    /// The path `path`, such as `/svc00017/v2`.
    pub fn new(path: &str) -> Self {
        Self::from_bytes(path.as_bytes())
    }

    /// Only called with a whole path or a prefix of one that ends before a `/`,
    /// so the bytes are always UTF-8.
    pub(super) fn from_bytes(path: &[u8]) -> Self {
        if path.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..path.len()].copy_from_slice(path);
            let len = path.len() as u8;
            RoutePath(Bytes::Inline { len, bytes })
        } else {
            RoutePath(Bytes::Heap(path.into()))
        }
    }

    /// The path's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Bytes::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Bytes::Heap(bytes) => bytes,
        }
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("a route path is built from a str")
    }

    /// Whether this prefix matches `path` in whole segments: `/a` matches `/a`
    /// and `/a/b`, not `/ab`.
    pub fn covers(&self, path: &[u8]) -> bool {
        let prefix = self.as_bytes();
        path.starts_with(prefix) && path.get(prefix.len()).is_none_or(|&b| b == b'/')
    }

    /// The tenant a path belongs to: the path up to its second `/`
    /// (`/t0003` for `/t0003/svc00017/v2`), or all of it.
    pub fn tenant(&self) -> RoutePath {
        let path = self.as_bytes();
        RoutePath::from_bytes(&path[..tenant_len(path)])
    }
}

pub(super) fn tenant_len(path: &[u8]) -> usize {
    let mut slashes = path.iter().enumerate().filter(|&(_, &b)| b == b'/');
    slashes.nth(1).map_or(path.len(), |(at, _)| at)
}

impl From<&str> for RoutePath {
    fn from(path: &str) -> Self {
        RoutePath::new(path)
    }
}

impl PartialEq for RoutePath {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for RoutePath {}

impl PartialOrd for RoutePath {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RoutePath {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for RoutePath {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for RoutePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for RoutePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a route sends its requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Backend(pub u32);

/// One entry of the table: requests under `prefix` go to `backend`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    /// The path prefix it serves, in whole segments (in `indexed`, the exact path).
    pub prefix: RoutePath,
    /// Where it sends the requests.
    pub backend: Backend,
}

impl From<(RoutePath, Backend)> for Route {
    fn from((prefix, backend): (RoutePath, Backend)) -> Self {
        Route { prefix, backend }
    }
}

/// The shared routing table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RoutingTable<R: Repr = Std> {
    /// Number of writes applied since the initial state.
    pub version: u64,
    /// How many routes `table` holds; kept in step by every write.
    pub routes: usize,
    /// The routes, in the variant's layout.
    pub table: Table<R>,
}

/// The routes, shaped by the variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Table<R: Repr = Std> {
    /// In priority order.
    Prefix(R::Seq<Route>),
    /// From prefix.
    Longest(R::Map<RoutePath, Backend>),
    /// From exact path.
    Indexed(R::Map<RoutePath, Backend>),
    /// From tenant to that tenant's routes, from prefix; no tenant is empty.
    Tenants(R::Map<RoutePath, R::Map<RoutePath, Backend>>),
}

/// A read of the routing table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingRead {
    /// Which backend serves this request path.
    Route(RoutePath),
    /// Version and route count, from one state.
    Summary,
}

/// What a [`RoutingRead`] returns, from one state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingReadOutput {
    /// The backend that serves the path; `None` if no route does.
    Routed(Option<Backend>),
    /// The answer to [`RoutingRead::Summary`].
    Summary {
        /// Writes applied so far ([`RoutingTable::version`]).
        version: u64,
        /// How many routes the table holds.
        routes: usize,
    },
}

/// A write to the routing table. Every write, even one that changes nothing,
/// bumps [`RoutingTable::version`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingWrite {
    /// Add a route whose prefix is not routed yet (last in priority in `prefix`).
    Add(Route),
    /// Remove the route with this prefix.
    Remove(RoutePath),
    /// Point an existing route at another backend.
    Replace(Route),
    /// Add or replace every route of the batch, in order.
    Reload(Arc<[Route]>),
}

/// What a write did. No output reports `version`: an output that reported a
/// global counter would make every write read it, and no two writes could
/// then merge (see [`Mergeable::read_set`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoutingWriteOutput {
    /// The route was added.
    Added,
    /// An add of a prefix that is already routed, to `backend`; nothing changed.
    AlreadyRouted {
        /// The backend the prefix is routed to.
        backend: Backend,
    },
    /// The route was removed.
    Removed {
        /// The backend it pointed at.
        backend: Backend,
    },
    /// The route now points at the new backend.
    Replaced {
        /// The backend it pointed at before.
        previous: Backend,
    },
    /// A remove or replace of a prefix that is not routed; nothing changed.
    NoSuchRoute,
    /// The batch was applied.
    Reloaded {
        /// Routes of the batch whose prefix was not routed before.
        added: usize,
        /// Routes of the batch that replaced a route's backend.
        replaced: usize,
    },
}
