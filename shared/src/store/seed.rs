//! The demo tenant: realistic lookups and the product spec's eight fictional MSP clients
//! (six Active with agreements, one Inactive and one Prospect without; one to three contacts each,
//! emails as communication items, exactly one primary contact per company).

use super::Store;
use super::refs::reference;
use super::routes::Coll;
use super::schema::RefKind;
use serde_json::{Value, json};

/// All 50 states and DC: (identifier, name). Ids are 1.. in this order.
pub(crate) const US_STATES: [(&str, &str); 51] = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
];

const SEED_DATE: &str = "2025-06-02T14:30:00Z";

fn info() -> Value {
    json!({"lastUpdated": SEED_DATE, "updatedBy": "Admin1", "dateEntered": "2024-01-08T16:04:59Z", "enteredBy": "Admin1"})
}

fn add_all(store: &mut Store, coll: Coll, rows: Vec<Value>) {
    for mut r in rows {
        if r.get("_info").is_none() {
            super::json::set(&mut r, "_info", json!({"lastUpdated": "2024-01-08T16:04:59Z", "updatedBy": "Admin1"}));
        }
        store.insert_raw(coll, r);
    }
}

/// Every lookup table.
pub(crate) fn lookups(store: &mut Store) {
    let statuses = [
        ("Active", true, false),
        ("Inactive", false, true),
        ("Prospect", false, false),
        ("Credit Hold", false, false),
        ("Not-Approved", false, true),
    ];
    add_all(
        store,
        Coll::CompanyStatuses,
        statuses
            .iter()
            .enumerate()
            .map(|(i, (name, default, inactive))| {
                json!({"id": i + 1, "name": name, "defaultFlag": default, "inactiveFlag": inactive, "notifyFlag": false,
                       "disallowSavingFlag": false, "customNoteFlag": false, "cancelOpenTracksFlag": false})
            })
            .collect(),
    );
    let types = [
        ("Client", true, false),
        ("Prospect", false, false),
        ("Vendor", false, true),
        ("Partner", false, false),
        ("Competitor", false, false),
    ];
    add_all(
        store,
        Coll::CompanyTypes,
        types
            .iter()
            .enumerate()
            .map(|(i, (name, default, vendor))| {
                json!({"id": i + 1, "name": name, "defaultFlag": default, "vendorFlag": vendor, "serviceAlertFlag": false})
            })
            .collect(),
    );
    let contact_types =
        ["Decision Maker", "Approver", "Technical Contact", "Billing Contact", "End User", "No Longer Employed"];
    add_all(
        store,
        Coll::ContactTypes,
        contact_types
            .iter()
            .enumerate()
            .map(|(i, d)| json!({"id": i + 1, "description": d, "defaultFlag": i == 4, "serviceAlertFlag": false}))
            .collect(),
    );
    let relationships = ["Owner", "Executive", "Office Manager", "IT Contact", "Accounting", "Employee"];
    add_all(
        store,
        Coll::Relationships,
        relationships.iter().enumerate().map(|(i, n)| json!({"id": i + 1, "name": n})).collect(),
    );
    let departments = ["Executive", "Operations", "IT", "Finance", "Sales", "Administration", "Clinical"];
    add_all(
        store,
        Coll::Departments,
        departments
            .iter()
            .enumerate()
            .map(|(i, n)| json!({"id": i + 1, "identifier": n.to_uppercase().replace(' ', ""), "name": n}))
            .collect(),
    );
    add_all(
        store,
        Coll::CommunicationTypes,
        vec![
            json!({"id": 1, "description": "Email", "phoneFlag": false, "faxFlag": false, "emailFlag": true, "defaultFlag": true, "exchangeXref": "Business"}),
            json!({"id": 2, "description": "Direct", "phoneFlag": true, "faxFlag": false, "emailFlag": false, "defaultFlag": true, "exchangeXref": "Business"}),
            json!({"id": 3, "description": "Home", "phoneFlag": true, "faxFlag": false, "emailFlag": false, "defaultFlag": false, "exchangeXref": "Home"}),
            json!({"id": 4, "description": "Mobile", "phoneFlag": true, "faxFlag": false, "emailFlag": false, "defaultFlag": false, "exchangeXref": "Mobile"}),
            json!({"id": 5, "description": "Fax", "phoneFlag": false, "faxFlag": true, "emailFlag": false, "defaultFlag": false, "exchangeXref": "BusinessFax"}),
        ],
    );
    let countries = [
        ("US", "United States", "USD"),
        ("CA", "Canada", "CAD"),
        ("GB", "United Kingdom", "GBP"),
        ("AU", "Australia", "AUD"),
        ("MX", "Mexico", "MXN"),
        ("IE", "Ireland", "EUR"),
        ("DE", "Germany", "EUR"),
    ];
    add_all(
        store,
        Coll::Countries,
        countries
            .iter()
            .enumerate()
            .map(|(i, (code, name, cur))| {
                json!({"id": i + 1, "identifier": code, "countryCode": code, "name": name, "defaultFlag": i == 0,
                       "currency": {"id": i + 1, "name": cur}})
            })
            .collect(),
    );
    add_all(
        store,
        Coll::States,
        US_STATES
            .iter()
            .enumerate()
            .map(|(i, (code, name))| json!({"id": i + 1, "identifier": code, "name": name, "country": {"id": 1, "name": "United States"}}))
            .collect(),
    );
    let zones = [
        ("GMT-5/Eastern Time: US & Canada", "Eastern Standard Time", -5.0, true),
        ("GMT-6/Central Time: US & Canada", "Central Standard Time", -6.0, true),
        ("GMT-7/Mountain Time: US & Canada", "Mountain Standard Time", -7.0, true),
        ("GMT-7/Arizona", "US Mountain Standard Time", -7.0, false),
        ("GMT-8/Pacific Time: US & Canada", "Pacific Standard Time", -8.0, true),
        ("GMT-9/Alaska", "Alaskan Standard Time", -9.0, true),
        ("GMT-10/Hawaii", "Hawaiian Standard Time", -10.0, false),
        // Setups named after the Windows zone, as some instances are configured; the spec's wizard
        // sends `timeZone: {name: "Central Standard Time"}`.
        ("Eastern Standard Time", "Eastern Standard Time", -5.0, true),
        ("Central Standard Time", "Central Standard Time", -6.0, true),
        ("Mountain Standard Time", "Mountain Standard Time", -7.0, true),
        ("Pacific Standard Time", "Pacific Standard Time", -8.0, true),
    ];
    add_all(
        store,
        Coll::TimeZones,
        zones
            .iter()
            .enumerate()
            .map(|(i, (name, tz, off, dst))| {
                json!({"id": i + 1, "name": name, "timeZone": tz, "offset": off, "defaultFlag": i == 0, "daylightSavingsFlag": dst})
            })
            .collect(),
    );
    let boards = [("Service Desk", false), ("Projects", true), ("Onboarding", false)];
    add_all(
        store,
        Coll::Boards,
        boards
            .iter()
            .enumerate()
            .map(|(i, (name, project))| {
                json!({"id": i + 1, "name": name, "inactiveFlag": false, "projectFlag": project,
                       "location": {"id": 2, "name": "Main Office"}, "department": {"id": 1, "identifier": "Service", "name": "Service"},
                       "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"})
            })
            .collect(),
    );
    let board_statuses: [(i64, &[(&str, bool)]); 3] = [
        (
            1,
            &[
                ("New", false),
                ("In Progress", false),
                ("Waiting on Client", false),
                ("Scheduled", false),
                ("Resolved", true),
                ("Closed", true),
            ],
        ),
        (
            2,
            &[
                ("New", false),
                ("Scheduled", false),
                ("In Progress", false),
                ("On Hold", false),
                ("Completed", true),
                ("Closed", true),
            ],
        ),
        (
            3,
            &[
                ("New", false),
                ("Kickoff Scheduled", false),
                ("In Progress", false),
                ("Waiting on Client", false),
                ("Completed", true),
                ("Closed", true),
            ],
        ),
    ];
    let mut rows = Vec::new();
    for (board, list) in board_statuses {
        let board_name = boards[(board - 1) as usize].0;
        for (sort, (name, closed)) in list.iter().enumerate() {
            rows.push(json!({"id": rows.len() + 1, "name": name, "board": {"id": board, "name": board_name},
                             "sortOrder": sort, "displayOnBoard": true, "inactive": false, "closedStatus": closed,
                             "defaultFlag": sort == 0, "timeEntryNotAllowed": false}));
        }
    }
    add_all(store, Coll::BoardStatuses, rows);
    let priorities = [
        ("Priority 1 - Emergency Response", "Red", 1, 1),
        ("Priority 2 - Quick Response", "Orange", 2, 2),
        ("Priority 3 - Normal Response", "Blue", 6, 3),
        ("Priority 4 - Scheduled Maintenance", "Green", 8, 4),
        ("Do Not Respond", "Grey", 10, 5),
    ];
    add_all(
        store,
        Coll::Priorities,
        priorities
            .iter()
            .enumerate()
            .map(|(i, (name, color, sort, level))| {
                json!({"id": i + 1, "name": name, "color": color, "sortOrder": sort, "defaultFlag": i == 2, "level": format!("Priority{level}")})
            })
            .collect(),
    );
    let agreement_types = [
        ("Managed Service", true, 0.0),
        ("Block Hours", false, 1500.0),
        ("Per Device", false, 0.0),
        ("Time and Materials", false, 0.0),
        ("Prepaid Hours", false, 1000.0),
        ("Break Fix", false, 0.0),
    ];
    add_all(
        store,
        Coll::AgreementTypes,
        agreement_types
            .iter()
            .enumerate()
            .map(|(i, (name, default, amount))| {
                json!({"id": i + 1, "name": name, "defaultFlag": default, "inactiveFlag": false, "prePaymentFlag": name.contains("Hours"),
                       "billAmount": amount, "billingCycle": {"id": 2, "name": "Monthly"}, "applicationUnits": "Amount",
                       "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing", "invoicingCycle": "CalendarYear",
                       "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable"})
            })
            .collect(),
    );
    let members = [
        ("admin1", "Admin", "One"),
        ("jsmith", "Jordan", "Smith"),
        ("mlopez", "Maria", "Lopez"),
        ("tnguyen", "Tuan", "Nguyen"),
    ];
    add_all(
        store,
        Coll::Members,
        members
            .iter()
            .enumerate()
            .map(|(i, (ident, first, last))| {
                json!({"id": i + 1, "identifier": ident, "firstName": first, "lastName": last, "name": format!("{first} {last}"), "inactiveFlag": false})
            })
            .collect(),
    );
}

