//! The job as CSV: one row per record with its before and after values and how it ended, for the
//! change log an MSP keeps. Every cell is neutralised against spreadsheet formula injection: a contact
//! named `=HYPERLINK(…)` must stay text when the file is opened in Excel.

use super::job::BulkJob;

/// The header row.
pub const CSV_HEADER: [&str; 10] =
    ["job", "kind", "company", "contact id", "contact", "field", "current value", "new value", "result", "message"];

/// One cell: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front (OWASP's advice), and a
/// cell with a comma, quote or line break is quoted with its quotes doubled.
pub fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

fn row(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The plan and its results as CSV (RFC 4180, CRLF line ends).
pub fn to_csv(job: &BulkJob) -> String {
    let mut out = row(&CSV_HEADER.map(String::from));
    let kind = match job.kind() {
        super::job::JobKind::Apply => "apply",
        super::job::JobKind::Undo => "undo",
    };
    for r in job.records() {
        out.push_str(&row(&[
            job.id().to_string(),
            kind.to_string(),
            r.company.clone(),
            r.contact.to_string(),
            r.name.clone(),
            job.field().path().to_string(),
            r.before.text(),
            r.after.text(),
            r.state.word().to_string(),
            r.state.detail().unwrap_or_default(),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_special_characters_quoted() {
        assert_eq!(cell("Acme"), "Acme");
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(cell("+1 555"), "'+1 555");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("Smith, Jones"), "\"Smith, Jones\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("a=b"), "a=b", "only a leading sign is a formula");
    }
}
