//! View-independent logic of the client list: the row model, the search filter, the virtual window and
//! keyboard movement. Plain Rust, tested natively.

use cw_shared::ids::CompanyId;
use std::ops::Range;

/// Height of one client row in pixels (the scroller renders rows absolutely at `index * ROW_HEIGHT`).
pub const ROW_HEIGHT: f64 = 52.0;

/// Rows rendered above and below the visible ones, so fast scrolling never shows a gap.
pub const OVERSCAN: usize = 6;

/// One company as the sidebar shows it, with its search text prepared once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    /// CW company id.
    pub id: CompanyId,
    /// Company name.
    pub name: String,
    /// CW identifier (the short code).
    pub identifier: String,
    /// `City, ST` (or whichever of the two exists).
    pub location: String,
    /// Status word: Active, Inactive, Prospect…
    pub status: String,
    /// Lower-case name, identifier and city, for the search.
    haystack: String,
}

impl ClientRow {
    /// Builds a row from a company's fields.
    pub fn new(id: CompanyId, name: &str, identifier: &str, city: &str, state: &str, status: &str) -> Self {
        let haystack = format!("{}\u{1}{}\u{1}{}", name, identifier, city).to_lowercase();
        Self {
            id,
            name: name.to_string(),
            identifier: identifier.to_string(),
            location: location(city, state),
            status: status.to_string(),
            haystack,
        }
    }

    /// Case-insensitive match of an already lower-cased query against name, identifier or city.
    pub fn matches(&self, query_lower: &str) -> bool {
        query_lower.is_empty() || self.haystack.contains(query_lower)
    }

    /// The CSS modifier for the status badge.
    pub fn status_class(&self) -> &'static str {
        status_class(&self.status)
    }
}

/// `City, ST`; just one of them when the other is missing.
pub fn location(city: &str, state: &str) -> String {
    match (city.trim(), state.trim()) {
        ("", "") => String::new(),
        (c, "") => c.to_string(),
        ("", s) => s.to_string(),
        (c, s) => format!("{c}, {s}"),
    }
}

/// `status-active`, `status-inactive`, `status-prospect` or `status-other`.
pub fn status_class(status: &str) -> &'static str {
    match status.to_ascii_lowercase().as_str() {
        "active" => "status-active",
        "inactive" | "not-approved" | "no longer a client" => "status-inactive",
        "prospect" => "status-prospect",
        _ => "status-other",
    }
}

/// Indexes (into `rows`) of the rows the search shows, in list order.
pub fn filter_rows(rows: &[ClientRow], query: &str) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    rows.iter().enumerate().filter(|(_, r)| r.matches(&q)).map(|(i, _)| i).collect()
}

/// The rows (as positions in the filtered list) to render for a scroll position.
pub fn visible_range(scroll_top: f64, viewport: f64, row_height: f64, len: usize, overscan: usize) -> Range<usize> {
    if len == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let count = (viewport.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(len);
    let end = (first + count + overscan).min(len);
    start..end
}

/// The scrollTop that brings row `index` fully into view, or `None` when it already is.
pub fn reveal(index: usize, scroll_top: f64, viewport: f64, row_height: f64) -> Option<f64> {
    let top = index as f64 * row_height;
    let bottom = top + row_height;
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top + viewport {
        Some((bottom - viewport).max(0.0))
    } else {
        None
    }
}

/// The next cursor position in a list of `len` rows after ArrowUp (`delta = -1`) or ArrowDown (`+1`).
pub fn move_cursor(current: Option<usize>, delta: isize, len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(match current {
        None if delta < 0 => len - 1,
        None => 0,
        Some(i) => (i.min(len - 1) as isize + delta).clamp(0, len as isize - 1) as usize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<ClientRow> {
        vec![
            ClientRow::new(CompanyId(1), "Acme Dental", "ACMEDENT", "Chicago", "IL", "Active"),
            ClientRow::new(CompanyId(2), "Birch Legal", "BIRCH", "Springfield", "IL", "Prospect"),
            ClientRow::new(CompanyId(3), "Cobalt Freight", "COBALT", "Denver", "CO", "Inactive"),
        ]
    }

    #[test]
    fn search_is_case_insensitive_over_name_identifier_and_city() {
        let r = rows();
        assert_eq!(filter_rows(&r, ""), vec![0, 1, 2]);
        assert_eq!(filter_rows(&r, "  acme "), vec![0]);
        assert_eq!(filter_rows(&r, "BIRCH"), vec![1]);
        assert_eq!(filter_rows(&r, "denver"), vec![2]);
        assert!(filter_rows(&r, "il").is_empty()); // the state column is not searched
        assert_eq!(filter_rows(&r, "spring"), vec![1]);
        assert!(filter_rows(&r, "zzz").is_empty());
    }

    #[test]
    fn location_and_status_render_as_the_contract_says() {
        assert_eq!(rows()[0].location, "Chicago, IL");
        assert_eq!(location("Chicago", ""), "Chicago");
        assert_eq!(location("", "IL"), "IL");
        assert_eq!(location("", ""), "");
        assert_eq!(rows()[2].status_class(), "status-inactive");
        assert_eq!(status_class("Prospect"), "status-prospect");
    }

    #[test]
    fn virtual_window_covers_the_viewport_plus_overscan() {
        assert_eq!(visible_range(0.0, 520.0, 52.0, 10_000, 6), 0..17);
        assert_eq!(visible_range(52_000.0, 520.0, 52.0, 10_000, 6), 994..1017);
        assert_eq!(visible_range(519_480.0, 520.0, 52.0, 10_000, 6), 9984..10_000);
        assert_eq!(visible_range(0.0, 520.0, 52.0, 8, 6), 0..8);
        assert_eq!(visible_range(9_999_999.0, 520.0, 52.0, 8, 6), 8..8);
        assert_eq!(visible_range(100.0, 520.0, 52.0, 0, 6), 0..0);
    }

    #[test]
    fn reveal_scrolls_only_when_needed() {
        assert_eq!(reveal(0, 0.0, 520.0, 52.0), None);
        assert_eq!(reveal(10, 0.0, 520.0, 52.0), Some(52.0));
        assert_eq!(reveal(3, 520.0, 520.0, 52.0), Some(156.0));
    }

    #[test]
    fn cursor_moves_and_stops_at_the_ends() {
        assert_eq!(move_cursor(None, 1, 3), Some(0));
        assert_eq!(move_cursor(None, -1, 3), Some(2));
        assert_eq!(move_cursor(Some(0), -1, 3), Some(0));
        assert_eq!(move_cursor(Some(2), 1, 3), Some(2));
        assert_eq!(move_cursor(Some(7), 1, 3), Some(2));
        assert_eq!(move_cursor(Some(1), 1, 0), None);
    }
}
