//! `#panel-onboard`: the six-step onboarding wizard (company → site → contacts → agreement → ticket →
//! review). One page is shown at a time; Next is blocked while the page has problems, shown next to their
//! fields.
//!
//! The Review page runs pre-flight checks against ConnectWise before anything is written ([`preflight`]):
//! blocking findings stop Submit with the reason, warnings wait for an acknowledgement. Submit runs
//! `cw_shared::plan::OnboardingRun` through the session's transport, one call at a time ([`driver`]); the run
//! is journalled in `localStorage` ([`crate::state::onboarding`]), so after a failure, a reload or a closed
//! tab the wizard offers Resume (nothing is created twice; a POST whose answer was lost is searched for first)
//! and Roll back. A finished run is read back and compared with the draft ([`outcome`]).
//!
//! The draft, its validation, the run, pre-flight, rollback and read-back live in the shared crate; [`logic`]
//! holds the rest of the view-independent pieces (lookup defaults, auto-fill, the calls each page makes,
//! result wording).

mod driver;
pub mod logic;
mod outcome;
mod preflight;

use crate::api::lookups::wizard_lookups;
use crate::state::onboarding::{OnboardState, needs_journal};
use crate::state::{Console, Tab};
use cw_shared::plan::onboarding::Verified;
use cw_shared::plan::{ContactDraft, DraftProblem, OnboardingDraft, OnboardingRun, OnboardingStep, WizardStep};
use leptos::prelude::*;
use logic::{Choices, Lookups};

/// Today as `YYYY-MM-DD`, from the browser's clock (local date).
fn today() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new_0();
        logic::ymd(d.get_full_year(), d.get_month() + 1, d.get_date())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        logic::ymd(1970, 1, 1)
    }
}

/// The wizard's state (all `Copy` handles).
#[derive(Clone, Copy)]
struct Wizard {
    /// The form's values (agreement and ticket always present; the skip switches decide).
    draft: RwSignal<OnboardingDraft>,
    /// The page shown.
    step: RwSignal<WizardStep>,
    /// `#wz-agreement-skip`.
    skip_agreement: RwSignal<bool>,
    /// `#wz-ticket-skip`.
    skip_ticket: RwSignal<bool>,
    /// Pages whose problems are shown (the user tried to leave them, or to submit).
    attempted: RwSignal<Vec<WizardStep>>,
    /// The run, once submitted, and whether requests are being sent (shared with the start-up banner).
    state: OnboardState,
    /// The run (`state.run`).
    run: RwSignal<Option<OnboardingRun>>,
    /// True while requests are being sent (`state.running`).
    running: RwSignal<bool>,
    /// The ticket summary the auto-fill set last.
    auto_summary: RwSignal<Option<String>>,
    /// The drop-downs' options.
    lookups: RwSignal<Lookups>,
    /// The session the lookups were loaded for.
    lookups_for: RwSignal<Option<u64>>,
    /// The pre-flight checks of the Review page.
    preflight: RwSignal<preflight::Preflight>,
    /// The read-back of a finished run.
    verified: RwSignal<Option<Vec<Verified>>>,
    /// Roll back was clicked once; the second click confirms.
    confirm_rollback: RwSignal<bool>,
}

impl Wizard {
    fn new(state: OnboardState) -> Self {
        let w = Self {
            draft: RwSignal::new(OnboardingDraft::new(&today())),
            step: RwSignal::new(WizardStep::Company),
            skip_agreement: RwSignal::new(false),
            skip_ticket: RwSignal::new(false),
            attempted: RwSignal::new(Vec::new()),
            state,
            run: state.run,
            running: state.running,
            auto_summary: RwSignal::new(None),
            lookups: RwSignal::new(Lookups::default()),
            lookups_for: RwSignal::new(None),
            preflight: RwSignal::new(preflight::Preflight::default()),
            verified: RwSignal::new(None),
            confirm_rollback: RwSignal::new(false),
        };
        w.adopt_run();
        w
    }

