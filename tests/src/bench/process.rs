//! The benchmark's child processes: started with their output in a log file, waited for until they
//! listen, and always stopped (SIGTERM, then SIGKILL) when dropped, also on error or panic.

use crate::bench::rss;
use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a service has to start listening.
const START_PATIENCE: Duration = Duration::from_secs(30);
/// How long a service has to exit after SIGTERM before it gets SIGKILL.
const STOP_PATIENCE: Duration = Duration::from_secs(5);

/// A free loopback port (bound, read, released: another process could take it in between, which the
/// start-up check would then report).
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free loopback port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A running child process.
pub struct Service {
    pub name: String,
    child: Option<Child>,
    pub pid: u32,
    /// Its standard output and error.
    pub log: PathBuf,
}

impl Service {
    /// Starts `command` with stdin closed and stdout/stderr appended to `log`.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Result<Service, String> {
        let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        command.stdin(Stdio::null()).stdout(out).stderr(err);
        println!("  starting {name}: {}", describe(&command));
        let child = command.spawn().map_err(|e| format!("could not start {name} ({}): {e}", describe(&command)))?;
        let pid = child.id();
        Ok(Service { name: name.to_owned(), child: Some(child), pid, log: log.to_path_buf() })
    }

    /// Waits until `addr` accepts connections; fails (with the end of the log) if the process exits or
    /// takes too long.
    pub fn wait_listening(&mut self, addr: SocketAddr) -> Result<(), String> {
        let deadline = Instant::now() + START_PATIENCE;
        loop {
            if let Some(child) = &mut self.child
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(format!(
                    "{} exited ({status}) before listening on {addr}:\n{}",
                    self.name,
                    self.log_tail()
                ));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} did not listen on {addr} within {START_PATIENCE:?}:\n{}",
                    self.name,
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last lines of the log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Stops the process and its direct children (nginx's workers): SIGTERM, then SIGKILL after
    /// [`STOP_PATIENCE`]. Idempotent.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        let group = rss::process_group(self.pid);
        signal("-TERM", &[self.pid]);
        let deadline = Instant::now() + STOP_PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if !matches!(child.try_wait(), Ok(Some(_))) {
            let _ = child.kill();
            let _ = child.wait();
        }
        // Children that outlived their parent (pids checked to still be alive and not reused by a
        // process that is no longer a child: they were ours a moment ago).
        let leftovers: Vec<u32> =
            group.into_iter().filter(|&p| p != self.pid && Path::new(&format!("/proc/{p}")).exists()).collect();
        if !leftovers.is_empty() {
            std::thread::sleep(Duration::from_millis(500));
            let alive: Vec<u32> = leftovers.into_iter().filter(|p| Path::new(&format!("/proc/{p}")).exists()).collect();
            signal("-KILL", &alive);
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

fn signal(sig: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let mut kill = Command::new("kill");
    kill.arg(sig).args(pids.iter().map(u32::to_string)).stdout(Stdio::null()).stderr(Stdio::null());
    let _ = kill.status();
}

/// The command line, for the log.
pub fn describe(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// The first line of a command's output (stdout, else stderr), for version strings.
pub fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stdin(Stdio::null()).output().ok()?;
    let text = if out.stdout.is_empty() { out.stderr } else { out.stdout };
    String::from_utf8_lossy(&text).lines().next().map(|l| l.trim().to_owned())
}
