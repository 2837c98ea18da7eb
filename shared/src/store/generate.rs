//! Deterministic large tenants for scale tests and benchmarks (e.g. 10,000 companies × 5 contacts),
//! driven by a tiny SplitMix64 generator (no `rand`, no clock: the same seed gives the same tenant on
//! every platform, wasm included). About 80% of companies are Active, 12% Inactive and 8% Prospect;
//! each has one "Main" site, contacts whose first one is primary, and most active ones an agreement.

use super::Store;
use super::json::set;
use super::refs::reference;
use super::routes::Coll;
use super::schema::RefKind;
use super::seed::US_STATES;
use serde_json::{Value, json};

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough for fake data.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const ADJECTIVES: &[&str] = &[
    "Summit",
    "Harbor",
    "Prairie",
    "Granite",
    "Cedar",
    "Silver",
    "Blue",
    "Iron",
    "Golden",
    "Maple",
    "Pioneer",
    "Coastal",
    "Northern",
    "Evergreen",
    "Liberty",
    "Riverside",
    "Lakeside",
    "Sterling",
    "Oak",
    "Pinnacle",
    "Keystone",
    "Red Rock",
    "Willow",
    "Beacon",
    "Heritage",
    "Frontier",
    "Copper",
    "Canyon",
    "Meadow",
    "Atlas",
];
const NOUNS: &[&str] = &[
    "Dental",
    "Logistics",
    "Credit Union",
    "Veterinary",
    "Title",
    "Legal",
    "Family Medicine",
    "Manufacturing",
    "Architects",
    "Accounting",
    "Insurance",
    "Realty",
    "Engineering",
    "Construction",
    "Pharmacy",
    "Auto Group",
    "Chiropractic",
    "Orthodontics",
    "Foods",
    "Printing",
    "Consulting",
    "Property Management",
    "Landscaping",
    "Electric",
    "Plumbing",
    "Dermatology",
    "Wealth Advisors",
    "Physical Therapy",
    "Brewing",
    "Academy",
];
const SUFFIXES: &[&str] = &["", "Group", "Partners", "LLC", "Inc", "Associates", "Co", "Services"];
const CITIES: &[(&str, &str, &str)] = &[
    ("Denver", "CO", "80202"),
    ("Seattle", "WA", "98101"),
    ("Omaha", "NE", "68102"),
    ("Austin", "TX", "78701"),
    ("Charlotte", "NC", "28202"),
    ("Sacramento", "CA", "95814"),
    ("Milwaukee", "WI", "53202"),
    ("Phoenix", "AZ", "85004"),
    ("Columbus", "OH", "43215"),
    ("Nashville", "TN", "37203"),
    ("Tampa", "FL", "33602"),
    ("Boise", "ID", "83702"),
    ("Richmond", "VA", "23219"),
    ("Portland", "OR", "97204"),
    ("Madison", "WI", "53703"),
    ("Albany", "NY", "12207"),
];
const STREETS: &[&str] =
    &["Main St", "Oak Ave", "Market St", "Broadway", "Elm St", "Park Blvd", "Commerce Dr", "Lake Rd"];
const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Priya",
    "Wei",
    "Aisha",
    "Diego",
    "Fatima",
    "Kenji",
    "Olga",
    "Tariq",
    "Ngozi",
    "Liam",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Nguyen",
    "Patel",
    "Kim",
    "Okafor",
    "Kowalski",
    "Schmidt",
    "Rossi",
    "Tanaka",
    "Haddad",
    "Murphy",
];
const TITLES: &[&str] = &[
    "Owner",
    "Office Manager",
    "IT Coordinator",
    "Controller",
    "Operations Manager",
    "Receptionist",
    "Director",
    "Bookkeeper",
];

fn lookup(store: &Store, coll: Coll, kind: RefKind, id: i64) -> Value {
    reference(kind, store.get(coll, id).expect("seeded lookup"))
}