    /// Shows a run restored from the journal: its draft, its skip switches, the Review page (or the page of
    /// the step that failed).
    fn adopt_run(&self) {
        let restored = self
            .run
            .with_untracked(|r| r.as_ref().map(|r| (r.draft().clone(), r.failure().map(|(s, _)| s.wizard_step()))));
        if let Some((draft, failed)) = restored {
            self.skip_agreement.set(draft.agreement.is_none());
            self.skip_ticket.set(draft.ticket.is_none());
            let mut form = draft;
            if form.agreement.is_none() {
                form.agreement = Some(cw_shared::plan::AgreementDraft::starting(&today()));
            }
            if form.ticket.is_none() {
                form.ticket = Some(Default::default());
            }
            self.draft.set(form);
            self.step.set(failed.unwrap_or(WizardStep::Review));
        }
    }

    /// The draft the run gets (tracked).
    fn effective(&self) -> OnboardingDraft {
        let (a, t) = (self.skip_agreement.get(), self.skip_ticket.get());
        self.draft.with(|d| logic::effective(d, a, t))
    }

    /// The draft the run gets (untracked).
    fn effective_untracked(&self) -> OnboardingDraft {
        let (a, t) = (self.skip_agreement.get_untracked(), self.skip_ticket.get_untracked());
        self.draft.with_untracked(|d| logic::effective(d, a, t))
    }

    /// Shows the problems of `problems`' pages and goes to the first one.
    fn show_problems(&self, problems: &[DraftProblem]) {
        self.attempted.update(|a| {
            for p in problems {
                if !a.contains(&p.step) {
                    a.push(p.step);
                }
            }
        });
        if let Some(first) = problems.first() {
            self.step.set(first.step);
        }
    }

    /// True when the run created every record.
    fn complete(&self) -> bool {
        self.run.with(|r| r.as_ref().is_some_and(OnboardingRun::is_complete))
    }

    /// True when a run exists that Submit continues rather than starts (stopped, interrupted).
    fn resumable(&self) -> bool {
        self.run.with(|r| r.as_ref().is_some_and(|r| r.rollback().is_none() && r.can_resume()))
    }

    /// True while the run is being rolled back or was rolled back: the form is done with.
    fn rolled_back(&self) -> bool {
        self.run.with(|r| r.as_ref().is_some_and(|r| r.rollback().is_some()))
    }

    /// True when the run created the record of `step`.
    fn created(&self, step: OnboardingStep) -> bool {
        self.run.with(|r| r.as_ref().is_some_and(|r| r.is_created(step)))
    }

    /// A fresh wizard ("Start another").
    fn reset(&self) {
        let mut draft = OnboardingDraft::new(&today());
        self.lookups.with_untracked(|l| logic::apply_lookup_defaults(&mut draft, l));
        self.draft.set(draft);
        self.step.set(WizardStep::Company);
        self.skip_agreement.set(false);
        self.skip_ticket.set(false);
        self.attempted.set(Vec::new());
        self.state.forget();
        self.auto_summary.set(None);
        self.preflight.set(preflight::Preflight::default());
        self.verified.set(None);
        self.confirm_rollback.set(false);
    }
}

