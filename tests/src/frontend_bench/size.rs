//! What a first visit transfers: every file in `dist/`, raw and as `gzip -9` output (computed by
//! Debian's gzip, so no compression crate is needed).

use std::path::Path;
use std::process::Command;

/// One file of `dist/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSize {
    /// The file name.
    pub name: String,
    /// `wasm`, `js`, `css`, `html` or `json`.
    pub kind: String,
    /// Bytes on disk.
    pub raw: u64,
    /// Bytes of `gzip -9 -c FILE`.
    pub gzip: u64,
}

/// Every file of `dist/`, wasm first, then js, css, html, json.
pub fn measure(dist: &Path) -> Result<Vec<FileSize>, String> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let mut sizes = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dist.display()))?;
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let kind = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_string();
        let raw = entry.metadata().map_err(|e| format!("{}: {e}", path.display()))?.len();
        sizes.push(FileSize { name: entry.file_name().to_string_lossy().into_owned(), kind, raw, gzip: gzip9(&path)? });
    }
    if !sizes.iter().any(|s| s.kind == "wasm") {
        return Err(format!("no .wasm in {}: build it with `trunk build --release`", dist.display()));
    }
    sizes.sort_by_key(|s| (order(&s.kind), s.name.clone()));
    Ok(sizes)
}

/// Total gzip bytes of the files of these kinds.
pub fn gzip_total(sizes: &[FileSize], kinds: &[&str]) -> u64 {
    sizes.iter().filter(|s| kinds.contains(&s.kind.as_str())).map(|s| s.gzip).sum()
}

fn order(kind: &str) -> usize {
    ["wasm", "js", "css", "html", "json"].iter().position(|k| *k == kind).unwrap_or(5)
}

fn gzip9(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip")
        .args(["-9", "-c", "-n"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip ({e}); Debian: apt-get install gzip"))?;
    if !out.status.success() {
        return Err(format!("gzip -9 {} failed: {}", path.display(), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(out.stdout.len() as u64)
}
