//! The bounded HTTP client every live probe uses: only the target's own host, no redirects
//! followed, a total timeout per request, a body cap, and a pace of a few requests a second.
//! A stalled, flooding or malformed server becomes an [`Exchange`] error with a reason in plain
//! words, never a hang.

use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

/// Bounds on every request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Total time for one request: connect, headers and body.
    pub timeout: Duration,
    /// Largest body read; a bigger one fails the request.
    pub body_cap: usize,
    /// Least time between two requests (the pace).
    pub interval: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(8),
            body_cap: 256 * 1024,
            interval: Duration::from_millis(100),
        }
    }
}

/// One request and what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    pub status: u16,
    /// Header names lower-cased, one entry per header line, in order.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy), at most the cap.
    pub body: String,
}

impl Exchange {
    /// The first value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    /// Every value of header `name` (lower-case).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }
    /// `GET https://x/ -> 200` for evidence.
    pub fn line(&self) -> String {
        format!("{} {} -> {}", self.method, self.url, self.status)
    }
}

/// The bounded client for one target.
pub struct Client {
    http: reqwest::Client,
    base: Url,
    limits: Limits,
    next: Mutex<Instant>,
}

/// A request to send: method, path on the target, headers, body.
#[derive(Debug, Clone, Default)]
pub struct Req<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Option<Vec<u8>>,
}

impl<'a> Req<'a> {
    pub fn get(path: &'a str) -> Self {
        Self { method: "GET", path, ..Default::default() }
    }
    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

impl Client {
    /// A client for `base`, trusting `ca_pem` besides the public roots.
    pub fn new(base: Url, ca_pem: Option<&[u8]>, limits: Limits) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(limits.timeout)
            .connect_timeout(limits.timeout)
            .user_agent(concat!("rampart-checks/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(0);
        if let Some(pem) = ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| format!("the CA file is not PEM certificates: {e}"))?;
            if certs.is_empty() {
                return Err("the CA file holds no PEM certificate".into());
            }
            for c in certs {
                builder = builder.add_root_certificate(c);
            }
        }
        let http = builder.build().map_err(|e| format!("could not set up HTTP: {e}"))?;
        Ok(Self { http, base, limits, next: Mutex::new(Instant::now()) })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// Waits for the next slot of the pace.
    async fn pace(&self) {
        let mut next = self.next.lock().await;
        let now = Instant::now();
        if *next > now {
            tokio::time::sleep_until(*next).await;
        }
        *next = Instant::now() + self.limits.interval;
    }

    /// Sends `req` to the target's host (or to `url` for the plain-HTTP probe, which must be on
    /// the same host). Errors are reasons in plain words.
    pub async fn send(&self, req: Req<'_>) -> Result<Exchange, String> {
        let url = self.base.join(req.path).map_err(|e| format!("bad path {}: {e}", req.path))?;
        self.send_to(url, req).await
    }

    /// Like [`send`](Self::send) for a full URL on the target's host.
    pub async fn send_to(&self, url: Url, req: Req<'_>) -> Result<Exchange, String> {
        if url.host_str() != self.base.host_str() {
            return Err(format!("refused to probe {url}: not the target's host"));
        }
        self.pace().await;
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| format!("bad method {}", req.method))?;
        let mut builder = self.http.request(method, url.clone());
        for (n, v) in &req.headers {
            builder = builder.header(*n, v);
        }
        if let Some(body) = req.body {
            builder = builder.body(body);
        }
        let timeout = self.limits.timeout;
        let cap = self.limits.body_cap;
        let work = async move {
            let mut resp = builder.send().await.map_err(describe)?;
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .map(|(n, v)| {
                    (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())
                })
                .collect();
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(describe)? {
                if body.len() + chunk.len() > cap {
                    return Err(format!("the body is larger than {} KiB (the cap)", cap / 1024));
                }
                body.extend_from_slice(&chunk);
            }
            Ok((status, headers, body))
        };
        let (status, headers, body) = tokio::time::timeout(timeout, work)
            .await
            .map_err(|_| format!("no complete answer within {} s", timeout.as_secs_f32()))??;
        Ok(Exchange {
            method: req.method.to_owned(),
            url: url.to_string(),
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// A reqwest error in plain words, with its cause chain (no URL secrets: targets carry none).
pub fn describe(e: reqwest::Error) -> String {
    use std::error::Error;
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    crate::status::trim(&text)
}
