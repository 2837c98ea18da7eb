//! A small HTTPS client for tests: rustls trusting the simulator's CA, hyper's HTTP/1 client, one
//! connection per request (so a dropped connection shows up as an error on exactly that request).

use super::auth::basic_auth;
use super::tls;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The clientId tests send unless told otherwise.
pub const TEST_CLIENT_ID: &str = "3f7d2c1a-9b8e-4f6d-a2c5-1e0b9d8c7a64";

/// What came back.
#[derive(Debug, Clone)]
pub struct SimResponse {
    /// The status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body text.
    pub body: String,
}

impl SimResponse {
    /// The first header with this name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// An HTTPS client for one simulator.
#[derive(Clone)]
pub struct SimClient {
    addr: SocketAddr,
    connector: TlsConnector,
    authorization: Option<String>,
    client_id: Option<String>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl SimClient {
    /// A client for `addr` trusting the CA in `ca_pem`, sending no credentials.
    pub fn new(addr: SocketAddr, ca_pem: &str) -> Result<Self, BoxError> {
        let config = tls::client_config(ca_pem)?;
        Ok(SimClient { addr, connector: TlsConnector::from(Arc::new(config)), authorization: None, client_id: None })
    }

    /// Sends `Authorization: Basic base64(company+public:private)`.
    pub fn with_credentials(mut self, company: &str, public_key: &str, private_key: &str) -> Self {
        self.authorization = Some(basic_auth(company, public_key, private_key));
        self
    }

    /// Sends a `clientId` header.
    pub fn with_client_id(mut self, client_id: &str) -> Self {
        self.client_id = Some(client_id.to_string());
        self
    }

    /// Sends no credentials and no clientId.
    pub fn anonymous(mut self) -> Self {
        self.authorization = None;
        self.client_id = None;
        self
    }

    /// `GET` below `/v4_6_release/apis/3.0`.
    pub async fn get(&self, api_path: &str) -> Result<SimResponse, BoxError> {
        self.send("GET", &format!("/v4_6_release/apis/3.0{api_path}"), &[], None).await
    }

    /// A console call ([`cw_shared::http::Request`], path below the API root) as the console's transport sends
    /// it; a lost connection is an `Err` with its reason.
    pub async fn call(&self, request: &cw_shared::http::Request) -> Result<cw_shared::http::Response, String> {
        let path = format!("{}{}", cw_shared::api::API_ROOT, request.path_and_query());
        let headers: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let answer = self
            .send(request.method.as_str(), &path, &headers, request.body.as_deref())
            .await
            .map_err(|e| e.to_string())?;
        Ok(cw_shared::http::Response { status: answer.status, headers: answer.headers, body: answer.body })
    }

    /// Any request to the simulator: `path_and_query` is the full path (e.g. `/login/companyinfo/demo`).
    pub async fn send(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<SimResponse, BoxError> {
        let tcp = TcpStream::connect(self.addr).await?;
        let name = ServerName::try_from("localhost")?.to_owned();
        let tls = self.connector.connect(name, tcp).await?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
        let driver = tokio::spawn(conn);
        let mut builder = Request::builder()
            .method(method)
            .uri(path_and_query)
            .header("host", format!("localhost:{}", self.addr.port()));
        if let Some(a) = &self.authorization {
            builder = builder.header("authorization", a);
        }
        if let Some(c) = &self.client_id {
            builder = builder.header("clientId", c);
        }
        if body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        for (n, v) in headers {
            builder = builder.header(*n, *v);
        }
        let request = builder.body(Full::new(Bytes::from(body.unwrap_or("").to_string())))?;
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = response.into_body().collect().await?.to_bytes();
        driver.abort();
        Ok(SimResponse { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
    }
}