/// The onboarding wizard panel.
#[component]
pub fn OnboardPage() -> impl IntoView {
    let console = expect_context::<Console>();
    let w = Wizard::new(expect_context::<OnboardState>());

    // Lookups load when the panel is first shown in a session; a new session also drops a finished run (its
    // ids belong to the other tenant). An unfinished one stays: it resumes only on its own target.
    Effect::new(move |_| {
        let (id, cw) = console.session.with(|s| (s.id, s.cw.clone()));
        if console.tab.get() != Tab::Onboard || w.lookups_for.get_untracked() == Some(id) {
            return;
        }
        let finished = w.run.with_untracked(|r| r.as_ref().is_some_and(|r| !needs_journal(r)));
        if w.lookups_for.get_untracked().is_some() && !w.running.get_untracked() && finished {
            w.reset();
        }
        w.lookups_for.set(Some(id));
        leptos::task::spawn_local(async move {
            let lookups = wizard_lookups(&cw).await;
            if console.session.with_untracked(|s| s.id) != id {
                return;
            }
            w.draft.update(|d| logic::apply_lookup_defaults(d, &lookups));
            w.lookups.set(lookups);
        });
    });

    // Pre-flight runs when the Review page shows a draft it has not checked (a new run only: a resumed run's
    // company exists already).
    Effect::new(move |_| {
        if w.step.get() != WizardStep::Review || w.run.with(Option::is_some) {
            return;
        }
        let draft = w.effective();
        let key = preflight::key(w, &draft);
        if w.preflight.with_untracked(|p| p.checked_for.as_deref() == Some(key.as_str())) {
            return;
        }
        preflight::run(console, w, draft, key);
    });

    // Problems shown next to fields: the draft's own (for pages the user tried to leave) and ConnectWise's
    // (for the failed step of the run).
    let shown: Memo<Vec<DraftProblem>> = Memo::new(move |_| {
        let attempted = w.attempted.get();
        let mut out: Vec<DraftProblem> =
            w.effective().validate().into_iter().filter(|p| attempted.contains(&p.step)).collect();
        w.run.with(|r| {
            if let Some((step, error)) = r.as_ref().and_then(|r| r.failure()) {
                out.extend(logic::server_problems(step, error));
            }
        });
        out
    });

    let submit = move || {
        if w.running.get_untracked() {
            return;
        }
        let draft = w.effective_untracked();
        if w.run.with_untracked(|r| r.is_some()) {
            driver::resume(console, w, draft);
            return;
        }
        if !w.preflight.with_untracked(|p| p.allows_submit()) {
            w.step.set(WizardStep::Review);
            console.toasts.error("Pre-flight found problems: see the Review page before submitting.");
            return;
        }
        let target = console.session.with_untracked(|s| s.target.clone());
        match OnboardingRun::start(draft) {
            Ok(run) => {
                w.run.set(Some(run.with_target(target)));
                w.state.restored.set(false);
                driver::start(console, w);
            }
            Err(problems) => w.show_problems(&problems),
        }
    };

    // The start-up banner's Resume: continue the run, or the rollback it was in.
    Effect::new(move |_| {
        if !w.state.resume_requested.get() {
            return;
        }
        w.state.resume_requested.set(false);
        if w.rolled_back() {
            driver::rollback(console, w);
        } else {
            submit();
        }
    });

    let next = move |_| {
        let current = w.step.get_untracked();
        let problems = w.effective_untracked().problems_for(current);
        if !problems.is_empty() {
            w.show_problems(&problems);
            return;
        }
        if current == WizardStep::Company {
            let previous = w.auto_summary.get_untracked();
            let mut auto = String::new();
            w.draft.update(|d| auto = logic::autofill_after_company(d, previous.as_deref()));
            w.auto_summary.set(Some(auto));
        }
        if let Some(n) = current.next() {
            w.step.set(n);
        }
    };
    let back = move |_| {
        if let Some(p) = w.step.get_untracked().prev() {
            w.step.set(p);
        }
    };

    let locked = move || w.running.get() || w.complete() || w.rolled_back();
    let step_list = WizardStep::ALL
        .iter()
        .map(|&s| {
            let done = move || w.step.get() > s;
            view! {
                <li
                    class="wz-crumb"
                    class:active=move || w.step.get() == s
                    class:done=done
                    aria-current=move || (w.step.get() == s).then_some("step")
                >
                    <span class="wz-crumb-n">{s.number()}</span>
                    <span class="wz-crumb-t">{s.title()}</span>
                    {s.is_optional().then(|| view! { <span class="wz-optional">"optional"</span> })}
                </li>
            }
        })
        .collect_view();

    view! {
        <section id="panel-onboard" class="panel" role="tabpanel" aria-labelledby="tab-onboard">
            <h2 class="wz-title">"Onboarding Wizard"</h2>
            <p class="muted wz-intro">
                "Creates a complete new client in ConnectWise: company, site, contacts, agreement and onboarding ticket, one call at a time."
            </p>
            <ol class="wz-crumbs">{step_list}</ol>
            <fieldset class="wz-form" disabled=locked>
                <CompanyStep w=w shown=shown />
                <SiteStep w=w shown=shown />
                <ContactsStep w=w shown=shown />
                <AgreementStep w=w shown=shown />
                <TicketStep w=w shown=shown />
                <ReviewStep w=w />
            </fieldset>
            <div class="wz-nav">
                <button
                    id="wz-back"
                    type="button"
                    class="btn"
                    disabled=move || w.step.get() == WizardStep::Company || w.running.get()
                    on:click=back
                >
                    "Back"
                </button>
                <span class="wz-position">
                    {move || {
                        let s = w.step.get();
                        format!("Step {} of 6 · {}", s.number(), s.title())
                    }}
                </span>
                <button
                    id="wz-next"
                    type="button"
                    class="btn btn-primary"
                    class:hidden=move || w.step.get() == WizardStep::Review
                    disabled=move || w.running.get()
                    on:click=next
                >
                    "Next"
                </button>
                <button
                    id="wz-submit"
                    type="button"
                    class="btn btn-primary"
                    class:hidden=move || w.step.get() != WizardStep::Review
                    disabled=move || {
                        w.running.get() || w.complete() || w.rolled_back()
                            || (w.run.with(Option::is_none) && !w.preflight.with(|p| p.allows_submit()))
                    }
                    on:click=move |_| submit()
                >
                    {move || {
                        if w.running.get() {
                            "Working…"
                        } else if w.resumable() {
                            "Resume"
                        } else {
                            "Submit — create the client"
                        }
                    }}
                </button>
            </div>
            <outcome::ResultView w=w on_resume=Callback::new(move |()| submit()) />
        </section>
    }
}

