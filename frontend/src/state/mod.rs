//! Typed application state, shared through context.
//!
//! - [`Console`]: the session (demo or live transport), the client list and its selection, the open
//!   client, the active tab and the open modal. Everything else is derived from these signals.
//! - [`toasts`]: the toast queue.
//! - [`config`]: the config bar's fields and how they are stored.
//! - [`list`]: search, virtual window and cursor math for the client list (pure, tested natively).
//! - [`bulk`]: the bulk job the bulk panel and the start-up banner share, and its journal in `localStorage`.
//! - [`onboarding`]: the onboarding run the wizard and the start-up banner share, and its journal.
//! - [`storage`]: `localStorage` for the journals.

pub mod bulk;
pub mod config;
pub mod list;
pub mod onboarding;
pub mod primary;
pub mod storage;
pub mod toasts;

use crate::api::Cw;
use crate::api::companies::{self, StatusFilter};
use crate::api::transport::{DemoTransport, LiveAuth, LiveTransport};
use crate::error::AppError;
use cw_shared::ids::CompanyId;
use cw_shared::model::{Company, Contact};
use cw_shared::store::Store;
use leptos::prelude::*;
use list::ClientRow;
use std::collections::HashSet;

/// The [`Session::target`] of demo mode.
pub const DEMO_TARGET: &str = "DEMO";

/// Demo or live: the only thing besides the transport that differs between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// In-browser store with the demo clients.
    Demo,
    /// ConnectWise through cw-proxy.
    Live,
}

impl Mode {
    /// `DEMO` / `LIVE`.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Demo => "DEMO",
            Mode::Live => "LIVE",
        }
    }

    /// The mode dot's class.
    pub fn class(self) -> &'static str {
        match self {
            Mode::Demo => "demo",
            Mode::Live => "live",
        }
    }
}

/// Which demo tenant to seed, from the page URL (`?demo=large:10000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoSeed {
    /// The eight demo clients of the spec.
    Standard,
    /// `Store::generated(companies, 3, 42)`.
    Large {
        /// Number of generated companies.
        companies: usize,
    },
}

impl DemoSeed {
    /// Reads `demo=large:N` (or `demo=large`, 10,000) from a URL query string.
    pub fn from_query(search: &str) -> Self {
        let search = search.trim_start_matches('?');
        for pair in search.split('&') {
            if let Some(value) = pair.strip_prefix("demo=") {
                let value = value.replace("%3A", ":").replace("%3a", ":");
                if let Some(rest) = value.strip_prefix("large") {
                    let n = rest.trim_start_matches(':').parse().unwrap_or(10_000);
                    return DemoSeed::Large { companies: n.clamp(1, 200_000) };
                }
            }
        }
        DemoSeed::Standard
    }

    /// The store this seed describes, with "today" set from the browser's clock (for `_info` dates).
    pub fn store(self) -> Store {
        let mut store = match self {
            DemoSeed::Standard => Store::demo(),
            DemoSeed::Large { companies } => Store::generated(companies, 3, 42),
        };
        if let Some(now) = now_iso() {
            store.set_today(&now);
        }
        store
    }
}

/// The current connection: its mode and the handle that talks to CW.
#[derive(Clone)]
pub struct Session {
    /// Demo or live.
    pub mode: Mode,
    /// The ConnectWise handle for this mode.
    pub cw: Cw,
    /// Increases on every switch, so stale loads are dropped.
    pub id: u64,
    /// Which ConnectWise this session writes to: `DEMO`, or `LIVE · host`. A saved bulk job resumes only
    /// in a session with the same target.
    pub target: String,
}

/// Progress of the client list load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadState {
    /// Pages are arriving.
    Loading {
        /// Companies loaded so far.
        loaded: usize,
        /// Companies CW counted (0 until `/count` answered).
        total: usize,
    },
    /// Every page arrived.
    Done,
    /// The load failed.
    Failed(AppError),
}

/// The right-hand panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// `#panel-detail`.
    Detail,
    /// `#panel-bulk`.
    Bulk,
    /// `#panel-onboard`.
    Onboard,
}

