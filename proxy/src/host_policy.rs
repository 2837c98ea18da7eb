//! Which ConnectWise hosts the proxy may call: `--allow-host` patterns, the strict parsing of
//! `x-cw-host`, and the connect-time address check that keeps wildcard-matched hosts off the LAN.
//!
//! A pattern is an exact `host[:port]` (an on-premise ConnectWise, the local simulator; it may resolve
//! to a private address) or `*.suffix[:port]` (the ConnectWise cloud; any host below the suffix, which
//! must resolve to public addresses). Without a port a pattern means 443. The address check runs in
//! [`GuardedResolver`], the resolver of the upstream connector, so it applies to the very addresses
//! the proxy connects to: a DNS answer that changes between check and connect (DNS rebinding) cannot
//! slip through.

use crate::body::BoxError;
use crate::error::ProxyError;
use hyper_util::client::legacy::connect::dns::Name;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The port a host without one means (HTTPS).
pub const DEFAULT_PORT: u16 = 443;

/// The ConnectWise cloud, allowed when no `--allow-host` is given.
pub const DEFAULT_ALLOW_HOSTS: &[&str] = &["*.myconnectwise.net", "*.connectwisedev.com"];

/// A checked `host[:port]`: a lower-case DNS name, a dotted IPv4 address or a bracketed IPv6 address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    host: String,
    port: u16,
}

impl Target {
    /// Parses `host[:port]` strictly: no user info, path, scheme, trailing dot, percent escapes or
    /// numeric shorthand such as `127.1`. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Target> {
        if text.is_empty() || text.len() > 300 || !text.is_ascii() {
            return None;
        }
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (inside, after) = rest.split_once(']')?;
            let ip: Ipv6Addr = inside.parse().ok()?;
            (format!("[{ip}]"), parse_port(after)?)
        } else {
            let (host, after) = match text.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (text, None),
            };
            let port = match after {
                Some(port) => parse_port_digits(port)?,
                None => DEFAULT_PORT,
            };
            (parse_host(host)?, port)
        };
        Some(Target { host, port })
    }

    /// The host part, as it goes into the upstream URL (IPv6 in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `host` for port 443, `host:port` otherwise: the authority of the upstream URL.
    pub fn authority(&self) -> String {
        if self.port == DEFAULT_PORT { self.host.clone() } else { format!("{}:{}", self.host, self.port) }
    }

    fn is_ip(&self) -> bool {
        self.host.starts_with('[') || self.host.parse::<Ipv4Addr>().is_ok()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.authority())
    }
}

/// `""` (default port) or `":digits"`.
fn parse_port(after: &str) -> Option<u16> {
    if after.is_empty() { Some(DEFAULT_PORT) } else { parse_port_digits(after.strip_prefix(':')?) }
}

