//! The bulk job against a fake ConnectWise with a fake clock: latency, 429s, 5xx, lost answers, refusals,
//! a reload mid-run, cancel and undo; each test asserts what ConnectWise ends up holding and that no record
//! was written successfully twice.

use super::*;
use crate::http::{Method, Request, Response};
use crate::ids::ContactId;
use crate::model::Contact;
use crate::plan::bulk::{BulkChange, BulkField, BulkFilter};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What the fake does to one request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// 429 with this Retry-After.
    RateLimited(u32),
    /// 500, not applied.
    ServerError,
    /// Connection lost before CW saw it.
    DropBefore,
    /// Applied, then the answer was lost.
    DropAfter,
    /// 401.
    Unauthorized,
}

/// Decides the fault for the n-th request.
type FaultPlan = Box<dyn FnMut(u32, &Request) -> Fault>;

/// A ConnectWise holding contacts, answering GET and PATCH of `/company/contacts/{id}`.
struct FakeCw {
    contacts: BTreeMap<i32, Value>,
    /// Successful PATCHes per contact.
    applied: BTreeMap<i32, u32>,
    seq: u32,
    fault: FaultPlan,
    /// Contacts whose every PATCH is refused with a 400.
    refuse: Vec<i32>,
}

impl FakeCw {
    fn new(contacts: &[Contact]) -> Self {
        Self {
            contacts: contacts.iter().map(|c| (c.id.0, serde_json::to_value(c).unwrap())).collect(),
            applied: BTreeMap::new(),
            seq: 0,
            fault: Box::new(|_, _| Fault::None),
            refuse: Vec::new(),
        }
    }

    fn with_faults(mut self, f: impl FnMut(u32, &Request) -> Fault + 'static) -> Self {
        self.fault = Box::new(f);
        self
    }

    fn value(&self, id: i32, field: &str) -> Value {
        self.contacts[&id][field].clone()
    }

    fn handle(&mut self, req: &Request) -> Result<Response, String> {
        self.seq += 1;
        let fault = (self.fault)(self.seq, req);
        let answer = |status: u16, body: Value| Response { status, headers: vec![], body: body.to_string() };
        match fault {
            Fault::DropBefore => return Err("connection reset".into()),
            Fault::RateLimited(secs) => {
                return Ok(Response {
                    status: 429,
                    headers: vec![("retry-after".into(), secs.to_string())],
                    body: json!({"code": "TooManyRequests", "message": "Too many requests"}).to_string(),
                });
            }
            Fault::ServerError => {
                return Ok(answer(500, json!({"code": "ConnectWiseApi", "message": "A timeout has occured."})));
            }
            Fault::Unauthorized => return Ok(answer(401, json!({"code": "", "message": "UserNotAuthenticated"}))),
            Fault::None | Fault::DropAfter => {}
        }
        let id: i32 = req.path.rsplit('/').next().unwrap().parse().unwrap();
        let response = match req.method {
            Method::Get => answer(200, self.contacts[&id].clone()),
            Method::Patch if self.refuse.contains(&id) => answer(
                400,
                json!({"code": "InvalidObject", "message": "contact object is invalid", "errors": [
                    {"code": "OutOfRange", "message": "Year established is out of range", "resource": "contact",
                     "field": "yearEstablished"}]}),
            ),
            Method::Patch => {
                let ops: Vec<Value> = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
                let contact = self.contacts.get_mut(&id).unwrap().as_object_mut().unwrap();
                for op in ops {
                    let path = op["path"].as_str().unwrap().to_string();
                    match op["op"].as_str().unwrap() {
                        "replace" => contact.insert(path, op["value"].clone()),
                        _ => contact.remove(&path),
                    };
                }
                *self.applied.entry(id).or_default() += 1;
                answer(200, Value::Object(contact.clone()))
            }
            other => panic!("unexpected {other:?}"),
        };
        if fault == Fault::DropAfter { Err("connection reset after the write".into()) } else { Ok(response) }
    }
}

/// Runs the job to a standstill on a fake clock: each request is answered `latency` ms after it is sent.
/// `stop_after` pauses (or with `cancel` cancels) the job once that many answers arrived. Returns the time.
struct Run {
    now: u64,
    latency: u64,
    answered: usize,
    max_in_flight_seen: usize,
}

impl Run {
    fn new(latency: u64) -> Self {
        Self { now: 0, latency, answered: 0, max_in_flight_seen: 0 }
    }