/// `/system/info`.
pub(crate) fn system_info() -> Value {
    json!({
        "version": "v2026.4.10675",
        "isCloud": true,
        "serverTimeZone": "Eastern Standard Time",
        "cloudRegion": "NA",
        "licenseBits": [],
        "maxWorkFlowRecordsAllowed": 1000
    })
}

struct Person {
    first: &'static str,
    last: &'static str,
    title: &'static str,
    relationship: i64,
    department: i64,
    contact_type: i64,
    mobile: Option<&'static str>,
}

struct Agreement {
    name: &'static str,
    type_id: i64,
    amount: f64,
    start: &'static str,
}

struct Client {
    name: &'static str,
    identifier: &'static str,
    status: i64,
    company_type: i64,
    address: &'static str,
    city: &'static str,
    state: &'static str,
    zip: &'static str,
    phone: &'static str,
    website: &'static str,
    employees: i64,
    time_zone: i64,
    domain: &'static str,
    people: &'static [Person],
    extra_sites: &'static [(&'static str, &'static str, &'static str)],
    agreements: &'static [Agreement],
}

const fn p(
    first: &'static str,
    last: &'static str,
    title: &'static str,
    relationship: i64,
    department: i64,
    contact_type: i64,
) -> Person {
    Person { first, last, title, relationship, department, contact_type, mobile: None }
}

