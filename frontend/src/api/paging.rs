//! Reading whole collections: ConnectWise returns at most 1000 records a page and no total, so the
//! console asks `/count` and then fetches the remaining pages several at a time.

use super::Cw;
use crate::error::AppError;
use cw_shared::api::{Call, MAX_PAGE_SIZE};
use cw_shared::model::Count;
use cw_shared::query::Page;
use futures::StreamExt;
use serde::de::DeserializeOwned;

/// How many page requests are in flight at once.
pub const CONCURRENT_PAGES: usize = 4;

/// Number of pages needed for `count` records.
pub fn page_count(count: usize, page_size: usize) -> usize {
    if page_size == 0 { 0 } else { count.div_ceil(page_size) }
}

/// The page size the list loads use: CW's maximum.
pub fn page_size() -> u32 {
    MAX_PAGE_SIZE
}

/// Loads every record: page 1 and `/count` together, then the remaining pages [`CONCURRENT_PAGES`] at a
/// time, in order. `on_page(records, loaded_so_far, total)` runs after each page, in page order.
pub async fn fetch_all<T: DeserializeOwned>(
    cw: &Cw,
    page_call: impl Fn(Page) -> Call<Vec<T>>,
    count_call: Call<Count>,
    what: &str,
    mut on_page: impl FnMut(Vec<T>, usize, usize),
) -> Result<(), AppError> {
    let size = page_size();
    let (first, count) = futures::join!(cw.call(page_call(Page::new(1, size)), what), cw.call(count_call, what));
    let first = first?;
    let total = (count?.count as usize).max(first.len());
    let mut loaded = first.len();
    let first_was_full = first.len() >= size as usize;
    on_page(first, loaded, total);
    if !first_was_full {
        return Ok(());
    }
    let pages = page_count(total, size as usize) as u32;
    let page_call = &page_call;
    let mut rest = futures::stream::iter(2..=pages)
        .map(|n| cw.call(page_call(Page::new(n, size)), what))
        .buffered(CONCURRENT_PAGES);
    while let Some(page) = rest.next().await {
        let page = page?;
        loaded += page.len();
        on_page(page, loaded, total.max(loaded));
    }
    Ok(())
}

/// Loads every record of a small collection page by page until a short page (no `/count` needed).
pub async fn fetch_all_small<T: DeserializeOwned>(
    cw: &Cw,
    page_call: impl Fn(Page) -> Call<Vec<T>>,
    what: &str,
) -> Result<Vec<T>, AppError> {
    let size = page_size();
    let mut out = Vec::new();
    for n in 1..=1000 {
        let records = cw.call(page_call(Page::new(n, size)), what).await?;
        let short = records.len() < size as usize;
        out.extend(records);
        if short {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_rounds_up() {
        assert_eq!(page_count(0, 1000), 0);
        assert_eq!(page_count(8, 1000), 1);
        assert_eq!(page_count(1000, 1000), 1);
        assert_eq!(page_count(1001, 1000), 2);
        assert_eq!(page_count(10_000, 1000), 10);
    }
}
