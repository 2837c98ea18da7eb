//! [`ConfigBar`]: `#config-bar`, the ConnectWise credentials strip.
//!
//! Connect is enabled only when all five fields are filled. It validates the fields, probes ConnectWise
//! with one cheap call (`GET /system/info`) through the proxy, and only then saves the config
//! (`localStorage["cw_config"]`, base64 JSON) and switches the session to LIVE. When the proxy reports
//! that it holds the credentials itself, the bar asks for no keys.

use super::error_view::ErrorView;
use crate::api::Cw;
use crate::api::system::{self, CredentialsHolder};
use crate::api::transport::{LiveAuth, LiveTransport};
use crate::error::AppError;
use crate::state::config::{self, CwConfig, MASK};
use crate::state::{Console, DemoSeed, Mode};
use cw_shared::sensitive::Sensitive;
use leptos::prelude::*;

/// What `#cfg-status` says.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnState {
    /// Demo mode, nothing attempted.
    Demo,
    /// The probe is running.
    Connecting,
    /// LIVE, with the host and CW's version.
    Connected {
        /// Where.
        host: String,
        /// `/system/info` version.
        version: String,
    },
    /// Connect failed; still in demo mode.
    Failed(AppError),
}

/// The config bar's fields and connection state (a `Copy` handle, provided as context by the app so
/// start-up can restore and auto-connect once the proxy URL is known).
#[derive(Clone, Copy)]
pub struct ConfigForm {
    host: RwSignal<String>,
    company: RwSignal<String>,
    public: RwSignal<String>,
    private: RwSignal<String>,
    client: RwSignal<String>,
    /// The proxy's access token (server-held credentials mode only; kept in memory, never stored).
    token: RwSignal<String>,
    /// The real private key restored from storage; the field only ever shows the mask for it.
    restored_key: StoredValue<Sensitive<String>>,
    /// What `#cfg-status` says.
    pub state: RwSignal<ConnState>,
    /// Who holds the credentials, from the proxy's `/healthz` (None until it answered).
    pub holder: RwSignal<Option<CredentialsHolder>>,
}

impl ConfigForm {
    /// The ConnectWise site and company id typed in the bar, for links into ConnectWise Manage (`None` when
    /// the host is not known here, e.g. when the proxy holds the credentials).
    pub fn manage_site(&self) -> Option<(String, String)> {
        let host = self.host.get_untracked().trim().to_owned();
        (!host.is_empty()).then(|| (host, self.company.get_untracked().trim().to_owned()))
    }
}

impl Default for ConfigForm {
    fn default() -> Self {
        Self::new()
    }
}

impl ConfigForm {
    /// Empty fields, demo state.
    pub fn new() -> Self {
        Self {
            host: RwSignal::new(String::new()),
            company: RwSignal::new(String::new()),
            public: RwSignal::new(String::new()),
            private: RwSignal::new(String::new()),
            client: RwSignal::new(String::new()),
            token: RwSignal::new(String::new()),
            restored_key: StoredValue::new(Sensitive::default()),
            state: RwSignal::new(ConnState::Demo),
            holder: RwSignal::new(None),
        }
    }

    fn fields(&self) -> [RwSignal<String>; 5] {
        [self.host, self.company, self.public, self.private, self.client]
    }

    /// Fills the fields from `localStorage` (private key masked) and returns the saved config.
    pub fn restore(&self) -> Option<CwConfig> {
        let saved = config::load_saved()?;
        self.host.set(saved.host.clone());
        self.company.set(saved.company.clone());
        self.public.set(saved.public_key.clone());
        self.private.set(MASK.to_string());
        self.client.set(saved.client_id.clone());
        self.restored_key.set_value(saved.private_key.clone());
        Some(saved)
    }

    /// True when all five fields have text (tracked).
    pub fn all_filled(&self) -> bool {
        self.fields().iter().all(|s| s.with(|v| !v.trim().is_empty()))
    }

    /// True when the proxy holds the credentials (tracked).
    pub fn proxy_holds(&self) -> bool {
        self.holder.get() == Some(CredentialsHolder::Proxy)
    }

    /// The config the fields describe (the masked private key stands for the restored one).
    pub fn current(&self) -> CwConfig {
        let typed = self.private.get_untracked();
        CwConfig {
            host: self.host.get_untracked().trim().to_string(),
            company: self.company.get_untracked().trim().to_string(),
            public_key: self.public.get_untracked().trim().to_string(),
            private_key: if typed == MASK { self.restored_key.get_value() } else { Sensitive::new(typed) },
            client_id: self.client.get_untracked().trim().to_string(),
        }
    }