/// Fills the store with `companies` companies of `per_company` contacts each.
pub(crate) fn populate(store: &mut Store, companies: usize, per_company: usize, seed: u64) {
    let mut rng = SplitMix64::new(seed ^ 0x00C0_FFEE);
    let statuses = [
        lookup(store, Coll::CompanyStatuses, RefKind::CompanyStatus, 1),
        lookup(store, Coll::CompanyStatuses, RefKind::CompanyStatus, 2),
        lookup(store, Coll::CompanyStatuses, RefKind::CompanyStatus, 3),
    ];
    let client = lookup(store, Coll::CompanyTypes, RefKind::CompanyType, 1);
    let prospect = lookup(store, Coll::CompanyTypes, RefKind::CompanyType, 2);
    let us = lookup(store, Coll::Countries, RefKind::Country, 1);
    let managed = lookup(store, Coll::AgreementTypes, RefKind::AgreementType, 1);
    let block = lookup(store, Coll::AgreementTypes, RefKind::AgreementType, 2);
    let email_type = json!({"id": 1, "name": "Email"});
    let direct_type = json!({"id": 2, "name": "Direct"});
    let info = json!({"lastUpdated": "2025-06-02T14:30:00Z", "updatedBy": "Admin1", "dateEntered": "2024-01-08T16:04:59Z", "enteredBy": "Admin1"});
    for n in 0..companies {
        let name = {
            let suffix = rng.pick(SUFFIXES);
            let base = format!("{} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS));
            if suffix.is_empty() { format!("{base} {}", n + 1) } else { format!("{base} {suffix} {}", n + 1) }
        };
        let compact: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
        let digits = (n + 1).to_string();
        let keep = 30usize.saturating_sub(digits.len()).min(compact.len().saturating_sub(digits.len()));
        let identifier = format!("{}{}", &compact[..keep], digits);
        let roll = rng.below(100);
        let status = if roll < 80 {
            0
        } else if roll < 92 {
            1
        } else {
            2
        };
        let (city, state, zip) = *rng.pick(CITIES);
        let area = 200 + rng.below(700);
        let phone = format!("{area}-555-{:04}", rng.below(10_000));
        let domain = format!("{}.com", compact.to_lowercase());
        let address = format!("{} {}", 100 + rng.below(9800), rng.pick(STREETS));
        let company = json!({
            "identifier": identifier, "name": name, "status": statuses[status],
            "types": [if status == 2 { prospect.clone() } else { client.clone() }],
            "addressLine1": address, "city": city, "state": state, "zip": zip, "country": us,
            "phoneNumber": phone, "website": format!("www.{domain}"), "numberOfEmployees": 5 + rng.below(400),
            "leadFlag": status == 2, "unsubscribeFlag": false, "deletedFlag": false, "isVendorFlag": false,
            "_info": info,
        });
        let company_id = store.insert_raw(Coll::Companies, company);
        let company_ref = reference(RefKind::Company, store.get(Coll::Companies, company_id).expect("inserted"));
        let state_id = US_STATES.iter().position(|(c, _)| *c == state).map(|i| i as i64 + 1).unwrap_or(1);
        let site = json!({
            "name": "Main", "addressLine1": address, "city": city,
            "stateReference": lookup(store, Coll::States, RefKind::State, state_id), "zip": zip, "country": us,
            "phoneNumber": phone, "primaryAddressFlag": true, "defaultShippingFlag": true, "defaultBillingFlag": true,
            "defaultMailingFlag": true, "inactiveFlag": false, "billSeparateFlag": false, "company": company_ref, "_info": info,
        });
        let site_id = store.insert_raw(Coll::Sites, site);
        let site_ref = json!({"id": site_id, "name": "Main"});
        set(store.table_mut(Coll::Companies).rows.get_mut(&company_id).expect("inserted"), "site", site_ref.clone());
        let mut primary = None;
        for k in 0..per_company {
            let first = *rng.pick(FIRST);
            let last = *rng.pick(LAST);
            let email = format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase());
            let mut contact = json!({
                "firstName": first, "lastName": last, "title": rng.pick(TITLES), "company": company_ref, "site": site_ref,
                "inactiveFlag": rng.below(20) == 0 && k > 0, "defaultFlag": k == 0, "defaultBillingFlag": k == 0,
                "marriedFlag": false, "childrenFlag": false, "disablePortalLoginFlag": false, "unsubscribeFlag": false,
                "communicationItems": [
                    {"type": email_type, "value": email, "defaultFlag": true, "communicationType": "Email", "domain": format!("@{domain}")},
                    {"type": direct_type, "value": phone, "extension": format!("{}", 100 + k), "defaultFlag": true, "communicationType": "Phone"},
                ],
                "_info": info,
            });
            let id = store.table(Coll::Contacts).next_id;
            store.finish_comm_items(&mut contact, id);
            let id = store.insert_raw(Coll::Contacts, contact);
            primary.get_or_insert(id);
        }
        store.sync_default_contact(company_id);
        if let (Some(_), 0) = (primary, status)
            && rng.below(10) < 7
        {
            let contact = store.table(Coll::Companies).rows[&company_id]["defaultContact"].clone();
            let (kind, amount) =
                if rng.below(4) == 0 { (&block, 1500.0) } else { (&managed, 500.0 + 50.0 * rng.below(100) as f64) };
            let mut agreement = json!({
                "name": format!("{} - {}", kind["name"].as_str().unwrap_or(""), identifier), "type": kind,
                "company": company_ref, "contact": contact, "site": site_ref,
                "startDate": format!("202{}-{:02}-01T00:00:00Z", 3 + rng.below(3), 1 + rng.below(12)),
                "billAmount": amount, "cancelledFlag": false, "billTime": "Billable", "billExpenses": "Billable",
                "billProducts": "Billable", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing",
                "invoicingCycle": "CalendarYear", "_info": info,
            });
            store.finish(Coll::Agreements, &mut agreement);
            store.insert_raw(Coll::Agreements, agreement);
        }
    }
}
