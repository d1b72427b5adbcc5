//! Lists, search results and auto-pagination.
//!
//! A list call returns one [`List`] page. [`Client::paginate`] turns a list call into a
//! [`Pages`] walker whose [`items`](Pages::items) stream every object:
//!
//! - forward with `starting_after` = the last id of each page, the default;
//! - backward with `ending_before` = the first id of each page when the parameters start with
//!   `ending_before`; each backward page is yielded oldest first, so the stream moves steadily
//!   away from the starting object;
//! - never both cursors at once; parameters that carry both are refused;
//! - it stops on an empty page or `has_more: false`; a cursor that comes back a second time
//!   is [`Error::PaginationStalled`]; more pages than the cap is [`Error::PageLimit`].
//!
//! Search endpoints page with `page` = the previous answer's `next_page`
//! ([`Client::search_paginate`]).

use std::collections::HashSet;

use futures_util::stream::{self, Stream, TryStreamExt as _};
use http::Method;
use http::header::{CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::client::{Client, RequestOptions, with_expand};
use crate::error::Error;
use crate::form::{encode, to_query};

/// The default cap on pages one auto-pagination walks.
pub const DEFAULT_MAX_PAGES: usize = 1_000;

/// One page of a list.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct List<T> {
    /// The objects, newest first for most lists.
    pub data: Vec<T>,
    /// Whether more objects exist beyond this page.
    #[serde(default)]
    pub has_more: bool,
    /// The list's URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// One page of a search.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct SearchResult<T> {
    /// The objects.
    pub data: Vec<T>,
    /// Whether more results exist.
    #[serde(default)]
    pub has_more: bool,
    /// The cursor for the next page, passed as `page`.
    #[serde(default)]
    pub next_page: Option<String>,
    /// The total number of matches, when Stripe counts them.
    #[serde(default)]
    pub total_count: Option<u64>,
}

/// The cursor parameters every list accepts.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ListParams {
    /// Objects per page, 1 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Start after this object id (forward).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_after: Option<String>,
    /// End before this object id (backward).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ending_before: Option<String>,
}

impl ListParams {
    /// No limit and no cursor.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts after `id`.
    pub fn starting_after(mut self, id: impl Into<String>) -> Self {
        self.starting_after = Some(id.into());
        self
    }

    /// Ends before `id`, walking backward.
    pub fn ending_before(mut self, id: impl Into<String>) -> Self {
        self.ending_before = Some(id.into());
        self
    }
}

/// The parameters of a search: the query, a page size and a page cursor.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchParams {
    /// Stripe's search query, such as `email:'jenny@example.com'`.
    pub query: String,
    /// Results per page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The `next_page` of a previous answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

impl SearchParams {
    /// A search for `query`.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    Forward,
    Backward,
    Search,
}

impl Walk {
    fn cursor(self) -> &'static str {
        match self {
            Self::Forward => "starting_after",
            Self::Backward => "ending_before",
            Self::Search => "page",
        }
    }
}

/// An auto-pagination over one list or search; see the [module docs](self).
#[derive(Debug, Clone)]
#[must_use]
pub struct Pages {
    client: Client,
    operation: &'static str,
    path: String,
    pairs: Vec<(String, String)>,
    options: RequestOptions,
    walk: Walk,
    max_pages: usize,
}

#[derive(Deserialize)]
struct RawPage {
    data: Vec<Box<RawValue>>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    next_page: Option<String>,
}

#[derive(Deserialize)]
struct WithId {
    id: String,
}

struct State {
    pages: Pages,
    seen: HashSet<String>,
    fetched: usize,
    done: bool,
}

