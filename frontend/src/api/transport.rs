//! The one door to ConnectWise: [`Transport`], with a demo and a live implementation.
//!
//! Both take the same [`Request`] and give back the same [`Response`]; nothing above this module knows
//! which one it talks to. Demo mode hands the request to the in-browser store (the simulator's own
//! in-memory ConnectWise), live mode sends it through `cw-proxy`.

use crate::error::AppError;
use crate::state::config::CwConfig;
use cw_shared::http::{Method, Request, Response};
use cw_shared::sensitive::Sensitive;
use cw_shared::store::Store;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// What a transport returns: any HTTP answer (2xx or not), or an error when there was no answer.
pub type SendFuture = Pin<Box<dyn Future<Output = Result<Response, AppError>>>>;

/// Sends one ConnectWise request.
pub trait Transport {
    /// Sends `request` and resolves to ConnectWise's answer, whatever its status.
    fn send(&self, request: Request) -> SendFuture;
}

/// Demo mode: the in-memory ConnectWise from `cw_shared::store`, in the browser.
pub struct DemoTransport {
    store: Rc<RefCell<Store>>,
}

impl DemoTransport {
    /// Wraps a store.
    pub fn new(store: Store) -> Self {
        Self { store: Rc::new(RefCell::new(store)) }
    }
}

impl Transport for DemoTransport {
    fn send(&self, request: Request) -> SendFuture {
        let store = self.store.clone();
        Box::pin(async move {
            // Yield once so demo mode is asynchronous like live mode (loading states render the same way).
            yield_now().await;
            let response = store.borrow_mut().handle(&request);
            Ok(response)
        })
    }
}

/// How live requests authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveAuth {
    /// The browser sends the five fields as `x-cw-*` headers and the proxy builds the Authorization.
    Browser {
        /// `x-cw-host`.
        host: String,
        /// `x-cw-auth`: base64(company+public:private).
        auth: Sensitive<String>,
        /// `x-cw-client-id`.
        client_id: String,
    },
    /// The proxy holds the credentials itself (its `/healthz` said `"credentials":"proxy"`); the browser
    /// sends only the proxy's access token, when one is set.
    Proxy {
        /// `x-cw-proxy-token`.
        token: Option<Sensitive<String>>,
    },
}

impl LiveAuth {
    /// Browser-held credentials from the config bar.
    pub fn from_config(config: &CwConfig) -> Self {
        LiveAuth::Browser {
            host: config.host.trim().to_string(),
            auth: config.auth(),
            client_id: config.client_id.trim().to_string(),
        }
    }
}

/// Live mode: `{proxy_base}/cw{path}?{query}` through `cw-proxy`.
pub struct LiveTransport {
    proxy_base: String,
    auth: LiveAuth,
}

impl LiveTransport {
    /// A transport to the proxy at `proxy_base` (no trailing slash needed).
    pub fn new(proxy_base: &str, auth: LiveAuth) -> Self {
        Self { proxy_base: proxy_base.trim_end_matches('/').to_string(), auth }
    }

    /// The URL a request goes to.
    pub fn url(&self, request: &Request) -> String {
        proxy_url(&self.proxy_base, request)
    }

    /// Every header the proxy gets for `request`.
    pub fn headers(&self, request: &Request) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = request.headers.clone();
        match &self.auth {
            LiveAuth::Browser { host, auth, client_id } => {
                headers.push(("x-cw-host".into(), host.clone()));
                headers.push(("x-cw-auth".into(), auth.expose().clone()));
                headers.push(("x-cw-client-id".into(), client_id.clone()));
            }
            LiveAuth::Proxy { token: Some(token) } => {
                headers.push(("x-cw-proxy-token".into(), token.expose().clone()));
            }
            LiveAuth::Proxy { token: None } => {}
        }
        if request.body.is_some() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        headers
    }
}

/// `{base}/cw{path}` plus `?query` when there is one.
pub fn proxy_url(proxy_base: &str, request: &Request) -> String {
    format!("{}/cw{}", proxy_base.trim_end_matches('/'), request.path_and_query())
}

