//! The stand-in for ConnectWise: a minimal HTTPS server (hyper + tokio-rustls) answering a fixed
//! company list of about 1 KB to any request, with keep-alive. `?delay_ms=N` holds the answer N ms
//! (at most 10 s), so the memory scenario can keep 1,000 requests in flight at once.

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The query parameter that delays an answer.
pub const DELAY_PARAM: &str = "delay_ms";
/// The longest delay honoured.
const MAX_DELAY_MS: u64 = 10_000;

/// A private CA and the upstream's certificate for `localhost` and `127.0.0.1`, signed by it.
pub struct Pki {
    /// The CA certificate (what clients and peers trust), PEM.
    pub ca_pem: String,
    /// The upstream's TLS configuration (leaf plus CA as the chain).
    pub server: Arc<rustls::ServerConfig>,
}

/// Generates a fresh [`Pki`].
pub fn pki() -> Result<Pki, String> {
    let err = |e: rcgen::Error| format!("generating the benchmark certificates: {e}");
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "cw-bench CA");
    ca_params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca = ca_params.self_signed(&ca_key).map_err(err)?;
    let leaf_key = KeyPair::generate().map_err(err)?;
    let mut leaf_params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).map_err(err)?;
    leaf_params.distinguished_name.push(DnType::CommonName, "localhost");
    let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key).map_err(err)?;
    let key = PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let server = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
        .map_err(|e| format!("the benchmark certificate: {e}"))?;
    Ok(Pki { ca_pem: ca.pem(), server: Arc::new(server) })
}

/// A TLS client configuration trusting exactly the CA certificates in `ca_pem`.
pub fn client_config(ca_pem: &str) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.map_err(|e| format!("the CA PEM: {e}"))?).map_err(|e| format!("the CA certificate: {e}"))?;
    }
    if roots.is_empty() {
        return Err("the CA PEM holds no certificate".into());
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A ConnectWise-like `company/companies` page: a JSON array of about 1 KB.
pub fn company_list() -> Bytes {
    let mut companies = Vec::new();
    let mut id = 250;
    loop {
        let company = format!(
            r#"{{"id":{id},"identifier":"Company{id}","name":"Company {id} Ltd","status":{{"id":1,"name":"Active"}},"phoneNumber":"555-01{:02}","_info":{{"lastUpdated":"2026-01-0{}T10:00:00Z"}}}}"#,
            id % 100,
            id % 9 + 1
        );
        companies.push(company);
        let len = companies.iter().map(|c| c.len() + 1).sum::<usize>() + 1;
        if len >= 1000 {
            break;
        }
        id += 1;
    }
    Bytes::from(format!("[{}]", companies.join(",")))
}

/// The delay asked for by `?delay_ms=N` in a request target's query.
pub fn requested_delay(query: Option<&str>) -> Option<Duration> {
    let query = query?;
    let value = query.split('&').find_map(|pair| pair.strip_prefix(DELAY_PARAM)?.strip_prefix('='))?;
    let ms: u64 = value.parse().ok()?;
    (ms > 0).then(|| Duration::from_millis(ms.min(MAX_DELAY_MS)))
}

/// Serves HTTPS on `listener` until the task is dropped or the process ends.
pub async fn serve(listener: TcpListener, tls: Arc<rustls::ServerConfig>, body: Bytes) {
    let acceptor = TlsAcceptor::from(tls);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            // EMFILE and friends: back off rather than spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let (acceptor, body) = (acceptor.clone(), body.clone());
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else { return };
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let body = body.clone();
                async move {
                    if let Some(delay) = requested_delay(request.uri().query()) {
                        tokio::time::sleep(delay).await;
                    }
                    let mut response = Response::new(Full::new(body));
                    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    Ok::<_, Infallible>(response)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_a_json_array_of_about_a_kilobyte() {
        let body = company_list();
        assert!((1000..1300).contains(&body.len()), "{} bytes", body.len());
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(value.as_array().is_some_and(|a| a.len() >= 5));
        assert_eq!(value[0]["identifier"], "Company250");
    }

    #[test]
    fn delay_is_read_from_the_query() {
        assert_eq!(requested_delay(Some("pageSize=10&delay_ms=250")), Some(Duration::from_millis(250)));
        assert_eq!(requested_delay(Some("delay_ms=99999")), Some(Duration::from_secs(10)));
        assert_eq!(requested_delay(Some("pageSize=10")), None);
        assert_eq!(requested_delay(Some("delay_ms=x")), None);
        assert_eq!(requested_delay(Some("delay_ms=0")), None);
        assert_eq!(requested_delay(Some("xdelay_ms=5")), None);
        assert_eq!(requested_delay(None), None);
    }

    #[test]
    fn the_pki_round_trips_through_pem() {
        let pki = pki().unwrap();
        assert!(pki.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        client_config(&pki.ca_pem).unwrap();
        assert!(client_config("not pem").is_err());
    }
}
