//! The engine's transport over HTTP (reqwest with rustls): JSON bodies, the device token as a
//! bearer header, the server's `{code, message}` errors mapped to what the engine acts on.

use super::protocol::{
    ErrorBody, LoginRequest, LoginResponse, SignUpRequest, SnapshotPage, SpaceInfo, SpaceRequest, SyncRequest, SyncResponse,
};
use super::transport::{Transport, TransportError};
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;
use uuid::Uuid;

/// A connection to one rapport-server.
#[derive(Clone)]
pub struct HttpTransport {
    base: String,
    token: Option<String>,
    client: reqwest::Client,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport").field("base", &self.base).field("token", &self.token.as_ref().map(|_| "***")).finish()
    }
}

/// Checks a server address typed by the user: `http(s)://host[:port]`, no trailing slash.
pub fn normalize_server(url: &str) -> Result<String, crate::Error> {
    let url = url.trim().trim_end_matches('/');
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(url.to_string()),
        _ => Err(crate::Error::invalid("server", "enter the server's address, like https://sync.example.com")),
    }
}

impl HttpTransport {
    pub fn new(base: &str, token: Option<String>) -> Result<HttpTransport, crate::Error> {
        let base = normalize_server(base)?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .gzip(true)
            .build()
            .map_err(|e| crate::Error::Storage(format!("cannot start the HTTP client: {e}")))?;
        Ok(HttpTransport { base, token, client })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn authed(&self, r: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    async fn send<T: DeserializeOwned>(&self, r: RequestBuilder) -> Result<T, TransportError> {
        let res = self.authed(r).send().await.map_err(offline)?;
        let status = res.status();
        if status.is_success() {
            return res.json::<T>().await.map_err(|e| TransportError::Server(format!("unreadable answer: {e}")));
        }
        let body: Option<ErrorBody> = res.json().await.ok();
        Err(error_for(status, body))
    }

    async fn send_empty(&self, r: RequestBuilder) -> Result<(), TransportError> {
        let res = self.authed(r).send().await.map_err(offline)?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let body: Option<ErrorBody> = res.json().await.ok();
        Err(error_for(status, body))
    }

    /// `POST /v1/signup`.
    pub async fn sign_up(&self, req: &SignUpRequest) -> Result<(), TransportError> {
        self.send_empty(self.client.post(format!("{}/v1/signup", self.base)).json(req)).await
    }

    /// `POST /v1/login`: registers this device and returns its token.
    pub async fn login(&self, req: &LoginRequest) -> Result<LoginResponse, TransportError> {
        self.send(self.client.post(format!("{}/v1/login", self.base)).json(req)).await
    }

    /// `GET /v1/devices`: the signed-in user's devices.
    pub async fn devices(&self) -> Result<Vec<super::protocol::DeviceInfo>, TransportError> {
        self.send(self.client.get(format!("{}/v1/devices", self.base))).await
    }

    /// `DELETE /v1/devices/{id}`: revokes one of the user's devices (a lost laptop).
    pub async fn revoke_device(&self, device: Uuid) -> Result<(), TransportError> {
        self.send_empty(self.client.delete(format!("{}/v1/devices/{device}", self.base))).await
    }

    /// `POST /v1/spaces/{id}/members`: adds the user with this email to a team space.
    pub async fn add_member(&self, space: Uuid, req: &super::protocol::MemberRequest) -> Result<(), TransportError> {
        self.send_empty(self.client.post(format!("{}/v1/spaces/{space}/members", self.base)).json(req)).await
    }

    /// `GET /v1/events`: the open stream of server-sent pokes.
    pub async fn events(&self) -> Result<reqwest::Response, TransportError> {
        let r = self.client.get(format!("{}/v1/events", self.base)).timeout(Duration::from_secs(24 * 3600));
        let res = self.authed(r).send().await.map_err(offline)?;
        if res.status().is_success() {
            Ok(res)
        } else {
            let status = res.status();
            Err(error_for(status, res.json().await.ok()))
        }
    }
}

fn offline(e: reqwest::Error) -> TransportError {
    TransportError::Offline(e.to_string())
}

fn error_for(status: StatusCode, body: Option<ErrorBody>) -> TransportError {
    let message = body.as_ref().map(|b| b.message.clone()).unwrap_or_else(|| status.to_string());
    let code = body.as_ref().map(|b| b.code.as_str()).unwrap_or("");
    match status {
        StatusCode::UNAUTHORIZED => TransportError::Unauthorized(message),
        StatusCode::FORBIDDEN => TransportError::Forbidden(message),
        StatusCode::CONFLICT if body.as_ref().and_then(|b| b.expected_seq).is_some() => {
            TransportError::Gap { expected_seq: body.and_then(|b| b.expected_seq).unwrap_or(1) }
        }
        StatusCode::UPGRADE_REQUIRED => TransportError::TooOld,
        _ if code == "client_too_old" => TransportError::TooOld,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => TransportError::Offline(message),
        _ => TransportError::Server(format!("{status}: {message}")),
    }
}

impl Transport for HttpTransport {
    async fn sync(&self, req: SyncRequest) -> Result<SyncResponse, TransportError> {
        self.send(self.client.post(format!("{}/v1/sync", self.base)).json(&req)).await
    }

    async fn snapshot(&self, space: Uuid, after: Option<String>, limit: usize) -> Result<SnapshotPage, TransportError> {
        let mut q: Vec<(&str, String)> = vec![("space", space.to_string()), ("limit", limit.to_string())];
        if let Some(a) = after {
            q.push(("after", a));
        }
        self.send(self.client.get(format!("{}/v1/snapshot", self.base)).query(&q)).await
    }

    async fn spaces(&self) -> Result<Vec<SpaceInfo>, TransportError> {
        self.send(self.client.get(format!("{}/v1/spaces", self.base))).await
    }

    async fn create_space(&self, req: SpaceRequest) -> Result<(), TransportError> {
        self.send_empty(self.client.post(format!("{}/v1/spaces", self.base)).json(&req)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_address_must_be_http_or_https() {
        assert_eq!(normalize_server(" https://sync.example.com/ ").unwrap(), "https://sync.example.com");
        assert_eq!(normalize_server("http://127.0.0.1:8787").unwrap(), "http://127.0.0.1:8787");
        assert!(matches!(normalize_server("sync.example.com"), Err(crate::Error::Invalid { ref field, .. }) if field == "server"));
        assert!(normalize_server("https://").is_err());
    }

    #[test]
    fn server_errors_map_to_what_the_engine_does_next() {
        let gap = ErrorBody { code: "gap".into(), message: "m".into(), field: None, expected_seq: Some(7) };
        assert_eq!(error_for(StatusCode::CONFLICT, Some(gap)), TransportError::Gap { expected_seq: 7 });
        assert!(matches!(error_for(StatusCode::UNAUTHORIZED, None), TransportError::Unauthorized(_)));
        assert!(matches!(error_for(StatusCode::SERVICE_UNAVAILABLE, None), TransportError::Offline(_)));
        assert!(matches!(error_for(StatusCode::INTERNAL_SERVER_ERROR, None), TransportError::Server(_)));
    }
}
