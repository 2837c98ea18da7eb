//! Talking to ConnectWise: the [`transport`] (demo or live) and one module per CW resource.
//!
//! [`Cw`] is the handle the UI holds. It sends [`Request`]s through whichever transport the session
//! uses, turns non-2xx answers into [`AppError`]s with ConnectWise's own words, and reads JSON bodies
//! into the `cw_shared::model` types.

pub mod agreements;
pub mod companies;
pub mod contacts;
pub mod lookups;
pub mod paging;
pub mod sites;
pub mod system;
pub mod transport;

use crate::error::AppError;
use cw_shared::api::{ApiError, Call};
use cw_shared::http::{Request, Response};
use serde::de::DeserializeOwned;
use std::rc::Rc;
use transport::Transport;

/// How many times a 429 answer is retried after waiting.
pub const RATE_LIMIT_RETRIES: u32 = 3;

/// The console's handle on ConnectWise (cheap to clone).
#[derive(Clone)]
pub struct Cw {
    transport: Rc<dyn Transport>,
}

impl Cw {
    /// A handle over `transport`.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Self { transport: Rc::new(transport) }
    }

    /// Sends a request once, with no retry of its own: ConnectWise's answer whatever its status, or what went
    /// wrong when there was none. The bulk job uses it, because it paces and retries by itself.
    pub async fn send_once(&self, request: Request) -> Result<Response, String> {
        self.transport.send(request).await.map_err(|e| e.to_string())
    }

    /// Sends a request and returns ConnectWise's answer whatever its status (for callers that read CW's
    /// error body themselves, such as the onboarding run). A 429 is retried like [`Cw::send`] does; `Err` only
    /// when there was no answer at all.
    pub async fn send_any(&self, request: Request) -> Result<Response, AppError> {
        let mut attempt = 0;
        loop {
            let response = self.transport.send(request.clone()).await?;
            if response.status == 429 && attempt < RATE_LIMIT_RETRIES {
                attempt += 1;
                let wait = response.header("retry-after").and_then(|v| v.trim().parse::<i32>().ok()).unwrap_or(2);
                transport::sleep_ms(wait.clamp(1, 30) * 1000).await;
                continue;
            }
            return Ok(response);
        }
    }

    /// Sends a request; any non-2xx answer becomes an [`AppError`]. A 429 is retried (up to
    /// [`RATE_LIMIT_RETRIES`] times) after the `Retry-After` CW gives, since CW did not process it.
    pub async fn send(&self, request: Request) -> Result<Response, AppError> {
        let response = self.send_any(request).await?;
        if response.is_success() {
            Ok(response)
        } else {
            Err(AppError::from_status(response.status, &response.body, response.header("retry-after")))
        }
    }

    /// Runs one call of the shared catalogue (`cw_shared::api`) and decodes its answer.
    pub async fn call<T: DeserializeOwned>(&self, call: Call<T>, what: &str) -> Result<T, AppError> {
        let response = self.send(call.request.clone()).await?;
        call.parse(&response).map_err(|e| match e {
            ApiError::Decode { message, .. } => AppError::BadResponse { what: what.to_string(), detail: message },
            other => AppError::BadResponse { what: what.to_string(), detail: other.to_string() },
        })
    }
}