/// Which modal is open, with the record it edits (a small state machine: opening sets it, closing resets it).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Modal {
    /// None open.
    #[default]
    Closed,
    /// `#modal-edit-company`.
    EditCompany(Box<Company>),
    /// `#modal-edit-contact`.
    EditContact(Box<Contact>),
    /// `#modal-add-contact` for this company.
    AddContact(CompanyId),
}

/// The console's shared state (all `Copy` handles).
#[derive(Clone, Copy)]
pub struct Console {
    /// The current session.
    pub session: RwSignal<Session, LocalStorage>,
    /// Active/All.
    pub filter: RwSignal<StatusFilter>,
    /// Every loaded company, in CW's order (name asc).
    pub rows: RwSignal<Vec<ClientRow>>,
    /// The list load.
    pub load: RwSignal<LoadState>,
    /// The search box text.
    pub query: RwSignal<String>,
    /// Indexes into `rows` that the search shows.
    pub filtered: Memo<Vec<usize>>,
    /// Companies ticked for bulk operations.
    pub selected: RwSignal<HashSet<CompanyId>>,
    /// The keyboard cursor in the list.
    pub cursor: RwSignal<Option<CompanyId>>,
    /// The client whose detail is open.
    pub open: RwSignal<Option<CompanyId>>,
    /// The right-hand panel.
    pub tab: RwSignal<Tab>,
    /// The open modal.
    pub modal: RwSignal<Modal>,
    /// The toast queue.
    pub toasts: toasts::Toasts,
    /// The proxy base URL (from config.json, else the default).
    pub proxy_base: RwSignal<String>,
}

impl Console {
    /// Fresh state in demo mode with `seed`.
    pub fn new(seed: DemoSeed) -> Self {
        Self::with_store(seed.store())
    }

    /// Fresh state in demo mode over a given store (tests prepare one).
    pub fn with_store(store: Store) -> Self {
        let session = RwSignal::new_local(Session {
            mode: Mode::Demo,
            cw: Cw::new(DemoTransport::new(store)),
            id: 0,
            target: DEMO_TARGET.into(),
        });
        let rows = RwSignal::new(Vec::<ClientRow>::new());
        let query = RwSignal::new(String::new());
        let filtered = Memo::new(move |_| rows.with(|r| query.with(|q| list::filter_rows(r, q))));
        let toasts = toasts::Toasts::new(Signal::derive(move || session.with(|s| s.mode)));
        Self {
            session,
            filter: RwSignal::new(StatusFilter::All),
            rows,
            load: RwSignal::new(LoadState::Loading { loaded: 0, total: 0 }),
            query,
            filtered,
            selected: RwSignal::new(HashSet::new()),
            cursor: RwSignal::new(None),
            open: RwSignal::new(None),
            tab: RwSignal::new(Tab::Detail),
            modal: RwSignal::new(Modal::Closed),
            toasts,
            proxy_base: RwSignal::new(config::DEFAULT_PROXY_BASE.to_string()),
        }
    }

    /// The current mode (tracked).
    pub fn mode(&self) -> Mode {
        self.session.with(|s| s.mode)
    }

    /// The CW handle of the current session (untracked).
    pub fn cw(&self) -> Cw {
        self.session.with_untracked(|s| s.cw.clone())
    }

    /// Switches to a new transport and reloads the list.
    pub fn switch(&self, mode: Mode, cw: Cw, target: String) {
        let id = self.session.with_untracked(|s| s.id) + 1;
        self.session.set(Session { mode, cw, id, target });
        self.rows.set(Vec::new());
        self.selected.set(HashSet::new());
        self.open.set(None);
        self.cursor.set(None);
        self.modal.set(Modal::Closed);
        self.reload();
    }

    /// Switches to live mode through the proxy.
    pub fn go_live(&self, auth: LiveAuth) {
        let base = self.proxy_base.get_untracked();
        let target = match &auth {
            LiveAuth::Browser { host, .. } => format!("LIVE · {host}"),
            LiveAuth::Proxy { .. } => format!("LIVE · the proxy's ConnectWise ({base})"),
        };
        self.switch(Mode::Live, Cw::new(LiveTransport::new(&base, auth)), target);
    }

