//! `cw-bench bulk`: the bulk job ([`BulkJob`], the same state machine the panel drives) against the spec's
//! fixed-pause loop ("pauses 3 seconds every 10 requests"), each writing one field on every contact of a
//! generated tenant in cw-sim over real HTTPS on loopback, with cw-sim's rate limit and latency on.
//!
//! Each run starts from a fresh tenant and a fresh rate window. The plan is read over HTTP with the faults
//! off (both contenders need it, and it is not what is measured); then the faults go on and the clock starts.
//! What each run did is taken from cw-sim's request log and store, not from the contender's own account:
//! 429s, successful PATCHes per contact (a contact patched twice is a failure of the engine), PATCHes outside
//! the plan, and contacts that do not hold the value at the end.

use crate::bench::bulk_report::{Contender, Outcome, Report, Setup};
use crate::sim::{Dataset, Faults, RateLimit, SimClient, SimConfig, SimHandle, start};
use cw_shared::api::{self, API_ROOT};
use cw_shared::http::Response;
use cw_shared::ids::ContactId;
use cw_shared::model::{Company, Contact};
use cw_shared::plan::bulk::{BulkChange, BulkField, BulkFilter};
use cw_shared::plan::bulk_job::{BulkJob, JobMeta, RecordState, Settings, Step, Ticket};
use cw_shared::query::Page;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Clients (companies) in the tenant.
    pub companies: usize,
    /// Contacts per client.
    pub contacts: usize,
    /// cw-sim's rate limit.
    pub limit: RateLimit,
    /// cw-sim's latency, ms.
    pub latency_ms: u64,
    /// The engine's rate (requests per minute), set just under the limit as a user would.
    pub engine_rate: u32,
    /// A second engine run at this rate, above the limit, to show the 429 handling (0: skip it).
    pub above_rate: u32,
    /// The engine's requests in flight.
    pub in_flight: usize,
    /// The fixed loop's pause and how often it pauses.
    pub pause_every: usize,
    pub pause: Duration,
}

/// The flag every run sets (every generated contact has it `false`, so every contact is written).
const FIELD: BulkField = BulkField::DisablePortalLoginFlag;

/// Runs the contenders one after the other on one simulator.
pub async fn run(opts: &Options) -> Result<Report, String> {
    if opts.companies == 0 || opts.contacts == 0 || opts.pause_every == 0 {
        return Err("--companies, --contacts and --pause-every must be at least 1".into());
    }
    let config = SimConfig {
        dataset: Dataset::Large { companies: opts.companies, contacts: opts.contacts },
        record_limit: 1_000_000,
        ..SimConfig::for_tests()
    };
    let sim = start(config).await.map_err(|e| format!("cw-sim: {e}"))?;
    let client = sim.client();
    let mut contenders = vec![Contender::Engine { rate_per_min: opts.engine_rate, in_flight: opts.in_flight }];
    if opts.above_rate > 0 {
        contenders.push(Contender::Engine { rate_per_min: opts.above_rate, in_flight: opts.in_flight });
    }
    contenders.push(Contender::FixedLoop { every: opts.pause_every, pause: opts.pause });
    let mut outcomes = Vec::new();
    for contender in contenders {
        println!("bulk: {} …", contender.label());
        let outcome = run_one(&sim, &client, opts, contender).await?;
        println!("bulk: {} took {:.1} s", contender.label(), outcome.wall.as_secs_f64());
        outcomes.push(outcome);
    }
    sim.shutdown().await;
    Ok(Report { setup: Setup::read(opts), outcomes })
}

async fn run_one(sim: &SimHandle, client: &SimClient, opts: &Options, contender: Contender) -> Result<Outcome, String> {
    sim.state.reset();
    sim.state.set_faults(Faults::default());
    let companies = read_plan_input(client, opts.companies).await?;
    let change = BulkChange::flag(FIELD, "true").map_err(|e| e.to_string())?;
    let settings = match contender {
        Contender::Engine { rate_per_min, in_flight } => Settings { rate_per_min, in_flight },
        Contender::FixedLoop { .. } => Settings::default(),
    };
    let meta = JobMeta { id: "bench".into(), target: sim.host(), now: 0 };
    let mut job = BulkJob::plan(meta, &companies, BulkFilter::All, &change, settings);
    let planned: BTreeSet<i32> = job.records().iter().map(|r| r.contact.0).collect();
    sim.state.clear_requests();
    sim.state.set_faults(Faults { latency_ms: opts.latency_ms, rate_limit: Some(opts.limit), ..Faults::default() });
    let clock = Instant::now();
    let (failed, open_at_end) = match contender {
        Contender::Engine { .. } => {
            drive(&mut job, client, clock).await;
            let summary = job.summary();
            (summary.failed, summary.open)
        }
        Contender::FixedLoop { every, pause } => (fixed_loop(&job, client, every, pause).await, 0),
    };
    let wall = clock.elapsed();
    sim.state.set_faults(Faults::default());
    let log = sim.state.requests();
    let patches = log.iter().filter(|r| r.method == "PATCH");
    let mut landed: BTreeMap<i32, u32> = BTreeMap::new();
    for r in patches.clone().filter(|r| r.status == Some(200)) {
        if let Some(id) = contact_of(&r.path) {
            *landed.entry(id).or_default() += 1;
        }
    }
    let wrong_at_end = planned.iter().filter(|id| !holds_value(sim, ContactId(**id))).count();
    Ok(Outcome {
        contender,
        records: planned.len(),
        wall,
        requests: log.len(),
        rate_limited: log.iter().filter(|r| r.status == Some(429)).count(),
        failed,
        patched_twice: landed.values().filter(|n| **n > 1).count(),
        outside_plan: patches.filter_map(|r| contact_of(&r.path)).filter(|id| !planned.contains(id)).count(),
        wrong_at_end,
        open_at_end,
    })
}