    fn go(&mut self, job: &mut BulkJob, cw: &mut FakeCw, mut at_answer: impl FnMut(&mut BulkJob, usize) -> bool) {
        let mut out: Vec<(u64, Ticket, Result<Response, String>)> = Vec::new();
        loop {
            // Deliver what is due.
            out.sort_by_key(|(t, ..)| *t);
            while out.first().is_some_and(|(t, ..)| *t <= self.now) {
                let (_, ticket, result) = out.remove(0);
                job.answer(&ticket, self.now, result.as_ref().map_err(String::as_str));
                self.answered += 1;
                if !at_answer(job, self.answered) {
                    return;
                }
            }
            match job.next(self.now) {
                Step::Send(ticket) => {
                    let result = cw.handle(&ticket.request);
                    out.push((self.now + self.latency, ticket, result));
                    self.max_in_flight_seen = self.max_in_flight_seen.max(job.in_flight());
                }
                Step::WaitUntil(at) => {
                    assert!(at > self.now, "WaitUntil names a later time");
                    let next_answer = out.iter().map(|(t, ..)| *t).min().unwrap_or(u64::MAX);
                    self.now = at.min(next_answer);
                }
                Step::Busy => {
                    self.now = out.iter().map(|(t, ..)| *t).min().expect("busy means something is in flight");
                }
                Step::Idle => {
                    assert!(out.is_empty(), "idle with requests in flight");
                    return;
                }
            }
        }
    }
}

fn people(n: i32) -> Vec<Contact> {
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "id": 1001 + i, "firstName": format!("P{i}"), "lastName": "Doe",
                "inactiveFlag": i % 10 == 9, "defaultFlag": i == 0
            }))
            .unwrap()
        })
        .collect()
}

fn meta(id: &str) -> JobMeta {
    JobMeta { id: id.into(), target: "DEMO".into(), now: 0 }
}

fn deactivate(contacts: &[Contact], settings: Settings) -> BulkJob {
    let change = BulkChange::flag(BulkField::InactiveFlag, "true").unwrap();
    let companies = vec![
        ("Acme".to_string(), contacts[..contacts.len() / 2].to_vec()),
        ("Beta".to_string(), contacts[contacts.len() / 2..].to_vec()),
    ];
    BulkJob::plan(meta("job-1"), &companies, BulkFilter::All, &change, settings)
}

/// Every contact the job targeted for writing was patched successfully exactly once, and holds the value.
fn assert_each_written_once(job: &BulkJob, cw: &FakeCw) {
    for r in job.records() {
        let applied = cw.applied.get(&r.contact.0).copied().unwrap_or(0);
        match r.state {
            RecordState::Ok => {
                assert_eq!(applied, 1, "{} patched {applied} times", r.label());
                assert_eq!(cw.value(r.contact.0, "inactiveFlag"), json!(true));
            }
            RecordState::Skipped { .. } => assert_eq!(applied, 0, "{} was already set", r.label()),
            ref other => panic!("{} ended {other:?}", r.label()),
        }
    }
}

#[test]
fn the_preview_lists_every_target_with_its_current_and_new_value() {
    let contacts = people(10);
    let job = deactivate(&contacts, Settings::default());
    assert_eq!(job.total(), 10);
    assert_eq!(job.phase(), &Phase::Ready);
    let r = &job.records()[0];
    assert_eq!((r.company.as_str(), r.name.as_str()), ("Acme", "P0 Doe"));
    assert_eq!((r.before.text(), r.after.text()), ("false".to_string(), "true".to_string()));
    assert_eq!(r.state, RecordState::Write);
    let skipped = &job.records()[9];
    assert_eq!(skipped.state, RecordState::Skipped { reason: "already set".into() });
    assert_eq!(job.summary(), Summary { skipped: 1, open: 9, ..Summary::default() });
    assert_eq!(job.counter(), "1 / 10");
    assert_eq!(job.log()[0].text, "○ Beta — P9 Doe (already set)");
    // The primary filter targets one contact.
    let change = BulkChange::flag(BulkField::InactiveFlag, "true").unwrap();
    let primary =
        BulkJob::plan(meta("p"), &[("Acme".into(), contacts)], BulkFilter::Primary, &change, Settings::default());
    assert_eq!(primary.total(), 1);
}