/// The problems shown at `anchor` (an input id, `wz-contact-{i}` or a page `wz-{n}`).
fn problems_at(shown: Memo<Vec<DraftProblem>>, anchor: String) -> impl IntoView {
    move || {
        shown
            .get()
            .into_iter()
            .filter(|p| logic::anchor(p) == anchor)
            .map(|p| view! { <div class="wz-problem" role="alert">{p.message}</div> })
            .collect_view()
    }
}

/// The call a page makes, shown on the page.
fn api_line(w: Wizard, step: WizardStep) -> impl IntoView {
    view! {
        <div class="wz-api">
            <span class="wz-api-label">"API call on submit: "</span>
            <code class="wz-api-call">{move || logic::page_call(step, &w.effective()).unwrap_or_default()}</code>
        </div>
    }
}

/// A page section: `#wz-{n}`, shown when it is the current page.
fn page(w: Wizard, step: WizardStep, shown: Memo<Vec<DraftProblem>>, body: AnyView) -> impl IntoView {
    let id = format!("wz-{}", step.number());
    let problems = problems_at(shown, id.clone());
    view! {
        <section id=id class="wz-step" class:hidden=move || w.step.get() != step aria-label=step.title()>
            <h3 class="wz-step-title">
                {format!("{}. {}", step.number(), step.title())}
                {step.is_optional().then(|| view! { <span class="wz-optional">"optional"</span> })}
            </h3>
            {api_line(w, step)}
            {problems}
            {body}
        </section>
    }
}

type GetFn = fn(&OnboardingDraft) -> String;
type SetFn = fn(&mut OnboardingDraft, String);

/// A labelled text input bound to one draft field, with its problems under it.
fn text_input(
    w: Wizard,
    shown: Memo<Vec<DraftProblem>>,
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    get: GetFn,
    set: SetFn,
) -> impl IntoView {
    view! {
        <div class="form-field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete="off"
                prop:value=move || w.draft.with(get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    w.draft.update(|d| set(d, value));
                }
            />
            {problems_at(shown, id.to_owned())}
        </div>
    }
}