    /// Validates, probes `GET /system/info` through the proxy and, when CW accepts, saves the config and
    /// switches the console to LIVE. `None` means the proxy holds the credentials.
    pub fn connect(&self, console: Console, config: Option<CwConfig>) {
        let state = self.state;
        state.set(ConnState::Connecting);
        let base = console.proxy_base.get_untracked();
        let token = Some(self.token.get_untracked().trim().to_string()).filter(|t| !t.is_empty()).map(Sensitive::new);
        leptos::task::spawn_local(async move {
            let result = async {
                let auth = match &config {
                    Some(c) => {
                        c.validate()?;
                        LiveAuth::from_config(c)
                    }
                    None => LiveAuth::Proxy { token },
                };
                let version = system::probe(&Cw::new(LiveTransport::new(&base, auth.clone()))).await?;
                Ok::<_, AppError>((auth, version))
            }
            .await;
            if state.with_untracked(|s| *s != ConnState::Connecting) {
                return; // Clear was pressed meanwhile.
            }
            match result {
                Ok((auth, version)) => {
                    let target = match &config {
                        Some(c) => {
                            config::save(c);
                            c.host.clone()
                        }
                        None => base.clone(),
                    };
                    console.go_live(auth);
                    console.toasts.ok(format!("Connected to {target}"));
                    state.set(ConnState::Connected { host: target, version });
                }
                Err(e) => {
                    console.toasts.error(format!("Not connected: {}", e.title()));
                    state.set(ConnState::Failed(e));
                }
            }
        });
    }
}

/// The config bar.
#[component]
pub fn ConfigBar() -> impl IntoView {
    let console = expect_context::<Console>();
    let seed = expect_context::<DemoSeed>();
    let form = expect_context::<ConfigForm>();
    let state = form.state;
    let connecting = move || state.with(|s| matches!(s, ConnState::Connecting));
    let can_connect = move || !connecting() && (form.proxy_holds() || form.all_filled());
    let proxy_holds = move || form.proxy_holds();

    let on_connect = move |_| {
        if form.proxy_holds() {
            form.connect(console, None);
        } else {
            form.connect(console, Some(form.current()));
        }
    };
    let on_clear = move |_| {
        config::forget();
        for s in form.fields() {
            s.set(String::new());
        }
        form.token.set(String::new());
        form.restored_key.set_value(Sensitive::default());
        if console.session.with_untracked(|s| s.mode) == Mode::Live {
            console.go_demo(seed);
        }
        state.set(ConnState::Demo);
        console.toasts.ok("Config cleared — back in demo mode");
    };
    let [host, company, public, private, client] = form.fields();

    let field = move |id: &'static str,
                      label: &'static str,
                      placeholder: &'static str,
                      sig: RwSignal<String>,
                      kind: &'static str| {
        view! {
            <div class="cfg-field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type=kind
                    placeholder=placeholder
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev))
                />
            </div>
        }
    };

    let status_view = move || match state.get() {
        ConnState::Demo if form.proxy_holds() => {
            view! { <span class="cfg-msg">"Demo mode — press Connect to go live."</span> }.into_any()
        }
        ConnState::Demo => {
            view! { <span class="cfg-msg">"Demo mode — enter all five fields and Connect to go live."</span> }
                .into_any()
        }
        ConnState::Connecting => {
            view! { <span class="cfg-msg">"Connecting… checking the credentials with GET /system/info"</span> }
                .into_any()
        }
        ConnState::Connected { host, version } => {
            let v = if version.is_empty() { String::new() } else { format!(" (ConnectWise {version})") };
            view! { <span class="cfg-msg cfg-ok">{format!("Connected to {host}{v}")}</span> }.into_any()
        }
        ConnState::Failed(e) => view! {
            <details class="cfg-error" open>
                <summary>{format!("Not connected: {}", e.title())}</summary>
                <ErrorView error=e compact=true />
            </details>
        }
        .into_any(),
    };

    view! {
        <div id="config-bar" role="region" aria-label="ConnectWise credentials">
            <Show
                when=proxy_holds
                fallback=move || {
                    view! {
                        {field("cfg-host", "Host", "na.myconnectwise.net", host, "text")}
                        {field("cfg-company", "Company ID", "mycompany", company, "text")}
                        {field("cfg-pub", "Public Key", "public key", public, "text")}
                        {field("cfg-priv", "Private Key", "private key", private, "password")}
                        {field("cfg-cid", "Client ID", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", client, "text")}
                    }
                }
            >
                <span class="cfg-msg cfg-proxy">
                    {move || format!("The proxy at {} holds the ConnectWise credentials — no keys needed here.", console.proxy_base.get())}
                </span>
                {field("cfg-token", "Proxy token (if required)", "optional", form.token, "password")}
            </Show>
            <button id="cfg-connect" class="btn btn-primary btn-small" disabled=move || !can_connect() on:click=on_connect>
                {move || if connecting() { "Connecting…" } else { "Connect" }}
            </button>
            <button id="cfg-clear" class="btn btn-small" on:click=on_clear>"Clear"</button>
            <div id="cfg-status" aria-live="polite">{status_view}</div>
        </div>
    }
}
