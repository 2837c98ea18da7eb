//! The primary (default) contact and other cross-record effects of a write.
//!
//! See the module documentation of [`store`](super) for the chosen semantics: `company.defaultContact`
//! always names the lowest-id contact of the company with `defaultFlag = true`; in
//! [`PrimaryMode::AutoClear`] a new default clears the previous one, in [`PrimaryMode::Manual`] nothing
//! is cleared. Renaming a company or a contact updates the references other records hold, since CW
//! resolves them when it reads.

use super::json::{self, ref_id, set};
use super::refs::reference;
use super::routes::Coll;
use super::schema::RefKind;
use super::{PrimaryMode, Store};
use serde_json::{Value, json};

impl Store {
    /// Keeps indexes, the default contact and denormalised references in step after a write.
    pub(crate) fn after_write(&mut self, coll: Coll, id: i64, before: Option<&Value>) {
        match coll {
            Coll::Contacts => {
                let now = self.get(coll, id).cloned().expect("written");
                let old_company = before.and_then(|b| ref_id(b, "company"));
                let new_company = ref_id(&now, "company");
                if old_company != new_company
                    && let Some(old) = old_company
                    && let Some(set) = self.contacts_by_company.get_mut(&old)
                {
                    set.remove(&id);
                }
                if let Some(new) = new_company {
                    self.contacts_by_company.entry(new).or_default().insert(id);
                }
                let became_default = json::flag(&now, "defaultFlag")
                    && (before.is_none_or(|b| !json::flag(b, "defaultFlag")) || old_company != new_company);
                if became_default
                    && self.primary_mode == PrimaryMode::AutoClear
                    && let Some(company) = new_company
                {
                    self.clear_defaults(company, Some(id));
                }
                let renamed = before.is_some_and(|b| json::contact_name(b) != json::contact_name(&now));
                if renamed {
                    self.refresh_refs(RefKind::Contact, id);
                }
                if let Some(old) = old_company.filter(|o| Some(*o) != new_company) {
                    self.sync_default_contact(old);
                }
                if let Some(new) = new_company {
                    self.sync_default_contact(new);
                }
            }
            Coll::Companies => {
                if let Some(b) = before {
                    let now = self.get(coll, id).expect("written");
                    if b.get("name") != now.get("name") || b.get("identifier") != now.get("identifier") {
                        self.refresh_refs(RefKind::Company, id);
                    }
                }
                self.sync_default_contact(id);
            }
            _ => {}
        }
    }

    /// Sets `defaultFlag = false` on every contact of the company except `keep`.
    fn clear_defaults(&mut self, company: i64, keep: Option<i64>) {
        let ids: Vec<i64> =
            self.contacts_by_company.get(&company).map(|s| s.iter().copied().collect()).unwrap_or_default();
        for cid in ids {
            if Some(cid) == keep {
                continue;
            }
            let mut touched = None;
            if let Some(c) = self.table(Coll::Contacts).rows.get(&cid)
                && json::flag(c, "defaultFlag")
            {
                let mut c = c.clone();
                set(&mut c, "defaultFlag", json!(false));
                self.touch(&mut c);
                touched = Some(c);
            }
            if let Some(c) = touched {
                self.table_mut(Coll::Contacts).rows.insert(cid, c);
            }
        }
    }

    /// PATCH of `company.defaultContact`: that contact becomes the only default (None: no default).
    pub(crate) fn make_only_default(&mut self, company: i64, contact: Option<i64>) {
        self.clear_defaults(company, contact);
        if let Some(cid) = contact
            && let Some(c) = self.table(Coll::Contacts).rows.get(&cid)
            && !json::flag(c, "defaultFlag")
        {
            let mut c = c.clone();
            set(&mut c, "defaultFlag", json!(true));
            self.touch(&mut c);
            self.table_mut(Coll::Contacts).rows.insert(cid, c);
        }
        self.sync_default_contact(company);
    }

    /// Recomputes `company.defaultContact` from the contacts' `defaultFlag`.
    pub(crate) fn sync_default_contact(&mut self, company: i64) {
        let default = self.contacts_by_company.get(&company).and_then(|ids| {
            ids.iter()
                .filter_map(|id| self.table(Coll::Contacts).rows.get(id))
                .find(|c| json::flag(c, "defaultFlag"))
                .map(|c| reference(RefKind::Contact, c))
        });
        if let Some(c) = self.table_mut(Coll::Companies).rows.get_mut(&company) {
            set(c, "defaultContact", default.unwrap_or(Value::Null));
        }
    }

    /// Rewrites references to a renamed company or contact held by other records.
    fn refresh_refs(&mut self, kind: RefKind, id: i64) {
        let (source, fields, tables): (Coll, &[&str], &[Coll]) = match kind {
            RefKind::Company => (
                Coll::Companies,
                &["company", "billToCompany", "parentCompany", "subContractCompany", "shipToCompany"],
                &[Coll::Contacts, Coll::Sites, Coll::Agreements, Coll::Tickets, Coll::Companies],
            ),
            RefKind::Contact => (
                Coll::Contacts,
                &["contact", "billToContact", "billingContact", "managerContact", "assistantContact"],
                &[Coll::Agreements, Coll::Tickets, Coll::Companies, Coll::Contacts],
            ),
            _ => return,
        };
        let Some(src) = self.get(source, id) else { return };
        let new_ref = reference(kind, src);
        for &t in tables {
            for rec in self.table_mut(t).rows.values_mut() {
                for f in fields {
                    if ref_id(rec, f) == Some(id) {
                        set(rec, f, new_ref.clone());
                    }
                }
            }
        }
        if kind == RefKind::Contact {
            for t in [Coll::Tickets] {
                let ids: Vec<i64> = self
                    .table(t)
                    .rows
                    .iter()
                    .filter(|(_, r)| ref_id(r, "contact") == Some(id))
                    .map(|(k, _)| *k)
                    .collect();
                for tid in ids {
                    let mut r = self.table(t).rows[&tid].clone();
                    self.finish(t, &mut r);
                    self.table_mut(t).rows.insert(tid, r);
                }
            }
        }
    }
}