/// A labelled drop-down over a lookup (free text while it loads or when it failed), bound to one draft field.
#[allow(clippy::too_many_arguments)]
fn choice_input(
    w: Wizard,
    shown: Memo<Vec<DraftProblem>>,
    id: &'static str,
    label: &'static str,
    choices: fn(&Lookups) -> &Choices,
    none: Option<&'static str>,
    get: GetFn,
    set: SetFn,
) -> impl IntoView {
    let control = move || {
        let c = w.lookups.with(|l| choices(l).clone());
        if c.names.is_empty() {
            let note = c.error.map(|e| {
                view! {
                    <div class="field-note">
                        {format!("Could not load the list ({e}); type the name exactly as in ConnectWise.")}
                    </div>
                }
            });
            return view! {
                <input
                    id=id
                    type="text"
                    autocomplete="off"
                    prop:value=move || w.draft.with(get)
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        w.draft.update(|d| set(d, value));
                    }
                />
                {note}
            }
            .into_any();
        }
        let mut names = c.names.clone();
        let current = w.draft.with_untracked(get);
        if !current.trim().is_empty() && !c.contains(&current) {
            names.insert(0, current);
        }
        let options = names
            .into_iter()
            .map(|name| {
                let value = name.clone();
                let selected = name.clone();
                view! {
                    <option value=value prop:selected=move || w.draft.with(get).eq_ignore_ascii_case(&selected)>
                        {name}
                    </option>
                }
            })
            .collect_view();
        let empty = none.map(|text| {
            view! {
                <option value="" prop:selected=move || w.draft.with(get).trim().is_empty()>
                    {text}
                </option>
            }
        });
        view! {
            <select
                id=id
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    w.draft.update(|d| set(d, value));
                }
            >
                {empty}
                {options}
            </select>
        }
        .into_any()
    };
    view! {
        <div class="form-field">
            <label for=id>{label}</label>
            {control}
            {problems_at(shown, id.to_owned())}
        </div>
    }
}

#[component]
fn CompanyStep(w: Wizard, shown: Memo<Vec<DraftProblem>>) -> impl IntoView {
    let body = view! {
        <div class="form-row">
            {text_input(w, shown, "wz-name", "Company name", "text", |d| d.company.name.clone(), |d, v| d.company.name = v)}
            {text_input(
                w,
                shown,
                "wz-identifier",
                "Identifier (letters and digits, unique)",
                "text",
                |d| d.company.identifier.clone(),
                |d, v| d.company.identifier = v,
            )}
        </div>
        <div class="form-row">
            {choice_input(
                w,
                shown,
                "wz-status",
                "Status",
                |l| &l.statuses,
                None,
                |d| d.company.status.clone(),
                |d, v| d.company.status = v,
            )}
            {choice_input(
                w,
                shown,
                "wz-type",
                "Type",
                |l| &l.company_types,
                Some("(none)"),
                |d| d.company.company_type.clone(),
                |d, v| d.company.company_type = v,
            )}
        </div>
        <div class="form-row">
            {text_input(w, shown, "wz-phone", "Phone", "tel", |d| d.company.phone_number.clone(), |d, v| d.company.phone_number = v)}
            {text_input(w, shown, "wz-website", "Website", "text", |d| d.company.website.clone(), |d, v| d.company.website = v)}
        </div>
        {text_input(
            w,
            shown,
            "wz-address1",
            "Address line 1",
            "text",
            |d| d.company.address_line1.clone(),
            |d, v| d.company.address_line1 = v,
        )}
        <div class="form-row">
            {text_input(w, shown, "wz-city", "City", "text", |d| d.company.city.clone(), |d, v| d.company.city = v)}
            {text_input(w, shown, "wz-state", "State", "text", |d| d.company.state.clone(), |d, v| d.company.state = v)}
            {text_input(w, shown, "wz-zip", "Zip", "text", |d| d.company.zip.clone(), |d, v| d.company.zip = v)}
        </div>
        <div class="field-note">
            {move || {
                format!(
                    "Country: id {} (United States on a stock ConnectWise). The site and ticket summary are filled in from this page when you click Next.",
                    w.draft.with(|d| d.company.country_id),
                )
            }}
        </div>
    };
    page(w, WizardStep::Company, shown, body.into_any())
}

