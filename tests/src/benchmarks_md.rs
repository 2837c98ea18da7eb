//! Writing BENCHMARKS.md: each benchmark owns one `## ` section and rewrites only that one.

/// Replaces the section starting at the line `heading` (up to the next `## ` heading) with `section`,
/// or appends it; other sections stay as they are. An empty document gets a title first.
pub fn replace_section(doc: &str, heading: &str, section: &str) -> String {
    let section = section.trim_end_matches('\n');
    if doc.trim().is_empty() {
        return format!(
            "# Benchmarks\n\nMeasured with `cargo xtask bench`; each section is rewritten by its own benchmark.\n\n{section}\n"
        );
    }
    let lines: Vec<&str> = doc.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim_end() == heading) else {
        return format!("{}\n\n{section}\n", doc.trim_end_matches('\n'));
    };
    let end = lines[start + 1..].iter().position(|l| l.starts_with("## ")).map_or(lines.len(), |i| start + 1 + i);
    let mut out = lines[..start].iter().map(|l| format!("{l}\n")).collect::<String>();
    out.push_str(section);
    out.push('\n');
    if end < lines.len() {
        out.push('\n');
        out.extend(lines[end..].iter().map(|l| format!("{l}\n")));
    }
    out
}

/// `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_section_is_replaced() {
        let doc = "# Benchmarks\n\n## a\n\nold a\n\n## b\n\nold b\n";
        assert_eq!(replace_section(doc, "## a", "## a\n\nnew a\n"), "# Benchmarks\n\n## a\n\nnew a\n\n## b\n\nold b\n");
        assert_eq!(replace_section(doc, "## b", "## b\n\nnew b"), "# Benchmarks\n\n## a\n\nold a\n\n## b\n\nnew b\n");
        assert_eq!(replace_section(doc, "## c", "## c\n\nc"), format!("{}\n## c\n\nc\n", doc));
        assert!(replace_section("", "## a", "## a\n").starts_with("# Benchmarks\n"));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
