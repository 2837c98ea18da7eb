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

/// Rewrites the `heading` section of the BENCHMARKS.md at `path` (created when missing); other sections stay.
pub fn write_section(path: &std::path::Path, heading: &str, section: &str) -> Result<(), String> {
    let doc = match std::fs::read_to_string(path) {
        Ok(doc) => doc,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    std::fs::write(path, replace_section(&doc, heading, section)).map_err(|e| format!("{}: {e}", path.display()))
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
    fn a_section_is_written_into_the_file_and_a_missing_file_is_created() {
        let path = std::env::temp_dir().join(format!("cw-benchmarks-md-{}.md", std::process::id()));
        let _ = std::fs::remove_file(&path);
        write_section(&path, "## a", "## a\n\nfirst\n").unwrap();
        write_section(&path, "## b", "## b\n\nsecond\n").unwrap();
        write_section(&path, "## a", "## a\n\nnew\n").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(text.starts_with("# Benchmarks\n") && text.contains("## a\n\nnew\n\n## b\n\nsecond\n"), "{text}");
        let dir = std::env::temp_dir();
        assert!(write_section(&dir, "## a", "## a\n").unwrap_err().contains(&dir.display().to_string()));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