#[test]
fn a_clean_run_goes_at_the_configured_rate_with_requests_overlapping() {
    let contacts = people(50);
    let mut cw = FakeCw::new(&contacts);
    let mut job = deactivate(&contacts, Settings { rate_per_min: 600, in_flight: 4 });
    assert!(job.start());
    let mut run = Run::new(350);
    run.go(&mut job, &mut cw, |_, _| true);
    assert_eq!(job.phase(), &Phase::Done);
    assert_each_written_once(&job, &cw);
    assert_eq!(job.summary().ok, 45);
    // 45 writes at 100 ms apart, the last answered 350 ms after it left: 4.75 s, not 45 × 350 ms.
    assert_eq!(run.now, 44 * 100 + 350);
    assert!(run.max_in_flight_seen >= 3, "latency hidden by overlap: {}", run.max_in_flight_seen);
    assert_eq!(job.stats(), Stats { writes: 45, reads: 0, rate_limited: 0, unanswered: 0 });
    assert_eq!(job.log().iter().filter(|r| r.kind == LogKind::Ok).count(), 45);
}

#[test]
fn in_flight_requests_never_exceed_the_limit() {
    let contacts = people(30);
    let mut cw = FakeCw::new(&contacts);
    let mut job = deactivate(&contacts, Settings { rate_per_min: 6000, in_flight: 2 });
    job.start();
    let mut run = Run::new(1000);
    run.go(&mut job, &mut cw, |_, _| true);
    assert_eq!(run.max_in_flight_seen, 2);
    assert_each_written_once(&job, &cw);
}

#[test]
fn rate_limits_server_errors_and_lost_answers_still_end_with_every_record_right() {
    let contacts = people(40);
    // About 10% 429s, 10% 500s, 8% lost answers after the write, 5% connections lost before it, spread
    // by a multiplicative hash so no record is singled out.
    let mut cw = FakeCw::new(&contacts).with_faults(|seq, _| match seq.wrapping_mul(2_654_435_761) % 100 {
        0..10 => Fault::RateLimited(2),
        10..20 => Fault::ServerError,
        20..28 => Fault::DropAfter,
        28..33 => Fault::DropBefore,
        _ => Fault::None,
    });
    let mut job = deactivate(&contacts, Settings { rate_per_min: 600, in_flight: 3 });
    job.start();
    let mut run = Run::new(200);
    run.go(&mut job, &mut cw, |_, _| true);
    assert_eq!(job.phase(), &Phase::Done, "{:?}", job.log());
    assert_each_written_once(&job, &cw);
    let stats = job.stats();
    assert!(stats.rate_limited > 0 && stats.unanswered > 0, "{stats:?}");
    assert!(stats.reads > 0, "lost answers were read back before a retry");
    assert!(job.bucket().slowdowns() > 0, "429s slowed the bucket");
    assert!(job.log().iter().any(|r| r.text.contains("confirmed by reading it back")));
}

#[test]
fn a_refused_record_fails_with_connectwise_s_message_and_the_rest_go_on() {
    let contacts = people(6);
    let mut cw = FakeCw::new(&contacts);
    cw.refuse.push(1002);
    let mut job = deactivate(&contacts, Settings::default());
    job.start();
    Run::new(100).go(&mut job, &mut cw, |_, _| true);
    assert_eq!(job.phase(), &Phase::Done);
    let failed = &job.records()[1];
    let RecordState::Failed { message } = &failed.state else { panic!("{:?}", failed.state) };
    assert!(message.contains("Year established is out of range"), "{message}");
    assert_eq!(job.summary().ok, 5);
    assert!(job.log().iter().any(|r| r.kind == LogKind::Error && r.text.starts_with("✕ Acme — P1 Doe")));
}

#[test]
fn retries_back_off_with_jitter_and_give_up_with_an_honest_message() {
    let contacts = people(2);
    let mut cw = FakeCw::new(&contacts)
        .with_faults(|_, req| if req.path.ends_with("1001") { Fault::ServerError } else { Fault::None });
    let mut job = deactivate(&contacts, Settings::default());
    job.start();
    let mut times = Vec::new();
    let mut run = Run::new(10);
    run.go(&mut job, &mut cw, |job, _| {
        times.push(job.records()[0].not_before);
        true
    });
    let RecordState::Failed { message } = &job.records()[0].state else { panic!("{:?}", job.records()[0].state) };
    assert!(message.contains("may or may not have been applied"), "{message}");
    assert_eq!(job.records()[0].tries, job::MAX_TRIES);
    assert_eq!(job.records()[1].state, RecordState::Ok);
    // Waits grow: the n-th is within [base·2^(n-1)/2, base·2^(n-1)].
    assert!(run.now >= (500 + 1000 + 2000 + 4000 + 8000) / 2, "{}", run.now);
    assert!(run.now <= 500 + 1000 + 2000 + 4000 + 8000 + 2_000, "{}", run.now);
}