#[component]
fn SiteStep(w: Wizard, shown: Memo<Vec<DraftProblem>>) -> impl IntoView {
    let body = view! {
        {text_input(w, shown, "wz-site-name", "Site name", "text", |d| d.site.name.clone(), |d, v| d.site.name = v)}
        {text_input(
            w,
            shown,
            "wz-site-address1",
            "Address line 1",
            "text",
            |d| d.site.address_line1.clone(),
            |d, v| d.site.address_line1 = v,
        )}
        <div class="form-row">
            {text_input(w, shown, "wz-site-city", "City", "text", |d| d.site.city.clone(), |d, v| d.site.city = v)}
            {text_input(w, shown, "wz-site-state", "State", "text", |d| d.site.state.clone(), |d, v| d.site.state = v)}
            {text_input(w, shown, "wz-site-zip", "Zip", "text", |d| d.site.zip.clone(), |d, v| d.site.zip = v)}
        </div>
        {choice_input(
            w,
            shown,
            "wz-site-timezone",
            "Time zone",
            |l| &l.time_zones,
            Some("(not set)"),
            |d| d.site.time_zone.clone(),
            |d, v| d.site.time_zone = v,
        )}
    };
    page(w, WizardStep::Site, shown, body.into_any())
}

/// One input of a contact row (class `class`, id `wz-contact-{i}-{suffix}`).
fn contact_input(
    w: Wizard,
    i: usize,
    class: &'static str,
    label: &'static str,
    kind: &'static str,
    get: fn(&ContactDraft) -> String,
    set: fn(&mut ContactDraft, String),
) -> impl IntoView {
    let id = format!("wz-contact-{i}-{}", class.trim_start_matches("wz-"));
    view! {
        <div class="form-field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                class=class
                type=kind
                autocomplete="off"
                prop:value=move || w.draft.with(|d| d.contacts.get(i).map(get).unwrap_or_default())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    w.draft.update(|d| {
                        if let Some(c) = d.contacts.get_mut(i) {
                            set(c, value);
                        }
                    });
                }
            />
        </div>
    }
}

#[component]
fn ContactsStep(w: Wizard, shown: Memo<Vec<DraftProblem>>) -> impl IntoView {
    let count = move || w.draft.with(|d| d.contacts.len());
    let body = view! {
        <p class="field-note">"The first contact added is the primary contact (defaultFlag); pick another with its Primary button."</p>
        <div class="wz-contacts">
            <For each=move || 0..count() key=|i| *i let:i>
                <div class="wz-contact" id=format!("wz-contact-{i}") data-index=i>
                    <div class="form-row">
                        {contact_input(w, i, "wz-first", "First name", "text", |c| c.first_name.clone(), |c, v| c.first_name = v)}
                        {contact_input(w, i, "wz-last", "Last name", "text", |c| c.last_name.clone(), |c, v| c.last_name = v)}
                    </div>
                    <div class="form-row">
                        {contact_input(w, i, "wz-title", "Title", "text", |c| c.title.clone(), |c, v| c.title = v)}
                        {contact_input(w, i, "wz-email", "Email", "email", |c| c.email.clone(), |c, v| c.email = v)}
                    </div>
                    <div class="wz-contact-tools">
                        <label class="wz-primary-label">
                            <input
                                type="radio"
                                name="wz-primary"
                                class="wz-primary"
                                prop:checked=move || w.draft.with(|d| d.primary_index() == Some(i))
                                on:change=move |_| w.draft.update(|d| d.set_primary(i))
                            />
                            " Primary contact"
                        </label>
                        <button
                            type="button"
                            class="btn btn-small wz-contact-remove"
                            disabled=move || w.created(OnboardingStep::Contact(i))
                            on:click=move |_| w.draft.update(|d| d.remove_contact(i))
                        >
                            "Remove"
                        </button>
                    </div>
                    {problems_at(shown, format!("wz-contact-{i}"))}
                </div>
            </For>
        </div>
        {move || (count() == 0).then(|| view! { <div class="section-empty">"No contacts yet."</div> })}
        <button
            id="wz-contact-add"
            type="button"
            class="btn"
            on:click=move |_| {
                w.draft.update(|d| {
                    d.add_contact();
                });
            }
        >
            "+ Add contact"
        </button>
    };
    page(w, WizardStep::Contacts, shown, body.into_any())
}

