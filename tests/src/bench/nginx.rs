//! The nginx peer's configuration, rendered from `bench/nginx.conf.template`.

use std::net::SocketAddr;
use std::path::Path;

/// The template (compiled in, so the binary needs no checkout).
pub const TEMPLATE: &str = include_str!("../../../bench/nginx.conf.template");

/// What the template needs.
#[derive(Debug, Clone)]
pub struct NginxVars<'a> {
    /// `worker_processes`: a count or `auto`.
    pub workers: &'a str,
    /// Where nginx keeps its pid file, logs and temp files (an absolute path).
    pub prefix: &'a Path,
    /// Where nginx listens (loopback).
    pub listen: SocketAddr,
    /// The upstream's address.
    pub upstream: SocketAddr,
    /// The name the upstream's certificate is checked against (SNI too).
    pub upstream_name: &'a str,
    /// The CA PEM nginx trusts for the upstream.
    pub ca_file: &'a Path,
}

/// Fills every `{{NAME}}` of `template`; fails on an unknown or leftover placeholder, or a value that
/// would break the configuration's syntax.
pub fn render(template: &str, vars: &NginxVars) -> Result<String, String> {
    let workers_ok = vars.workers == "auto" || vars.workers.parse::<u16>().is_ok_and(|n| n > 0);
    if !workers_ok {
        return Err(format!("nginx workers must be a positive number or auto, not {:?}", vars.workers));
    }
    let upstream_host = if vars.upstream.port() == 443 {
        vars.upstream_name.to_owned()
    } else {
        format!("{}:{}", vars.upstream_name, vars.upstream.port())
    };
    let values = [
        ("WORKERS", vars.workers.to_owned()),
        ("PREFIX", path_value(vars.prefix)?),
        ("LISTEN", vars.listen.to_string()),
        ("UPSTREAM", vars.upstream.to_string()),
        ("UPSTREAM_NAME", vars.upstream_name.to_owned()),
        ("UPSTREAM_HOST", upstream_host),
        ("CA_FILE", path_value(vars.ca_file)?),
    ];
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| format!("unclosed placeholder near {:?}", &rest[start..]))?;
        let name = &after[..end];
        let value = values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("unknown placeholder {{{{{name}}}}} in the nginx template"))?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A path as an nginx value: absolute, and nothing nginx would read as syntax.
fn path_value(path: &Path) -> Result<String, String> {
    let text = path.to_str().ok_or_else(|| format!("{} is not UTF-8", path.display()))?;
    if !path.is_absolute()
        || text.chars().any(|c| c.is_whitespace() || matches!(c, ';' | '{' | '}' | '"' | '\'' | '$' | '#'))
    {
        return Err(format!("{text:?} cannot go into the nginx configuration (absolute, no spaces or ;{{}}\"'$#)"));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(prefix: &'a Path, ca: &'a Path) -> NginxVars<'a> {
        NginxVars {
            workers: "auto",
            prefix,
            listen: "127.0.0.1:41000".parse().unwrap(),
            upstream: "127.0.0.1:42000".parse().unwrap(),
            upstream_name: "localhost",
            ca_file: ca,
        }
    }

    #[test]
    fn the_template_renders_completely() {
        let (prefix, ca) = (Path::new("/tmp/cw-bench-1/nginx"), Path::new("/tmp/cw-bench-1/ca.pem"));
        let conf = render(TEMPLATE, &vars(prefix, ca)).unwrap();
        assert!(!conf.contains("{{") && !conf.contains("}}"), "{conf}");
        for line in [
            "worker_processes auto;",
            "pid /tmp/cw-bench-1/nginx/nginx.pid;",
            "listen 127.0.0.1:41000 backlog=1024;",
            "server 127.0.0.1:42000;",
            "keepalive 64;",
            "proxy_pass https://connectwise/v4_6_release/apis/3.0/;",
            "proxy_http_version 1.1;",
            "proxy_set_header Connection \"\";",
            "proxy_set_header Host localhost:42000;",
            "proxy_set_header Authorization \"Basic $http_x_cw_auth\";",
            "proxy_ssl_verify on;",
            "proxy_ssl_name localhost;",
            "proxy_ssl_trusted_certificate /tmp/cw-bench-1/ca.pem;",
            "add_header Access-Control-Allow-Origin $cors_origin always;",
        ] {
            assert!(conf.lines().any(|l| l.trim() == line), "missing {line:?} in\n{conf}");
        }
        assert!(!conf.lines().any(|l| l.trim_start().starts_with("daemon")), "daemon off comes from the command line");
        // Braces balance (the placeholders were the only double braces).
        assert_eq!(conf.matches('{').count(), conf.matches('}').count());
    }

    #[test]
    fn worker_count_and_paths_are_checked() {
        let (prefix, ca) = (Path::new("/tmp/p"), Path::new("/tmp/ca.pem"));
        let mut v = vars(prefix, ca);
        v.workers = "1";
        assert!(render(TEMPLATE, &v).unwrap().contains("worker_processes 1;"));
        v.workers = "0";
        assert!(render(TEMPLATE, &v).is_err());
        v.workers = "2; user root";
        assert!(render(TEMPLATE, &v).is_err());
        let bad = Path::new("/tmp/a b");
        assert!(render(TEMPLATE, &vars(bad, ca)).is_err());
        assert!(render(TEMPLATE, &vars(Path::new("relative"), ca)).is_err());
        assert!(render(TEMPLATE, &vars(prefix, Path::new("/tmp/x;y"))).is_err());
    }

    #[test]
    fn unknown_or_unclosed_placeholders_fail() {
        let (prefix, ca) = (Path::new("/tmp/p"), Path::new("/tmp/ca.pem"));
        assert!(render("a {{NOPE}} b", &vars(prefix, ca)).unwrap_err().contains("NOPE"));
        assert!(render("a {{LISTEN b", &vars(prefix, ca)).is_err());
        assert_eq!(render("listen {{LISTEN}};", &vars(prefix, ca)).unwrap(), "listen 127.0.0.1:41000;");
        let mut v = vars(prefix, ca);
        v.upstream = "127.0.0.1:443".parse().unwrap();
        assert_eq!(render("{{UPSTREAM_HOST}}", &v).unwrap(), "localhost");
    }
}
