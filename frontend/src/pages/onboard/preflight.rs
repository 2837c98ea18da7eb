//! `#wz-preflight` on the Review page: the checks `cw_shared::plan::onboarding::preflight` describes, sent
//! through the session's transport before the first write. Blocking findings keep Submit disabled with the
//! reason; warnings each have an Acknowledge box; a finding about an existing company offers Open.

use super::Wizard;
use super::logic::{Choices, Lookups};
use crate::state::Console;
use cw_shared::api::ApiError;
use cw_shared::plan::OnboardingDraft;
use cw_shared::plan::onboarding::{
    Finding, Severity, TenantNames, local_findings, preflight_checks, read_check, unresolved,
};
use leptos::prelude::*;

/// The pre-flight state of the Review page.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Preflight {
    /// The draft (as JSON) the findings are for.
    pub checked_for: Option<String>,
    /// True while the checks' calls are out.
    pub checking: bool,
    /// What was found, blocking first.
    pub findings: Vec<Finding>,
    /// The warnings the user acknowledged ([`Finding::key`]).
    pub acknowledged: Vec<String>,
    /// Increases with every check, so a slow answer for an older draft is dropped.
    generation: u64,
}

impl Preflight {
    /// True when the current draft was checked and nothing is left unresolved.
    pub fn allows_submit(&self) -> bool {
        self.checked_for.is_some() && !self.checking && unresolved(&self.findings, &self.acknowledged).is_empty()
    }
}

/// The lookups as pre-flight wants them: `None` while a list has not loaded, `Err` when it failed.
fn tenant_names(lookups: &Lookups) -> TenantNames {
    let names = |c: &Choices| match (&c.error, c.names.is_empty()) {
        (Some(e), _) => Some(Err(e.clone())),
        (None, true) => None,
        (None, false) => Some(Ok(c.names.clone())),
    };
    TenantNames {
        statuses: names(&lookups.statuses),
        company_types: names(&lookups.company_types),
        time_zones: names(&lookups.time_zones),
        agreement_types: names(&lookups.agreement_types),
        boards: names(&lookups.boards),
    }
}

/// What a check is for: the draft and how many lookup lists had loaded (a list arriving later is checked
/// again). Tracked.
pub(super) fn key(w: Wizard, draft: &OnboardingDraft) -> String {
    let loaded = w.lookups.with(|l| {
        [&l.statuses, &l.company_types, &l.time_zones, &l.agreement_types, &l.boards]
            .iter()
            .filter(|c| !c.names.is_empty() || c.error.is_some())
            .count()
    });
    format!("{loaded}:{}", serde_json::to_string(draft).unwrap_or_default())
}

/// Runs every check for `draft` (see [`key`]) and keeps the findings.
pub(super) fn run(console: Console, w: Wizard, draft: OnboardingDraft, key: String) {
    let mut generation = 0;
    w.preflight.update(|p| {
        p.generation += 1;
        generation = p.generation;
        p.checked_for = Some(key);
        p.checking = true;
        p.findings.clear();
        p.acknowledged.clear();
    });
    let names = w.lookups.with_untracked(tenant_names);
    let cw = console.cw();
    leptos::task::spawn_local(async move {
        let mut findings = local_findings(&draft, &names);
        for check in preflight_checks(&draft) {
            let found = match cw.send_any(check.request).await {
                Ok(response) => read_check(&draft, check.kind, Ok(&response)),
                Err(e) => {
                    let message = if e.message().is_empty() { e.title() } else { e.message() };
                    read_check(&draft, check.kind, Err(&ApiError::Transport { message }))
                }
            };
            findings.extend(found);
        }
        findings.sort_by_key(|f| f.severity != Severity::Blocking);
        w.preflight.update(|p| {
            if p.generation == generation {
                p.findings = findings;
                p.checking = false;
            }
        });
    });
}

/// What `#wz-preflight-status` says.
fn status(p: &Preflight) -> (&'static str, String) {
    if p.checking {
        return ("wz-pf-checking", "Checking ConnectWise before anything is written…".into());
    }
    if p.checked_for.is_none() {
        return ("wz-pf-checking", "Pre-flight runs when this page opens.".into());
    }
    let blocking = p.findings.iter().filter(|f| f.severity == Severity::Blocking).count();
    let open = unresolved(&p.findings, &p.acknowledged).len() - blocking;
    if blocking > 0 {
        ("wz-pf-blocked", format!("Pre-flight: {blocking} problem(s) block Submit. Fix them on their pages."))
    } else if open > 0 {
        ("wz-pf-warning", format!("Pre-flight: acknowledge {open} warning(s) to submit."))
    } else if !p.findings.is_empty() {
        ("wz-pf-ok", "Pre-flight: warnings acknowledged; ready to submit.".into())
    } else {
        (
            "wz-pf-ok",
            "Pre-flight passed: the identifier is free, no company has this name, no contact has these emails, \
             and every lookup exists in this ConnectWise."
                .into(),
        )
    }
}

/// The pre-flight section of the Review page (hidden once a run exists: its checks ran before its first write).
#[component]
pub(super) fn PreflightView(w: Wizard) -> impl IntoView {
    let console = expect_context::<Console>();
    let findings = move || {
        w.preflight.with(|p| {
            p.findings
                .iter()
                .map(|f| {
                    let key = f.key();
                    let blocking = f.severity == Severity::Blocking;
                    let class = if blocking { "wz-finding wz-finding-blocking" } else { "wz-finding wz-finding-warning" };
                    let open = f.company.map(|id| {
                        view! {
                            <button type="button" class="btn btn-small wz-finding-open" on:click=move |_| console.open_client(id)>
                                "Open the existing company"
                            </button>
                        }
                    });
                    let ack = (!blocking).then(|| {
                        let k = key.clone();
                        let checked = move || w.preflight.with(|p| p.acknowledged.contains(&k));
                        let k = key.clone();
                        view! {
                            <label class="wz-finding-ack-label">
                                <input
                                    type="checkbox"
                                    class="wz-finding-ack"
                                    prop:checked=checked
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        w.preflight.update(|p| {
                                            p.acknowledged.retain(|a| *a != k);
                                            if on {
                                                p.acknowledged.push(k.clone());
                                            }
                                        });
                                    }
                                />
                                " Acknowledge"
                            </label>
                        }
                    });
                    view! {
                        <li class=class data-code=f.code.clone() data-field=f.field.clone()>
                            <span class="wz-finding-text">{f.message.clone()}</span>
                            {open}
                            {ack}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let recheck = move |_| {
        let draft = w.effective_untracked();
        let key = untrack(|| key(w, &draft));
        run(console, w, draft, key);
    };
    view! {
        <div id="wz-preflight" class="wz-preflight" class:hidden=move || w.run.with(Option::is_some)>
            <div class="wz-preflight-head">
                <span class="wz-review-title">"Pre-flight checks"</span>
                <button
                    id="wz-preflight-recheck"
                    type="button"
                    class="btn btn-small"
                    disabled=move || w.preflight.with(|p| p.checking)
                    on:click=recheck
                >
                    "Check again"
                </button>
            </div>
            {move || {
                let (class, text) = w.preflight.with(status);
                view! { <div id="wz-preflight-status" class=format!("wz-preflight-status {class}")>{text}</div> }
            }}
            <ul class="wz-findings">{findings}</ul>
        </div>
    }
}
