//! The onboarding wizard's pages, in order.

use serde::{Deserialize, Serialize};

/// A page of the onboarding wizard. Agreement and Ticket pages are always shown; the draft says whether
/// their step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WizardStep {
    /// 1. The company.
    Company,
    /// 2. Its first site.
    Site,
    /// 3. Its contacts.
    Contacts,
    /// 4. An agreement (optional).
    Agreement,
    /// 5. The onboarding ticket (optional).
    Ticket,
    /// 6. Review and submit.
    Review,
}

impl WizardStep {
    /// Every page, in order.
    pub const ALL: [WizardStep; 6] = [
        WizardStep::Company,
        WizardStep::Site,
        WizardStep::Contacts,
        WizardStep::Agreement,
        WizardStep::Ticket,
        WizardStep::Review,
    ];

    /// The page after this one, `None` on Review.
    pub fn next(self) -> Option<Self> {
        Self::ALL.get(self.index() + 1).copied()
    }

    /// The page before this one, `None` on Company.
    pub fn prev(self) -> Option<Self> {
        self.index().checked_sub(1).map(|i| Self::ALL[i])
    }

    /// 0-based position.
    pub fn index(self) -> usize {
        self as usize
    }

    /// 1-based number shown to the user.
    pub fn number(self) -> usize {
        self.index() + 1
    }

    /// The page title.
    pub fn title(self) -> &'static str {
        match self {
            WizardStep::Company => "Company",
            WizardStep::Site => "Site",
            WizardStep::Contacts => "Contacts",
            WizardStep::Agreement => "Agreement",
            WizardStep::Ticket => "Ticket",
            WizardStep::Review => "Review",
        }
    }

    /// True for pages the user may skip.
    pub fn is_optional(self) -> bool {
        matches!(self, WizardStep::Agreement | WizardStep::Ticket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_prev_walk_the_six_pages() {
        let mut step = WizardStep::Company;
        let mut seen = vec![step];
        while let Some(next) = step.next() {
            assert_eq!(next.prev(), Some(step));
            step = next;
            seen.push(step);
        }
        assert_eq!(seen, WizardStep::ALL);
        assert_eq!(WizardStep::Review.next(), None);
        assert_eq!(WizardStep::Company.prev(), None);
        assert_eq!(WizardStep::Ticket.number(), 5);
        assert!(WizardStep::Agreement.is_optional() && !WizardStep::Site.is_optional());
    }
}