/// Every client's contacts, in the order the panel lists them (the first `companies` companies by id).
async fn read_plan_input(client: &SimClient, companies: usize) -> Result<Vec<(String, Vec<Contact>)>, String> {
    let page = Page { number: 1, size: 1000 };
    let call = api::list_companies(None, page);
    let mut list: Vec<Company> =
        api::parse_response(&client.call(&call.into_request()).await?).map_err(|e| e.to_string())?;
    list.sort_by_key(|c| c.id.0);
    list.truncate(companies);
    let mut out = Vec::new();
    for company in list {
        let call = api::list_company_contacts(company.id, page);
        let contacts: Vec<Contact> =
            api::parse_response(&client.call(&call.into_request()).await?).map_err(|e| e.to_string())?;
        out.push((company.name, contacts));
    }
    Ok(out)
}

/// The panel's driver loop, natively: send what the job hands out, feed back every answer with the time.
async fn drive(job: &mut BulkJob, client: &SimClient, clock: Instant) {
    let now = || clock.elapsed().as_millis() as u64;
    let (tx, mut rx) = mpsc::unbounded_channel::<(Ticket, Result<Response, String>)>();
    job.start();
    loop {
        while let Ok((ticket, result)) = rx.try_recv() {
            job.answer(&ticket, now(), result.as_ref().map_err(String::as_str));
        }
        let (ticket, result) = match job.next(now()) {
            Step::Send(ticket) => {
                let (client, tx) = (client.clone(), tx.clone());
                tokio::spawn(async move {
                    let result = client.call(&ticket.request).await;
                    let _ = tx.send((ticket, result));
                });
                continue;
            }
            Step::WaitUntil(at) => {
                let wake = clock + Duration::from_millis(at);
                tokio::select! {
                    () = tokio::time::sleep_until(wake) => continue,
                    answer = rx.recv() => answer,
                }
            }
            Step::Busy => rx.recv().await,
            Step::Idle => break,
        }
        .expect("the driver holds a sender");
        job.answer(&ticket, now(), result.as_ref().map_err(String::as_str));
    }
}

/// The spec's loop: one PATCH after another, a fixed pause after every `every`, a failure is that record's.
async fn fixed_loop(job: &BulkJob, client: &SimClient, every: usize, pause: Duration) -> usize {
    let mut failed = 0;
    let writes = job.records().iter().filter(|r| r.state == RecordState::Write);
    for (i, record) in writes.enumerate() {
        if i > 0 && i % every == 0 {
            tokio::time::sleep(pause).await;
        }
        let Some(request) = record.after.write(FIELD, record.contact) else {
            failed += 1;
            continue;
        };
        match client.call(&request).await {
            Ok(response) if response.is_success() => {}
            _ => failed += 1,
        }
    }
    failed
}

/// The contact id of `/v4_6_release/apis/3.0/company/contacts/{id}`.
fn contact_of(path: &str) -> Option<i32> {
    path.strip_prefix(API_ROOT)?.strip_prefix("/company/contacts/")?.split(['?', '/']).next()?.parse().ok()
}

/// Whether cw-sim's store holds the value for this contact.
fn holds_value(sim: &SimHandle, id: ContactId) -> bool {
    let request = api::get_contact(id).into_request();
    let response = sim.state.with_store(|store| store.handle(&request));
    api::parse_response(&response).is_ok_and(|c: Contact| c.disable_portal_login_flag)
}

#[cfg(test)]
mod tests {
    use super::contact_of;

    #[test]
    fn contact_ids_come_from_patch_paths() {
        assert_eq!(contact_of("/v4_6_release/apis/3.0/company/contacts/1042"), Some(1042));
        assert_eq!(contact_of("/v4_6_release/apis/3.0/company/contacts/7?fields=id"), Some(7));
        assert_eq!(contact_of("/v4_6_release/apis/3.0/company/contacts/7/typeAssociations"), Some(7));
        assert_eq!(contact_of("/v4_6_release/apis/3.0/company/companies/7"), None);
        assert_eq!(contact_of("/company/contacts/7"), None);
    }
}
