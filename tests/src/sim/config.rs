//! `cw-sim`'s configuration: one clap struct, so the flags, their help and the defaults tests use are
//! the same thing. Every flag also reads a `CW_SIM_*` environment variable.

use super::faults::{Faults, RateLimit};
use clap::{Parser, ValueEnum};
use cw_shared::store::PrimaryMode;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

/// Where cw-sim listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8443";
/// The ConnectWise company id (login company) cw-sim accepts by default.
pub const DEFAULT_COMPANY: &str = "demo";
/// The API public key cw-sim accepts by default.
pub const DEFAULT_PUBLIC_KEY: &str = "demo-public";
/// The API private key cw-sim accepts by default (a demo value, never a real secret).
pub const DEFAULT_PRIVATE_KEY: &str = "demo-private";

/// Which tenant the simulator starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dataset {
    /// The product spec's eight demo clients and the lookups.
    Demo,
    /// Lookups only.
    Empty,
    /// A generated tenant: companies × contacts per company.
    Large {
        /// Number of companies.
        companies: usize,
        /// Contacts per company.
        contacts: usize,
    },
}

impl FromStr for Dataset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        match lower.as_str() {
            "demo" => return Ok(Dataset::Demo),
            "empty" => return Ok(Dataset::Empty),
            _ => {}
        }
        let Some(spec) = lower.strip_prefix("large:") else {
            return Err(format!("unknown dataset '{s}': use demo, empty, large:N or large:NxM"));
        };
        let (n, m) = spec.split_once('x').unwrap_or((spec, "5"));
        let companies = n.trim().replace('_', "").parse().map_err(|_| format!("bad company count in '{s}'"))?;
        let contacts = m.trim().parse().map_err(|_| format!("bad contacts-per-company in '{s}'"))?;
        Ok(Dataset::Large { companies, contacts })
    }
}

/// How a new primary contact treats the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrimaryArg {
    /// The old primary keeps `defaultFlag` until the client clears it (as the product spec describes CW).
    Manual,
    /// The old primary is cleared automatically (as cw-api.md §6 infers).
    AutoClear,
}

impl From<PrimaryArg> for PrimaryMode {
    fn from(p: PrimaryArg) -> Self {
        match p {
            PrimaryArg::Manual => PrimaryMode::Manual,
            PrimaryArg::AutoClear => PrimaryMode::AutoClear,
        }
    }
}

/// A ConnectWise Manage simulator over HTTPS: the in-memory store from cw-shared behind
/// `/v4_6_release/apis/3.0` (and the dated codebase `/v2026_4/apis/3.0`) plus `/login/companyinfo/{company}`,
/// with ConnectWise authentication, fault injection and request recording.
///
/// Admin endpoints (no authentication, never recorded): `GET|POST /__sim/faults`, `GET|DELETE /__sim/requests`,
/// `POST /__sim/reset`, `GET /__sim/health`.
#[derive(Clone, Parser)]
#[command(name = "cw-sim", version)]
pub struct SimConfig {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "CW_SIM_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Tenant to start with: `demo` (the spec's eight clients), `empty` (lookups only), `large:N` (N generated
    /// companies with 5 contacts each) or `large:NxM` (M contacts each).
    #[arg(long, env = "CW_SIM_DATASET", default_value = "demo")]
    pub dataset: Dataset,

    /// Seed for generated tenants (the same seed gives the same data).
    #[arg(long, env = "CW_SIM_SEED", default_value_t = 1)]
    pub seed: u64,

    /// Host (and port) written into absolute `Link` URLs, e.g. `localhost:8443`. Default: the bound address.
    #[arg(long, env = "CW_SIM_HOST_NAME")]
    pub host_name: Option<String>,

    /// ConnectWise company id expected in `Authorization: Basic base64(company+public:private)`.
    #[arg(long, env = "CW_SIM_COMPANY", default_value = DEFAULT_COMPANY)]
    pub company: String,

