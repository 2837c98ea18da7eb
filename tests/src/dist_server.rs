//! A minimal static file server for the console's `dist/`, used by `cargo xtask run` (binary `cw-dist`)
//! and by the browser tests. In production any static host does this job.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A running server; it stops accepting when dropped.
pub struct DistServer {
    addr: SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl DistServer {
    /// Serves `dir` on `listener` from a background thread.
    pub fn start(listener: TcpListener, dir: PathBuf) -> std::io::Result<DistServer> {
        let addr = listener.local_addr()?;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        listener.set_nonblocking(true)?;
        std::thread::spawn(move || serve(listener, &dir, &flag));
        Ok(DistServer { addr, stop })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for DistServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Accepts connections until `stop` is set; one thread per connection.
pub fn serve(listener: TcpListener, dir: &Path, stop: &std::sync::atomic::AtomicBool) {
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let dir = dir.to_path_buf();
                std::thread::spawn(move || {
                    let _ = answer(stream, &dir);
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn answer(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let found = resolve(dir, path).and_then(|file| Some((std::fs::read(&file).ok()?, mime_type(&file))));
    let (status, body, mime) = match found {
        Some((body, mime)) => ("200 OK", body, mime),
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

/// The file under `dir` that `path` names, never outside `dir`; `/` is `index.html`.
pub fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    let relative = path.trim_start_matches('/');
    if relative.split('/').any(|part| part == ".." || part.contains('\\') || part.contains('%')) {
        return None;
    }
    let file = if relative.is_empty() { dir.join("index.html") } else { dir.join(relative) };
    file.is_file().then_some(file)
}

fn mime_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_folder() {
        let dir = std::env::temp_dir().join(format!("cw-dist-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        std::fs::write(dir.join("sub/app_bg.wasm"), [0u8]).unwrap();
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/sub/app_bg.wasm"), Some(dir.join("sub/app_bg.wasm")));
        assert_eq!(resolve(&dir, "/../etc/passwd"), None);
        assert_eq!(resolve(&dir, "/sub/..%2f..%2fetc"), None);
        assert_eq!(resolve(&dir, "/missing.js"), None);
        assert_eq!(mime_type(Path::new("x_bg.wasm")), "application/wasm");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