#[component]
fn AgreementStep(w: Wizard, shown: Memo<Vec<DraftProblem>>) -> impl IntoView {
    let body = view! {
        <div class="form-check">
            <input
                id="wz-agreement-skip"
                type="checkbox"
                prop:checked=move || w.skip_agreement.get()
                disabled=move || w.created(OnboardingStep::Agreement)
                on:change=move |ev| w.skip_agreement.set(event_target_checked(&ev))
            />
            <label for="wz-agreement-skip">"Skip the agreement"</label>
        </div>
        <fieldset class="wz-sub" disabled=move || w.skip_agreement.get()>
            {text_input(
                w,
                shown,
                "wz-agreement-name",
                "Agreement name",
                "text",
                |d| d.agreement.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
                |d, v| d.agreement.get_or_insert_with(Default::default).name = v,
            )}
            {choice_input(
                w,
                shown,
                "wz-agreement-type",
                "Agreement type",
                |l| &l.agreement_types,
                Some("(choose a type)"),
                |d| d.agreement.as_ref().map(|a| a.type_name.clone()).unwrap_or_default(),
                |d, v| d.agreement.get_or_insert_with(Default::default).type_name = v,
            )}
            <div class="form-row">
                {text_input(
                    w,
                    shown,
                    "wz-agreement-start",
                    "Start date",
                    "date",
                    |d| d.agreement.as_ref().map(|a| a.start_date.clone()).unwrap_or_default(),
                    |d, v| d.agreement.get_or_insert_with(Default::default).start_date = v,
                )}
                {text_input(
                    w,
                    shown,
                    "wz-agreement-amount",
                    "Monthly bill amount",
                    "text",
                    |d| d.agreement.as_ref().map(|a| a.bill_amount.clone()).unwrap_or_default(),
                    |d, v| d.agreement.get_or_insert_with(Default::default).bill_amount = v,
                )}
            </div>
        </fieldset>
    };
    page(w, WizardStep::Agreement, shown, body.into_any())
}

#[component]
fn TicketStep(w: Wizard, shown: Memo<Vec<DraftProblem>>) -> impl IntoView {
    let body = view! {
        <div class="form-check">
            <input
                id="wz-ticket-skip"
                type="checkbox"
                prop:checked=move || w.skip_ticket.get()
                disabled=move || w.created(OnboardingStep::Ticket)
                on:change=move |ev| w.skip_ticket.set(event_target_checked(&ev))
            />
            <label for="wz-ticket-skip">"Skip the onboarding ticket"</label>
        </div>
        <fieldset class="wz-sub" disabled=move || w.skip_ticket.get()>
            {text_input(
                w,
                shown,
                "wz-ticket-summary",
                "Summary",
                "text",
                |d| d.ticket.as_ref().map(|t| t.summary.clone()).unwrap_or_default(),
                |d, v| d.ticket.get_or_insert_with(Default::default).summary = v,
            )}
            {choice_input(
                w,
                shown,
                "wz-ticket-board",
                "Service board",
                |l| &l.boards,
                None,
                |d| d.ticket.as_ref().map(|t| t.board.clone()).unwrap_or_default(),
                |d, v| d.ticket.get_or_insert_with(Default::default).board = v,
            )}
        </fieldset>
    };
    page(w, WizardStep::Ticket, shown, body.into_any())
}

#[component]
fn ReviewStep(w: Wizard) -> impl IntoView {
    let sections = move || {
        logic::review(&w.effective())
            .into_iter()
            .map(|s| {
                view! {
                    <div class="wz-review-section">
                        <div class="wz-review-head">
                            <span class="wz-review-title">{s.title}</span>
                            <code class="wz-api-call">{s.call}</code>
                        </div>
                        <dl class="wz-review-lines">
                            {s
                                .lines
                                .into_iter()
                                .map(|(label, value)| view! {
                                    <dt>{label}</dt>
                                    <dd>{value}</dd>
                                })
                                .collect_view()}
                        </dl>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <section id="wz-6" class="wz-step" class:hidden=move || w.step.get() != WizardStep::Review aria-label="Review">
            <h3 class="wz-step-title">"6. Review"</h3>
            <p class="field-note">
                "Check everything, then Submit. The calls run in this order and stop at the first failure; nothing is sent before you submit."
            </p>
            <preflight::PreflightView w=w />
            <div class="wz-review">{sections}</div>
        </section>
    }
}