    /// API public key expected in the Basic credentials.
    #[arg(long, env = "CW_SIM_PUBLIC_KEY", default_value = DEFAULT_PUBLIC_KEY)]
    pub public_key: String,

    /// API private key expected in the Basic credentials (never logged).
    #[arg(long, env = "CW_SIM_PRIVATE_KEY", default_value = DEFAULT_PRIVATE_KEY, hide_env_values = true)]
    pub private_key: String,

    /// The `clientId` header value required on every API call. Default: any UUID is accepted (the header is
    /// still required).
    #[arg(long, env = "CW_SIM_CLIENT_ID")]
    pub client_id: Option<String>,

    /// Where to write the generated CA certificate (PEM) for `cw-proxy --ca-file`.
    /// Default: `<system temp dir>/cw-sim-ca.pem`.
    #[arg(long, env = "CW_SIM_CERT_OUT")]
    pub cert_out: Option<PathBuf>,

    /// Do not write the CA certificate to a file (tests take it from the handle).
    #[arg(long, env = "CW_SIM_NO_CERT_FILE")]
    pub no_cert_file: bool,

    /// Milliseconds of latency added before every answer.
    #[arg(long, env = "CW_SIM_LATENCY_MS", default_value_t = 0)]
    pub latency_ms: u64,

    /// Request-rate limit `N/SECONDS` (e.g. `100/60`): the (N+1)th request in a window gets 429 with Retry-After.
    #[arg(long, env = "CW_SIM_RATE_LIMIT")]
    pub rate_limit: Option<RateLimit>,

    /// Retry-After seconds sent with a 429. Default: the seconds left in the current window.
    #[arg(long, env = "CW_SIM_RETRY_AFTER")]
    pub retry_after: Option<u64>,

    /// Probability (0 to 1) of answering an API call with 500 "A timeout has occured. Please try again.".
    #[arg(long, env = "CW_SIM_FAIL_RATE", default_value_t = 0.0)]
    pub fail_rate: f64,

    /// Answer the next N API calls with that 500.
    #[arg(long, env = "CW_SIM_FAIL_NEXT", default_value_t = 0)]
    pub fail_next: u32,

    /// Probability (0 to 1) of closing the connection without any answer.
    #[arg(long, env = "CW_SIM_DROP_RATE", default_value_t = 0.0)]
    pub drop_rate: f64,

    /// Drop the connection of the next N requests without answering.
    #[arg(long, env = "CW_SIM_DROP_NEXT", default_value_t = 0)]
    pub drop_next: u32,

    /// Probability (0 to 1) of processing a call (a write lands) and then closing the connection without the
    /// answer.
    #[arg(long, env = "CW_SIM_DROP_AFTER_RATE", default_value_t = 0.0)]
    pub drop_after_rate: f64,

    /// Process the next N API calls, then drop their connection without the answer.
    #[arg(long, env = "CW_SIM_DROP_AFTER_NEXT", default_value_t = 0)]
    pub drop_after_next: u32,

    /// Aim the `--*-next` faults at one call: only calls whose `METHOD /path` (below `/apis/3.0`) starts with
    /// this count, e.g. `POST /finance/agreements`.
    #[arg(long, env = "CW_SIM_NEXT_ONLY")]
    pub next_only: Option<String>,

    /// Whether setting a new primary contact clears the previous one.
    #[arg(long, env = "CW_SIM_PRIMARY_MODE", value_enum, default_value_t = PrimaryArg::Manual)]
    pub primary_mode: PrimaryArg,

    /// "Now" for `_info` dates, `yyyy-MM-ddTHH:mm:ssZ`. Default: the current UTC time at start.
    #[arg(long, env = "CW_SIM_TODAY")]
    pub today: Option<String>,

    /// How many requests to keep for `GET /__sim/requests` (oldest dropped first).
    #[arg(long, env = "CW_SIM_RECORD_LIMIT", default_value_t = 10_000)]
    pub record_limit: usize,
}