impl Transport for LiveTransport {
    fn send(&self, request: Request) -> SendFuture {
        let url = self.url(&request);
        let headers = self.headers(&request);
        let base = self.proxy_base.clone();
        Box::pin(async move { http_send(request.method, &url, &headers, request.body, &base).await })
    }
}

/// One HTTP exchange with gloo-net; a network failure becomes [`AppError::ProxyUnreachable`].
pub async fn http_send(
    method: Method,
    url: &str,
    headers: &[(String, String)],
    body: Option<String>,
    proxy_base: &str,
) -> Result<Response, AppError> {
    use gloo_net::http::{Method as M, RequestBuilder};
    let m = match method {
        Method::Get => M::GET,
        Method::Post => M::POST,
        Method::Patch => M::PATCH,
        Method::Put => M::PUT,
        Method::Delete => M::DELETE,
    };
    let mut builder = RequestBuilder::new(url).method(m);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let unreachable = || AppError::ProxyUnreachable { url: proxy_base.to_string() };
    let request = match body {
        Some(b) => builder.body(b).map_err(|_| unreachable())?,
        None => builder.build().map_err(|_| unreachable())?,
    };
    let response = request.send().await.map_err(|_| unreachable())?;
    let status = response.status();
    let headers: Vec<(String, String)> =
        response.headers().entries().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
    let body = response.text().await.map_err(|_| unreachable())?;
    Ok(Response { status, headers, body })
}

/// Lets the browser run other tasks (paint, input) before continuing.
pub async fn yield_now() {
    #[cfg(target_arch = "wasm32")]
    {
        let promise = js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL);
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Waits `ms` milliseconds (a `setTimeout` promise).
pub async fn sleep_ms(ms: i32) {
    #[cfg(target_arch = "wasm32")]
    {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = ms;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> CwConfig {
        CwConfig {
            host: "na.myconnectwise.net".into(),
            company: "mycompany".into(),
            public_key: "abc123PUBLIC".into(),
            private_key: Sensitive::new("xyz789PRIVATE".into()),
            client_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        }
    }

    #[test]
    fn live_requests_go_to_the_proxy_with_the_x_cw_headers() {
        let t = LiveTransport::new("http://localhost:3001/", LiveAuth::from_config(&config()));
        let r = Request::new(Method::Get, "/company/companies")
            .with_query("pageSize=1000&page=2")
            .with_header("pagination-type", "forward-only");
        assert_eq!(t.url(&r), "http://localhost:3001/cw/company/companies?pageSize=1000&page=2");
        let h = t.headers(&r);
        let get = |n: &str| h.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("x-cw-host"), Some("na.myconnectwise.net"));
        assert_eq!(get("x-cw-auth"), Some("bXljb21wYW55K2FiYzEyM1BVQkxJQzp4eXo3ODlQUklWQVRF"));
        assert_eq!(get("x-cw-client-id"), Some("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
        assert_eq!(get("pagination-type"), Some("forward-only"));
        assert_eq!(get("content-type"), None);
    }

    #[test]
    fn proxy_held_credentials_send_no_x_cw_headers() {
        let t = LiveTransport::new("http://proxy:3001", LiveAuth::Proxy { token: None });
        let r = Request::new(Method::Patch, "/company/contacts/5").with_body("[]");
        let h = t.headers(&r);
        assert!(h.iter().all(|(k, _)| !k.starts_with("x-cw-")));
        assert!(h.iter().any(|(k, v)| k == "content-type" && v == "application/json"));
        let t = LiveTransport::new("http://proxy:3001", LiveAuth::Proxy { token: Some(Sensitive::new("tok".into())) });
        let h = t.headers(&r);
        assert_eq!(
            h.iter().filter(|(k, _)| k.starts_with("x-cw-")).collect::<Vec<_>>(),
            vec![&("x-cw-proxy-token".to_string(), "tok".to_string())]
        );
    }
}