#[test]
fn persistent_429s_and_refused_credentials_pause_the_job_for_resume() {
    let contacts = people(5);
    let mut cw = FakeCw::new(&contacts).with_faults(|_, _| Fault::RateLimited(1));
    let mut job = deactivate(&contacts, Settings::default());
    job.start();
    Run::new(50).go(&mut job, &mut cw, |_, _| true);
    let Phase::Paused { reason } = job.phase() else { panic!("{:?}", job.phase()) };
    assert!(reason.contains("429"), "{reason}");
    assert!(job.can_resume());
    assert_eq!(job.summary().open, 5, "nothing lost");

    let mut cw = FakeCw::new(&contacts).with_faults(|seq, _| if seq == 2 { Fault::Unauthorized } else { Fault::None });
    let mut job = deactivate(&contacts, Settings::default());
    job.start();
    Run::new(50).go(&mut job, &mut cw, |_, _| true);
    let Phase::Paused { reason } = job.phase() else { panic!("{:?}", job.phase()) };
    assert!(reason.contains("Reconnect"), "{reason}");
    assert!(job.start());
    Run::new(50).go(&mut job, &mut cw, |_, _| true);
    assert_each_written_once(&job, &cw);
}

#[test]
fn a_reload_mid_run_resumes_from_the_journal_without_writing_anything_twice() {
    let contacts = people(20);
    // Answers to writes are lost from the 6th request on, while the page "closes".
    let mut cw = FakeCw::new(&contacts);
    let mut job = deactivate(&contacts, Settings { rate_per_min: 1200, in_flight: 4 });
    job.start();
    let mut journal = String::new();
    let mut run = Run::new(500);
    run.go(&mut job, &mut cw, |job, answered| {
        journal = job.to_journal();
        answered < 6
    });
    // Requests were in flight when the page went: CW applied them, the page never heard.
    let in_flight: Vec<ContactId> =
        job.records().iter().filter(|r| matches!(r.state, RecordState::InFlight { .. })).map(|r| r.contact).collect();
    let _ = job.next(run.now);
    let journal_now = job.to_journal();
    assert!(!in_flight.is_empty());
    assert!(journal.len() > 100);

    let mut restored = BulkJob::from_journal(&journal_now).unwrap();
    let Phase::Paused { reason } = restored.phase() else { panic!("{:?}", restored.phase()) };
    assert!(reason.contains("Interrupted"), "{reason}");
    assert_eq!(restored.in_flight(), 0);
    for r in restored.records().iter().filter(|r| in_flight.contains(&r.contact)) {
        assert_eq!(r.state, RecordState::Check { uncertain: true }, "{} is read back first", r.label());
    }
    assert!(restored.start());
    let mut run = Run::new(500);
    run.go(&mut restored, &mut cw, |_, _| true);
    assert_eq!(restored.phase(), &Phase::Done);
    assert_each_written_once(&restored, &cw);
    assert!(restored.stats().reads >= in_flight.len() as u32);
}

#[test]
fn a_journal_of_another_version_or_garbage_is_refused_with_a_reason() {
    assert!(BulkJob::from_journal("{").unwrap_err().contains("unreadable"));
    let job = deactivate(&people(2), Settings::default());
    let old = job.to_journal().replace("\"version\":1", "\"version\":0");
    assert!(BulkJob::from_journal(&old).unwrap_err().contains("another version"));
    assert_eq!(BulkJob::from_journal(&job.to_journal()).unwrap(), job);
}

#[test]
fn cancel_sends_nothing_more_but_still_reads_back_a_lost_answer() {
    let contacts = people(20);
    let mut cw = FakeCw::new(&contacts).with_faults(|seq, _| if seq == 3 { Fault::DropAfter } else { Fault::None });
    let mut job = deactivate(&contacts, Settings { rate_per_min: 600, in_flight: 2 });
    job.start();
    Run::new(100).go(&mut job, &mut cw, |job, answered| {
        if answered == 3 {
            job.cancel();
        }
        true
    });
    assert!(job.is_finished(), "{:?}", job.phase());
    let s = job.summary();
    assert_eq!(s.open, 0);
    assert!(s.not_sent > 10, "{s:?}");
    assert_eq!(s.ok, cw.applied.len(), "every applied write is reported ok, the lost one included");
    assert_eq!(job.records()[2].state, RecordState::Ok, "the lost answer was read back");
    assert!(!job.start(), "a cancelled job does not resume");
}