    /// Back to demo mode with a fresh demo store.
    pub fn go_demo(&self, seed: DemoSeed) {
        self.switch(Mode::Demo, Cw::new(DemoTransport::new(seed.store())), DEMO_TARGET.into());
    }

    /// Loads every company for the current filter: page 1 and `/count` first, then the other pages several
    /// at a time, appending as they arrive. A newer reload or session switch makes this one stop.
    pub fn reload(&self) {
        let this = *self;
        let (session_id, cw) = self.session.with_untracked(|s| (s.id, s.cw.clone()));
        let filter = self.filter.get_untracked();
        let generation = LOAD_GENERATION.with(|g| {
            let next = g.get() + 1;
            g.set(next);
            next
        });
        let current = move || {
            LOAD_GENERATION.with(|g| g.get()) == generation && this.session.with_untracked(|s| s.id) == session_id
        };
        self.load.set(LoadState::Loading { loaded: 0, total: 0 });
        leptos::task::spawn_local(async move {
            let result = companies::list_all(&cw, filter, |page, loaded, total| {
                if !current() {
                    return;
                }
                let page: Vec<ClientRow> = page.iter().map(row_of).collect();
                if loaded == page.len() {
                    this.rows.set(page);
                } else {
                    this.rows.update(|rows| rows.extend(page));
                }
                this.load.set(LoadState::Loading { loaded, total });
            })
            .await;
            if !current() {
                return;
            }
            match result {
                Ok(()) => {
                    if this.load.with_untracked(|l| matches!(l, LoadState::Loading { loaded: 0, .. })) {
                        this.rows.set(Vec::new());
                    }
                    let ids: HashSet<CompanyId> = this.rows.with_untracked(|r| r.iter().map(|r| r.id).collect());
                    this.selected.update(|s| s.retain(|id| ids.contains(id)));
                    this.load.set(LoadState::Done);
                }
                Err(e) => this.load.set(LoadState::Failed(e)),
            }
        });
    }

    /// Replaces a company's row with what CW answered.
    pub fn update_row(&self, company: &Company) {
        let row = row_of(company);
        self.rows.update(|rows| {
            if let Some(r) = rows.iter_mut().find(|r| r.id == row.id) {
                *r = row;
            }
        });
    }

    /// Opens a client's detail.
    pub fn open_client(&self, id: CompanyId) {
        self.cursor.set(Some(id));
        self.open.set(Some(id));
        self.tab.set(Tab::Detail);
    }
}

/// Now as `yyyy-MM-ddTHH:mm:ssZ` (UTC), in the browser.
fn now_iso() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let iso = String::from(js_sys::Date::new_0().to_iso_string());
        iso.get(..19).map(|s| format!("{s}Z"))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

thread_local! {
    static LOAD_GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The sidebar row for a company.
pub fn row_of(c: &Company) -> ClientRow {
    ClientRow::new(
        c.id,
        &c.name,
        &c.identifier,
        c.city.as_deref().unwrap_or_default(),
        c.state.as_deref().unwrap_or_default(),
        c.status_name().unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_seed_comes_from_the_url() {
        assert_eq!(DemoSeed::from_query(""), DemoSeed::Standard);
        assert_eq!(DemoSeed::from_query("?demo=large:10000"), DemoSeed::Large { companies: 10_000 });
        assert_eq!(DemoSeed::from_query("?x=1&demo=large%3A2500"), DemoSeed::Large { companies: 2500 });
        assert_eq!(DemoSeed::from_query("?demo=large"), DemoSeed::Large { companies: 10_000 });
        assert_eq!(DemoSeed::from_query("?demo=standard"), DemoSeed::Standard);
    }

    #[test]
    fn modes_have_the_contract_labels() {
        assert_eq!(Mode::Demo.label(), "DEMO");
        assert_eq!(Mode::Live.class(), "live");
    }
}