/// 1..=65535 written canonically (no sign, no leading zero).
fn parse_port_digits(text: &str) -> Option<u16> {
    if text.is_empty() || text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A dotted-quad IPv4 address in canonical form, or a DNS name whose last label starts with a letter
/// (which rules out every numeric shorthand a resolver might read as an address).
fn parse_host(host: &str) -> Option<String> {
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return (ip.to_string() == host).then(|| host.to_owned());
    }
    let host = host.to_ascii_lowercase();
    if host.len() > 253 {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let last_is_name = labels.last().is_some_and(|l| l.bytes().next().is_some_and(|b| b.is_ascii_lowercase()));
    (labels.iter().all(label_ok) && last_is_name).then_some(host)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostMatch {
    /// This host exactly.
    Exact(String),
    /// Any host ending in this suffix, which starts with a dot.
    Below(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct HostPattern {
    host: HostMatch,
    port: u16,
}

impl HostPattern {
    fn parse(text: &str) -> Result<HostPattern, String> {
        let bad = |why: &str| format!("--allow-host {text:?}: {why}");
        if let Some(rest) = text.strip_prefix("*.") {
            let target = Target::parse(rest).ok_or_else(|| bad("not a valid *.domain[:port] pattern"))?;
            if target.is_ip() {
                return Err(bad("a wildcard needs a domain name, not an address"));
            }
            if !target.host.contains('.') {
                return Err(bad("the wildcard is too broad; name at least two labels, e.g. *.myconnectwise.net"));
            }
            Ok(HostPattern { host: HostMatch::Below(format!(".{}", target.host)), port: target.port })
        } else if text.contains('*') {
            Err(bad("a wildcard is only allowed as a leading `*.`"))
        } else {
            let target = Target::parse(text).ok_or_else(|| bad("not a valid host[:port]"))?;
            Ok(HostPattern { host: HostMatch::Exact(target.host), port: target.port })
        }
    }

    fn matches(&self, target: &Target) -> bool {
        self.port == target.port
            && match &self.host {
                HostMatch::Exact(host) => *host == target.host,
                HostMatch::Below(suffix) => {
                    !target.is_ip() && target.host.len() > suffix.len() && target.host.ends_with(suffix.as_str())
                }
            }
    }
}

/// The parsed `--allow-host` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPolicy {
    patterns: Vec<HostPattern>,
}

impl HostPolicy {
    /// Parses every pattern, reporting every bad one.
    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Result<HostPolicy, Vec<String>> {
        let (ok, errors): (Vec<_>, Vec<_>) =
            patterns.iter().map(|p| HostPattern::parse(p.as_ref())).partition(Result::is_ok);
        if !errors.is_empty() {
            return Err(errors.into_iter().filter_map(Result::err).collect());
        }
        if ok.is_empty() {
            return Err(vec!["--allow-host: at least one pattern is required".to_owned()]);
        }
        Ok(HostPolicy { patterns: ok.into_iter().filter_map(Result::ok).collect() })
    }

    /// Adds an exactly listed host (the server-held credentials' host).
    pub fn allow_exact(&mut self, target: &Target) {
        self.patterns.push(HostPattern { host: HostMatch::Exact(target.host.clone()), port: target.port });
    }

    /// Parses an `x-cw-host` value and checks it against the list.
    pub fn check(&self, value: &str) -> Result<Target, ProxyError> {
        let target = Target::parse(value).ok_or(ProxyError::HostNotAllowed(None))?;
        if self.patterns.iter().any(|p| p.matches(&target)) {
            Ok(target)
        } else {
            Err(ProxyError::HostNotAllowed(Some(target.authority())))
        }
    }

    /// True when this host name is listed exactly (on any port), so it may resolve to a private address.
    pub fn is_listed_exactly(&self, host: &str) -> bool {
        self.patterns.iter().any(|p| matches!(&p.host, HostMatch::Exact(h) if h.eq_ignore_ascii_case(host)))
    }
}

/// True for an address on the public internet: not loopback, private, link-local (which includes the
/// cloud metadata address 169.254.169.254), CGNAT, multicast, documentation, benchmarking or reserved,
/// and not an IPv4-mapped, IPv4-compatible, 6to4 or Teredo form that could smuggle one of those.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// IPv4 networks that are not the public internet.
const NON_PUBLIC_V4: &[(Ipv4Addr, u32)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network"
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // CGNAT (and Alibaba's metadata 100.100.100.200)
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local, cloud metadata 169.254.169.254
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation
    (Ipv4Addr::new(224, 0, 0, 0), 3),     // multicast, reserved, broadcast
];

/// IPv6 networks that are not the public internet (IPv4-mapped and -compatible forms included).
const NON_PUBLIC_V6: &[(Ipv6Addr, u32)] = &[
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 96), // ::, ::1 and IPv4-compatible
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0), 96), // IPv4-mapped
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48), // local-use NAT64
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64), // discard
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32), // Teredo
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16), // 6to4
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7), // unique local (AWS metadata fd00:ec2::254)
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10), // link-local
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10), // site-local
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8), // multicast
];