#[test]
fn undo_restores_each_old_value_and_leaves_records_changed_since_alone() {
    let contacts = people(10);
    let mut cw = FakeCw::new(&contacts);
    let mut job = deactivate(&contacts, Settings::default());
    assert!(job.undo(meta("u0"), Settings::default()).is_none(), "not before it ran");
    job.start();
    Run::new(100).go(&mut job, &mut cw, |_, _| true);
    // Someone reactivates P3 in ConnectWise after the job.
    cw.contacts.get_mut(&1004).unwrap()["inactiveFlag"] = json!(false);

    let mut undo = job.undo(meta("u1"), Settings::default()).unwrap();
    assert_eq!(undo.kind(), JobKind::Undo);
    assert_eq!(undo.undoes(), Some("job-1"));
    assert_eq!(undo.total(), 9, "only the records the job wrote");
    assert!(undo.start());
    cw.applied.clear();
    Run::new(100).go(&mut undo, &mut cw, |_, _| true);
    assert_eq!(undo.phase(), &Phase::Done);
    let s = undo.summary();
    assert_eq!((s.ok, s.skipped, s.changed), (8, 1, 0), "{:?}", undo.log());
    let p3 = undo.records().iter().find(|r| r.contact == ContactId(1004)).unwrap();
    assert_eq!(p3.state, RecordState::Skipped { reason: "already at the value".into() });
    for id in 1001..=1009 {
        assert_eq!(cw.value(id, "inactiveFlag"), json!(false), "contact {id} back to its old value");
    }
    assert!(undo.undo(meta("u2"), Settings::default()).is_none(), "an undo is not undone");
}

#[test]
fn undo_skips_and_reports_a_record_someone_changed_to_a_third_value() {
    let contacts: Vec<Contact> = serde_json::from_value(json!([
        {"id": 1, "firstName": "A", "relationship": {"id": 1, "name": "Owner"}},
        {"id": 2, "firstName": "B", "relationship": {"id": 1, "name": "Owner"}}
    ]))
    .unwrap();
    let lookups: Vec<crate::model::ContactRelationship> =
        serde_json::from_value(json!([{"id":1,"name":"Owner"},{"id":2,"name":"Billing"},{"id":3,"name":"Tech"}]))
            .unwrap();
    let change = BulkChange::named(BulkField::RelationshipName, "billing", &lookups).unwrap();
    let mut cw = FakeCw::new(&contacts);
    let mut job = BulkJob::plan(meta("r"), &[("Acme".into(), contacts)], BulkFilter::All, &change, Settings::default());
    job.start();
    Run::new(10).go(&mut job, &mut cw, |_, _| true);
    assert_eq!(cw.value(1, "relationship"), json!({"id": 2}));
    cw.contacts.get_mut(&2).unwrap()["relationship"] = json!({"id": 3, "name": "Tech"});
    let mut undo = job.undo(meta("ru"), Settings::default()).unwrap();
    undo.start();
    Run::new(10).go(&mut undo, &mut cw, |_, _| true);
    assert_eq!(cw.value(1, "relationship"), json!({"id": 1}), "written back by id");
    assert_eq!(undo.records()[1].state, RecordState::Changed { now: "Tech".into() });
    assert_eq!(cw.value(2, "relationship"), json!({"id": 3, "name": "Tech"}), "left alone");
    assert!(undo.log().iter().any(|r| r.text.contains("changed in ConnectWise since (now Tech)")));
}

#[test]
fn the_csv_has_one_row_per_record_with_before_after_and_result() {
    let contacts = people(3);
    let mut cw = FakeCw::new(&contacts);
    let mut job = deactivate(&contacts, Settings::default());
    job.start();
    Run::new(10).go(&mut job, &mut cw, |_, _| true);
    let csv = to_csv(&job);
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "job,kind,company,contact id,contact,field,current value,new value,result,message");
    assert_eq!(lines[1], "job-1,apply,Acme,1001,P0 Doe,inactiveFlag,false,true,ok,");
}