const CLIENTS: &[Client] = &[
    Client {
        name: "Summit Ridge Dental Group",
        identifier: "SummitRidgeDental",
        status: 1,
        company_type: 1,
        address: "1450 Larimer St, Suite 300",
        city: "Denver",
        state: "CO",
        zip: "80202",
        phone: "303-555-0142",
        website: "www.summitridgedental.com",
        employees: 42,
        time_zone: 3,
        domain: "summitridgedental.com",
        people: &[
            Person { mobile: Some("720-555-0188"), ..p("Karen", "Whitfield", "Practice Owner", 1, 1, 1) },
            p("Luis", "Ortega", "Office Manager", 3, 6, 2),
        ],
        extra_sites: &[("Lakewood Clinic", "7200 W Alameda Ave", "Lakewood")],
        agreements: &[Agreement {
            name: "Managed Services - Gold",
            type_id: 1,
            amount: 3450.0,
            start: "2024-02-01T00:00:00Z",
        }],
    },
    Client {
        name: "Harborview Logistics",
        identifier: "HarborviewLogistics",
        status: 1,
        company_type: 1,
        address: "2201 Alaskan Way",
        city: "Seattle",
        state: "WA",
        zip: "98121",
        phone: "206-555-0117",
        website: "www.harborviewlogistics.com",
        employees: 128,
        time_zone: 5,
        domain: "harborviewlogistics.com",
        people: &[
            p("Derek", "Okafor", "Chief Operating Officer", 2, 2, 1),
            Person { mobile: Some("206-555-0163"), ..p("Priya", "Raman", "IT Coordinator", 4, 3, 3) },
            p("Megan", "Sorensen", "Controller", 5, 4, 4),
        ],
        extra_sites: &[("Tacoma Warehouse", "1102 Port of Tacoma Rd", "Tacoma")],
        agreements: &[
            Agreement {
                name: "Managed Services - Platinum",
                type_id: 1,
                amount: 6200.0,
                start: "2023-07-01T00:00:00Z",
            },
            Agreement { name: "Project Block - 20 Hours", type_id: 2, amount: 1500.0, start: "2025-01-15T00:00:00Z" },
        ],
    },
    Client {
        name: "Prairie Creek Credit Union",
        identifier: "PrairieCreekCU",
        status: 1,
        company_type: 1,
        address: "8800 W Dodge Rd",
        city: "Omaha",
        state: "NE",
        zip: "68114",
        phone: "402-555-0196",
        website: "www.prairiecreekcu.org",
        employees: 64,
        time_zone: 2,
        domain: "prairiecreekcu.org",
        people: &[
            p("Janet", "Kowalski", "President & CEO", 2, 1, 1),
            p("Marcus", "Bell", "Compliance Officer", 6, 2, 3),
        ],
        extra_sites: &[],
        agreements: &[Agreement {
            name: "Managed Services - Gold",
            type_id: 1,
            amount: 4800.0,
            start: "2024-05-01T00:00:00Z",
        }],
    },
    Client {
        name: "Bluebonnet Veterinary Clinic",
        identifier: "BluebonnetVet",
        status: 1,
        company_type: 1,
        address: "4301 S Lamar Blvd",
        city: "Austin",
        state: "TX",
        zip: "78704",
        phone: "512-555-0134",
        website: "www.bluebonnetvet.com",
        employees: 18,
        time_zone: 2,
        domain: "bluebonnetvet.com",
        people: &[Person { mobile: Some("512-555-0177"), ..p("Rosa", "Delgado", "Practice Manager", 3, 6, 1) }],
        extra_sites: &[],
        agreements: &[Agreement {
            name: "Workstation Coverage - 14 Devices",
            type_id: 3,
            amount: 890.0,
            start: "2024-09-01T00:00:00Z",
        }],
    },
    Client {
        name: "Magnolia Title & Escrow",
        identifier: "MagnoliaTitle",
        status: 1,
        company_type: 1,
        address: "201 S Tryon St, Floor 12",
        city: "Charlotte",
        state: "NC",
        zip: "28202",
        phone: "704-555-0159",
        website: "www.magnoliatitle.com",
        employees: 35,
        time_zone: 1,
        domain: "magnoliatitle.com",
        people: &[
            p("Caroline", "Pruitt", "Managing Partner", 1, 1, 1),
            p("Andre", "Simmons", "Escrow Officer", 6, 2, 5),
            p("Heather", "Lang", "Office Administrator", 3, 6, 4),
        ],
        extra_sites: &[],
        agreements: &[
            Agreement { name: "Managed Services - Silver", type_id: 1, amount: 2750.0, start: "2024-03-01T00:00:00Z" },
            Agreement {
                name: "Server & Firewall Monitoring",
                type_id: 3,
                amount: 640.0,
                start: "2024-03-01T00:00:00Z",
            },
        ],
    },
    Client {
        name: "Redwood Legal Partners",
        identifier: "RedwoodLegal",
        status: 1,
        company_type: 1,
        address: "980 9th St, Suite 1500",
        city: "Sacramento",
        state: "CA",
        zip: "95814",
        phone: "916-555-0121",
        website: "www.redwoodlegal.com",
        employees: 27,
        time_zone: 5,
        domain: "redwoodlegal.com",
        people: &[p("Thomas", "Avery", "Senior Partner", 2, 1, 1), p("Lena", "Fischer", "Paralegal", 6, 2, 5)],
        extra_sites: &[],
        agreements: &[Agreement {
            name: "Support Block - 10 Hours",
            type_id: 2,
            amount: 1200.0,
            start: "2025-02-01T00:00:00Z",
        }],
    },
    Client {
        name: "Lakeshore Family Medicine",
        identifier: "LakeshoreFamilyMed",
        status: 2,
        company_type: 1,
        address: "2500 N Mayfair Rd",
        city: "Milwaukee",
        state: "WI",
        zip: "53226",
        phone: "414-555-0108",
        website: "www.lakeshorefamilymed.com",
        employees: 22,
        time_zone: 2,
        domain: "lakeshorefamilymed.com",
        people: &[p("Gregory", "Haines", "Medical Director", 1, 7, 1), p("Tina", "Marsh", "Office Manager", 3, 6, 2)],
        extra_sites: &[],
        agreements: &[],
    },
    Client {
        name: "Copperline Manufacturing",
        identifier: "CopperlineMfg",
        status: 3,
        company_type: 2,
        address: "4120 E Broadway Rd",
        city: "Phoenix",
        state: "AZ",
        zip: "85040",
        phone: "602-555-0175",
        website: "www.copperlinemfg.com",
        employees: 210,
        time_zone: 4,
        domain: "copperlinemfg.com",
        people: &[p("Victor", "Reyes", "VP of Operations", 2, 2, 1)],
        extra_sites: &[],
        agreements: &[],
    },
];