/// NAT64 (`64:ff9b::/96`, DNS64 networks) embeds an IPv4 address, which is judged instead.
const NAT64: (Ipv6Addr, u32) = (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let within = |&(net, len): &(Ipv4Addr, u32)| {
        let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
        u32::from(ip) & mask == u32::from(net) & mask
    };
    !NON_PUBLIC_V4.iter().any(within)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let within = |&(net, len): &(Ipv6Addr, u32)| {
        let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
        u128::from(ip) & mask == u128::from(net) & mask
    };
    if within(&NAT64) {
        let [.., a, b, c, d] = ip.octets();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !NON_PUBLIC_V6.iter().any(within)
}

/// The resolver refused every address of a wildcard-matched host.
#[derive(Debug)]
pub struct NonPublicAddress {
    /// The host name that resolved privately.
    pub host: String,
}

impl fmt::Display for NonPublicAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} resolves only to non-public addresses", self.host)
    }
}

impl std::error::Error for NonPublicAddress {}

/// A future resolving a host name to addresses.
pub type LookupFuture = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;

/// How names are looked up: the system resolver in production, a table in tests.
pub type Lookup = Arc<dyn Fn(String) -> LookupFuture + Send + Sync>;

/// The upstream connector's resolver: looks a name up, then keeps only public addresses unless the
/// name is listed exactly. If nothing is left the connection fails with [`NonPublicAddress`].
#[derive(Clone)]
pub struct GuardedResolver {
    policy: Arc<HostPolicy>,
    lookup: Lookup,
}

impl GuardedResolver {
    /// Resolves with the operating system's resolver (`getaddrinfo`, off the async threads).
    pub fn system(policy: Arc<HostPolicy>) -> Self {
        let lookup: Lookup = Arc::new(|host: String| {
            Box::pin(async move {
                let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
                Ok(addrs.map(|a| a.ip()).collect())
            })
        });
        Self { policy, lookup }
    }

    /// Resolves with `lookup` (tests use a fixed table).
    pub fn with_lookup(policy: Arc<HostPolicy>, lookup: Lookup) -> Self {
        Self { policy, lookup }
    }
}