impl Client {
    /// Auto-paginates the list at `path` with `params` (which may hold `limit`, filters and
    /// one cursor).
    pub fn paginate<P: Serialize + ?Sized>(
        &self,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<Pages, Error> {
        let pairs = split(&with_expand(to_query(params)?, &options.expand));
        let has = |name: &str| pairs.iter().any(|(n, _)| n == name);
        let walk = match (has("starting_after"), has("ending_before")) {
            (true, true) => {
                return Err(Error::Configuration(
                    "pass only one of starting_after and ending_before".into(),
                ));
            }
            (false, true) => Walk::Backward,
            _ => Walk::Forward,
        };
        Ok(self.pages(operation, path, pairs, options, walk))
    }

    /// Auto-paginates the search at `path`, following `next_page`.
    pub fn search_paginate(
        &self,
        operation: &'static str,
        path: &str,
        params: &SearchParams,
        options: &RequestOptions,
    ) -> Result<Pages, Error> {
        let pairs = split(&with_expand(to_query(params)?, &options.expand));
        Ok(self.pages(operation, path, pairs, options, Walk::Search))
    }

    fn pages(
        &self,
        operation: &'static str,
        path: &str,
        pairs: Vec<(String, String)>,
        options: &RequestOptions,
        walk: Walk,
    ) -> Pages {
        Pages {
            client: self.clone(),
            operation,
            path: path.to_owned(),
            pairs,
            options: options.clone(),
            walk,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

impl Pages {
    /// Stops with [`Error::PageLimit`] rather than fetch more than `pages` pages.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// Every object of every page, in walking order.
    pub fn items<T>(self) -> impl Stream<Item = Result<T, Error>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.pages::<T>()
            .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every page's objects, in walking order (a backward page is reversed).
    pub fn pages<T>(self) -> impl Stream<Item = Result<Vec<T>, Error>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        let cursor = self.walk.cursor();
        let seen = self
            .pairs
            .iter()
            .filter(|(n, _)| n == cursor)
            .map(|(_, v)| v.clone())
            .collect();
        let state = State {
            pages: self,
            seen,
            fetched: 0,
            done: false,
        };
        stream::try_unfold(state, |mut state| async move {
            if state.done {
                return Ok(None);
            }
            let page = state.next::<T>().await?;
            Ok(Some((page, state)))
        })
    }
}

impl State {
    async fn next<T: DeserializeOwned>(&mut self) -> Result<Vec<T>, Error> {
        let pages = &self.pages;
        if self.fetched >= pages.max_pages {
            return Err(Error::PageLimit {
                pages: pages.max_pages,
            });
        }
        let query: Vec<String> = pages
            .pairs
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let target = if query.is_empty() {
            pages.path.clone()
        } else {
            format!("{}?{}", pages.path, query.join("&"))
        };
        let request = pages
            .client
            .request(Method::GET, pages.operation, target, Some(&pages.options))?
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        let raw: RawPage = pages.client.call(request).await?;
        self.fetched += 1;
        let operation = pages.operation;
        let decode = |raw: &RawValue| -> Result<(String, T), Error> {
            let id = serde_json::from_str::<WithId>(raw.get())
                .map(|w| w.id)
                .map_err(|source| Error::Decode { operation, source })?;
            let item = serde_json::from_str(raw.get())
                .map_err(|source| Error::Decode { operation, source })?;
            Ok((id, item))
        };
        let mut items = raw
            .data
            .iter()
            .map(|r| decode(r))
            .collect::<Result<Vec<_>, _>>()?;
        let next = match pages.walk {
            Walk::Forward => items.last().map(|(id, _)| encode(id)),
            Walk::Backward => items.first().map(|(id, _)| encode(id)),
            Walk::Search => raw.next_page.as_deref().map(encode),
        };
        if pages.walk == Walk::Backward {
            items.reverse();
        }
        match next {
            Some(cursor) if raw.has_more && !items.is_empty() => {
                if !self.seen.insert(cursor.clone()) {
                    return Err(Error::PaginationStalled {
                        cursor: decoded(&cursor),
                    });
                }
                self.set_cursor(cursor);
            }
            _ => self.done = true,
        }
        Ok(items.into_iter().map(|(_, item)| item).collect())
    }

    fn set_cursor(&mut self, cursor: String) {
        let name = self.pages.walk.cursor();
        match self.pages.pairs.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = cursor,
            None => self.pages.pairs.push((name.to_owned(), cursor)),
        }
    }
}

fn split(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((n, v)) => (n.to_owned(), v.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect()
}

fn decoded(encoded: &str) -> String {
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8_lossy()
        .into_owned()
}