fn lookup_ref(store: &Store, coll: Coll, kind: RefKind, id: i64) -> Value {
    reference(kind, store.get(coll, id).expect("seeded lookup"))
}

fn state_ref(store: &Store, code: &str) -> Value {
    let id = US_STATES.iter().position(|(c, _)| *c == code).expect("known state") as i64 + 1;
    lookup_ref(store, Coll::States, RefKind::State, id)
}

/// The eight demo clients with contacts, sites, agreements and two tickets.
pub(crate) fn demo_clients(store: &mut Store) {
    let us = lookup_ref(store, Coll::Countries, RefKind::Country, 1);
    for client in CLIENTS {
        let company = json!({
            "identifier": client.identifier,
            "name": client.name,
            "status": lookup_ref(store, Coll::CompanyStatuses, RefKind::CompanyStatus, client.status),
            "types": [lookup_ref(store, Coll::CompanyTypes, RefKind::CompanyType, client.company_type)],
            "addressLine1": client.address,
            "city": client.city,
            "state": client.state,
            "zip": client.zip,
            "country": us,
            "phoneNumber": client.phone,
            "website": client.website,
            "numberOfEmployees": client.employees,
            "timeZoneSetup": lookup_ref(store, Coll::TimeZones, RefKind::TimeZone, client.time_zone),
            "leadFlag": client.status == 3,
            "unsubscribeFlag": false,
            "deletedFlag": false,
            "isVendorFlag": false,
            "_info": info(),
        });
        let company_id = store.insert_raw(Coll::Companies, company);
        let company_ref = reference(RefKind::Company, store.get(Coll::Companies, company_id).expect("inserted"));
        // Sites: "Main Office" with the company address, plus any branch.
        let mut site_ids = Vec::new();
        let sites =
            std::iter::once(("Main Office", client.address, client.city)).chain(client.extra_sites.iter().copied());
        for (i, (name, address, city)) in sites.enumerate() {
            let site = json!({
                "name": name, "addressLine1": address, "city": city, "stateReference": state_ref(store, client.state),
                "zip": client.zip, "country": us, "phoneNumber": client.phone,
                "primaryAddressFlag": i == 0, "defaultShippingFlag": i == 0, "defaultBillingFlag": i == 0,
                "defaultMailingFlag": i == 0, "inactiveFlag": false, "billSeparateFlag": false,
                "timeZone": lookup_ref(store, Coll::TimeZones, RefKind::TimeZone, client.time_zone),
                "company": company_ref, "_info": info(),
            });
            site_ids.push((store.insert_raw(Coll::Sites, site), name));
        }
        let main_site = json!({"id": site_ids[0].0, "name": site_ids[0].1});
        super::json::set(
            store.table_mut(Coll::Companies).rows.get_mut(&company_id).expect("inserted"),
            "site",
            main_site.clone(),
        );
        // Contacts; the first is the primary.
        let mut first_contact = None;
        for (i, person) in client.people.iter().enumerate() {
            let email = format!("{}.{}@{}", person.first.to_lowercase(), person.last.to_lowercase(), client.domain);
            let mut items = vec![
                json!({"type": {"id": 1, "name": "Email"}, "value": email, "defaultFlag": true, "communicationType": "Email",
                       "domain": format!("@{}", client.domain)}),
                json!({"type": {"id": 2, "name": "Direct"}, "value": client.phone, "extension": format!("{}", 101 + i),
                       "defaultFlag": true, "communicationType": "Phone"}),
            ];
            if let Some(m) = person.mobile {
                items.push(json!({"type": {"id": 4, "name": "Mobile"}, "value": m, "defaultFlag": false, "communicationType": "Phone"}));
            }
            let mut contact = json!({
                "firstName": person.first, "lastName": person.last, "title": person.title,
                "company": company_ref, "site": main_site,
                "relationship": lookup_ref(store, Coll::Relationships, RefKind::Relationship, person.relationship),
                "department": lookup_ref(store, Coll::Departments, RefKind::Department, person.department),
                "types": [lookup_ref(store, Coll::ContactTypes, RefKind::ContactType, person.contact_type)],
                "inactiveFlag": client.status == 2 && i > 0,
                "defaultFlag": i == 0, "defaultBillingFlag": i == 0, "marriedFlag": false, "childrenFlag": false,
                "disablePortalLoginFlag": false, "unsubscribeFlag": false,
                "communicationItems": items, "_info": info(),
            });
            let id = store.table(Coll::Contacts).next_id;
            store.finish_comm_items(&mut contact, id);
            let id = store.insert_raw(Coll::Contacts, contact);
            first_contact.get_or_insert(id);
        }
        store.sync_default_contact(company_id);
        let primary =
            lookup_ref(store, Coll::Contacts, RefKind::Contact, first_contact.expect("every client has a contact"));
        for a in client.agreements {
            let mut agreement = json!({
                "name": a.name, "type": lookup_ref(store, Coll::AgreementTypes, RefKind::AgreementType, a.type_id),
                "company": company_ref, "contact": primary, "site": main_site,
                "startDate": a.start, "billAmount": a.amount, "cancelledFlag": false,
                "billingCycle": {"id": 2, "name": "Monthly"}, "applicationUnits": "Amount",
                "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable",
                "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing", "invoicingCycle": "CalendarYear",
                "taxable": true, "_info": info(),
            });
            store.finish(Coll::Agreements, &mut agreement);
            store.insert_raw(Coll::Agreements, agreement);
        }
    }
    // Two open tickets so the board lookups have something to show.
    for (company_ident, summary, board) in [
        ("HarborviewLogistics", "Warehouse scanner cannot reach Wi-Fi", 1),
        ("SummitRidgeDental", "Onboarding — Lakewood Clinic workstations", 3),
    ] {
        let Some(company) =
            store.table(Coll::Companies).rows.values().find(|c| c["identifier"] == company_ident).cloned()
        else {
            continue;
        };
        let contact = company["defaultContact"].clone();
        let status = store
            .default_of(Coll::BoardStatuses, |s| super::json::ref_id(s, "board") == Some(board))
            .map(|s| reference(RefKind::BoardStatus, s));
        let mut ticket = json!({
            "summary": summary, "recordType": "ServiceTicket",
            "board": lookup_ref(store, Coll::Boards, RefKind::Board, board), "status": status,
            "company": reference(RefKind::Company, &company), "contact": contact,
            "site": company["site"], "priority": lookup_ref(store, Coll::Priorities, RefKind::Priority, 3),
            "severity": "Medium", "impact": "Medium", "closedFlag": false, "_info": info(),
        });
        store.finish(Coll::Tickets, &mut ticket);
        super::json::strip_nulls(&mut ticket);
        store.insert_raw(Coll::Tickets, ticket);
    }
}