impl tower_service::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let host = name.as_str().to_ascii_lowercase();
        let private_ok = self.policy.is_listed_exactly(&host);
        let lookup = (self.lookup)(host.clone());
        Box::pin(async move {
            let ips = lookup.await?;
            let kept: Vec<SocketAddr> =
                ips.into_iter().filter(|ip| private_ok || is_public(*ip)).map(|ip| SocketAddr::new(ip, 0)).collect();
            if kept.is_empty() {
                return Err(Box::new(NonPublicAddress { host }) as BoxError);
            }
            Ok(kept.into_iter())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_service::Service;

    fn defaults() -> HostPolicy {
        HostPolicy::parse(DEFAULT_ALLOW_HOSTS).unwrap()
    }

    #[test]
    fn cloud_hosts_match_the_default_wildcards() {
        let policy = defaults();
        for ok in [
            "na.myconnectwise.net",
            "api-na.myconnectwise.net",
            "NA.MyConnectWise.net",
            "na.myconnectwise.net:443",
            "x.y.connectwisedev.com",
        ] {
            assert!(policy.check(ok).is_ok(), "{ok} should be allowed");
        }
        assert_eq!(policy.check("NA.myconnectwise.net:443").unwrap().authority(), "na.myconnectwise.net");
    }

    #[test]
    fn tricks_are_refused() {
        let policy = defaults();
        for bad in [
            "myconnectwise.net",
            "evilmyconnectwise.net",
            "na.myconnectwise.net.evil.com",
            "na.myconnectwise.net.",
            "user@na.myconnectwise.net",
            "na.myconnectwise.net@evil.com",
            "na.myconnectwise.net:8443",
            "na.myconnectwise.net:0443",
            "na.myconnectwise.net:",
            "na.myconnectwise.net:443:443",
            "https://na.myconnectwise.net",
            "na.myconnectwise.net/evil",
            "na.myconnectwise.net%2eevil.com",
            "na.myconnectwise.net\\evil",
            "na..myconnectwise.net",
            "-na.myconnectwise.net",
            "127.0.0.1",
            "127.1",
            "0x7f000001",
            "[::1]",
            "[::ffff:127.0.0.1]:443",
            "169.254.169.254",
            "",
            " na.myconnectwise.net",
        ] {
            let err = policy.check(bad).unwrap_err();
            assert_eq!(err.status(), 403, "{bad:?} should be refused, got {err:?}");
        }
    }

    #[test]
    fn exact_patterns_carry_their_port() {
        let policy = HostPolicy::parse(&["localhost:8443", "cw.example.org", "10.0.0.5:8443"]).unwrap();
        assert_eq!(policy.check("localhost:8443").unwrap().authority(), "localhost:8443");
        assert!(policy.check("localhost").is_err());
        assert!(policy.check("localhost:8444").is_err());
        assert!(policy.check("cw.example.org").is_ok());
        assert!(policy.check("sub.cw.example.org").is_err());
        assert!(policy.check("10.0.0.5:8443").is_ok());
        assert!(policy.is_listed_exactly("localhost"));
        assert!(!policy.is_listed_exactly("na.myconnectwise.net"));
    }

    #[test]
    fn bad_patterns_are_all_reported() {
        let errors =
            HostPolicy::parse(&["*", "*.com", "a.*.com", "*.127.0.0.1", "host:99999", "ok.example.com"]).unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(errors[0].contains("\"*\""));
        assert!(HostPolicy::parse::<&str>(&[]).is_err());
    }

    #[test]
    fn ipv6_targets_are_bracketed_and_canonical() {
        let t = Target::parse("[0:0::1]:8443").unwrap();
        assert_eq!(t.host(), "[::1]");
        assert_eq!(t.authority(), "[::1]:8443");
        assert!(Target::parse("::1").is_none());
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.100.100.200",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "fe80::1",
            "fd00:ec2::254",
            "fc00::1",
            "ff02::1",
            "2001:db8::1",
            "64:ff9b::a00:1",
            "2002:a00:1::",
            "2001:0:4136:e378::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} must not count as public");
        }
        for ip in ["8.8.8.8", "52.1.2.3", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "64:ff9b::808:808"] {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    fn table(ips: &'static [&'static str]) -> Lookup {
        Arc::new(move |_host: String| Box::pin(async move { Ok(ips.iter().map(|ip| ip.parse().unwrap()).collect()) }))
    }

    fn name(host: &str) -> Name {
        host.parse().unwrap()
    }

    #[tokio::test]
    async fn wildcard_hosts_resolving_privately_are_refused_at_connect_time() {
        let policy = Arc::new(defaults());
        let mut resolver = GuardedResolver::with_lookup(policy, table(&["127.0.0.1", "::ffff:10.0.0.1"]));
        let err = resolver.call(name("rebind.myconnectwise.net")).await.unwrap_err();
        assert!(err.is::<NonPublicAddress>());
    }

    #[tokio::test]
    async fn only_the_public_addresses_of_a_mixed_answer_are_used() {
        let policy = Arc::new(defaults());
        let mut resolver = GuardedResolver::with_lookup(policy, table(&["10.0.0.1", "52.1.2.3"]));
        let addrs: Vec<SocketAddr> = resolver.call(name("na.myconnectwise.net")).await.unwrap().collect();
        assert_eq!(addrs, vec!["52.1.2.3:0".parse().unwrap()]);
    }

    #[tokio::test]
    async fn exactly_listed_hosts_may_be_private() {
        let policy = Arc::new(HostPolicy::parse(&["cw.internal.example:8443"]).unwrap());
        let mut resolver = GuardedResolver::with_lookup(policy, table(&["10.0.0.7"]));
        let addrs: Vec<SocketAddr> = resolver.call(name("cw.internal.example")).await.unwrap().collect();
        assert_eq!(addrs.len(), 1);
    }
}