impl std::fmt::Debug for SimConfig {
    /// Everything but the private key, which is masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("listen", &self.listen)
            .field("dataset", &self.dataset)
            .field("seed", &self.seed)
            .field("host_name", &self.host_name)
            .field("company", &self.company)
            .field("public_key", &self.public_key)
            .field("private_key", &"********")
            .field("client_id", &self.client_id)
            .field("cert_out", &self.cert_out)
            .field("faults", &self.faults())
            .field("primary_mode", &self.primary_mode)
            .field("today", &self.today)
            .finish_non_exhaustive()
    }
}

impl Default for SimConfig {
    /// The flag defaults, as `cw-sim` with no arguments uses them.
    fn default() -> Self {
        SimConfig::parse_from(["cw-sim"])
    }
}

impl SimConfig {
    /// The defaults, listening on a free loopback port and writing no certificate file: what tests want.
    pub fn for_tests() -> Self {
        SimConfig { listen: "127.0.0.1:0".parse().expect("valid"), no_cert_file: true, ..SimConfig::default() }
    }

    /// The fault settings the flags describe.
    pub fn faults(&self) -> Faults {
        Faults {
            latency_ms: self.latency_ms,
            rate_limit: self.rate_limit,
            retry_after_secs: self.retry_after,
            fail_rate: self.fail_rate,
            fail_next: self.fail_next,
            drop_rate: self.drop_rate,
            drop_next: self.drop_next,
            drop_after_rate: self.drop_after_rate,
            drop_after_next: self.drop_after_next,
            next_only: self.next_only.clone(),
        }
    }

    /// Every problem with the configuration, reported at once.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        for (name, p) in [
            ("--fail-rate", self.fail_rate),
            ("--drop-rate", self.drop_rate),
            ("--drop-after-rate", self.drop_after_rate),
        ] {
            if !(0.0..=1.0).contains(&p) {
                problems.push(format!("{name} must be between 0 and 1, not {p}"));
            }
        }
        if self.company.is_empty() || self.public_key.is_empty() || self.private_key.is_empty() {
            problems.push("--company, --public-key and --private-key must not be empty".into());
        }
        if let Some(id) = &self.client_id
            && !super::auth::is_uuid(id)
        {
            problems.push(format!("--client-id must be a UUID, not '{id}'"));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// The store the configured dataset describes.
    pub fn build_store(&self) -> cw_shared::store::Store {
        use cw_shared::store::Store;
        let mut store = match self.dataset {
            Dataset::Demo => Store::demo(),
            Dataset::Empty => Store::empty_with_lookups(),
            Dataset::Large { companies, contacts } => Store::generated(companies, contacts, self.seed),
        };
        store.set_company_id(&self.company);
        store.set_primary_mode(self.primary_mode.into());
        store.set_today(&self.today.clone().unwrap_or_else(now_utc));
        store
    }
}

/// The current UTC time as `yyyy-MM-ddTHH:mm:ssZ` (the simulator has a clock; the store does not).
pub fn now_utc() -> String {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_parse() {
        assert_eq!("demo".parse::<Dataset>(), Ok(Dataset::Demo));
        assert_eq!("large:10000".parse::<Dataset>(), Ok(Dataset::Large { companies: 10_000, contacts: 5 }));
        assert_eq!("large:10_000x2".parse::<Dataset>(), Ok(Dataset::Large { companies: 10_000, contacts: 2 }));
        assert!("huge".parse::<Dataset>().is_err());
    }

    #[test]
    fn defaults_make_a_usable_demo_instance() {
        let c = SimConfig::default();
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.dataset, Dataset::Demo);
        assert_eq!((c.company.as_str(), c.public_key.as_str()), (DEFAULT_COMPANY, DEFAULT_PUBLIC_KEY));
        assert!(c.validate().is_ok());
        let bad = SimConfig { fail_rate: 2.0, client_id: Some("nope".into()), ..SimConfig::default() };
        assert_eq!(bad.validate().unwrap_err().len(), 2);
        assert_eq!(now_utc().len(), 20);
        assert!(!format!("{c:?}").contains(DEFAULT_PRIVATE_KEY), "the private key is never printed");
    }
}
