//! An S3-compatible target (endpoint, region, bucket, prefix, path style, credentials, storage
//! class) and the thin S3 client the engine uses. Request checksums are computed and response
//! checksums validated only "when required", which is what non-AWS servers (Garage, MinIO, R2…)
//! accept. No aws-config: credentials come from the vault and are handed over here.

use crate::error::{BackupError, Result};
use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::primitives::ByteStream;
use rampart_sensitive::SecretString;
use std::time::Duration;
use time::OffsetDateTime;

/// Where backups go. Its Debug output shows neither the access key id nor the secret key.
#[derive(Clone)]
pub struct S3Target {
    /// `https://s3.example.com`; `None` means AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    /// Key prefix under which every source lives (may be empty).
    pub prefix: String,
    /// Path-style addressing (`endpoint/bucket/key`), needed by most self-hosted servers.
    pub path_style: bool,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// e.g. `STANDARD_IA`; `None` leaves the server's default.
    pub storage_class: Option<String>,
    /// Attempts per request, including the first (the SDK's standard retry with backoff).
    pub max_attempts: u32,
    pub connect_timeout: Duration,
    /// Longest wait for a response byte before a request attempt fails.
    pub read_timeout: Duration,
    /// Total time to read one manifest (every attempt and the whole body), so a bucket that
    /// trickles cannot hold a list, restore or prune forever.
    pub manifest_timeout: Duration,
}

impl std::fmt::Debug for S3Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Target")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("path_style", &self.path_style)
            .field("access_key_id", &"<redacted>")
            .field("secret_access_key", &self.secret_access_key)
            .field("storage_class", &self.storage_class)
            .field("max_attempts", &self.max_attempts)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("manifest_timeout", &self.manifest_timeout)
            .finish()
    }
}

impl S3Target {
    /// A target with path style on, 3 attempts, 10 s / 120 s timeouts and 30 s per manifest.
    pub fn new(
        endpoint: Option<String>,
        region: impl Into<String>,
        bucket: impl Into<String>,
        access_key_id: impl Into<String>,
        secret_access_key: SecretString,
    ) -> Self {
        Self {
            endpoint,
            region: region.into(),
            bucket: bucket.into(),
            prefix: String::new(),
            path_style: true,
            access_key_id: access_key_id.into(),
            secret_access_key,
            storage_class: None,
            max_attempts: 3,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(120),
            manifest_timeout: Duration::from_secs(30),
        }
    }

    fn client(&self) -> Result<Client> {
        if self.bucket.is_empty() {
            return Err(BackupError::Config("the target has no bucket".into()));
        }
        let creds = Credentials::new(
            &self.access_key_id,
            self.secret_access_key.expose(),
            None,
            None,
            "rampart-vault",
        );
        let mut b = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .credentials_provider(creds)
            .force_path_style(self.path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .retry_config(RetryConfig::standard().with_max_attempts(self.max_attempts.max(1)))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(self.connect_timeout)
                    .read_timeout(self.read_timeout)
                    .build(),
            );
        if let Some(endpoint) = &self.endpoint {
            b = b.endpoint_url(endpoint);
        }
        Ok(Client::from_conf(b.build()))
    }
}

/// One listed object.
#[derive(Debug, Clone)]
pub(crate) struct ObjectInfo {
    pub key: String,
    pub last_modified: Option<OffsetDateTime>,
}

/// One unfinished multipart upload.
#[derive(Debug, Clone)]
pub(crate) struct UploadInfo {
    pub key: String,
    pub upload_id: String,
    pub initiated: Option<OffsetDateTime>,
}

/// The bucket operations the engine needs. Debug leaves the client out (its credentials
/// provider would print the access key id).
#[derive(Clone)]
pub(crate) struct Store {
    pub client: Client,
    pub bucket: String,
    pub storage_class: Option<String>,
    pub manifest_timeout: Duration,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("bucket", &self.bucket)
            .field("storage_class", &self.storage_class)
            .finish_non_exhaustive()
    }
}

fn to_time(t: Option<&aws_sdk_s3::primitives::DateTime>) -> Option<OffsetDateTime> {
    t.and_then(|t| OffsetDateTime::from_unix_timestamp(t.secs()).ok())
}

impl Store {
    pub fn new(target: &S3Target) -> Result<Self> {
        Ok(Self {
            client: target.client()?,
            bucket: target.bucket.clone(),
            storage_class: target.storage_class.clone(),
            manifest_timeout: target.manifest_timeout,
        })
    }

    pub async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let resp = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| BackupError::s3("ListObjectsV2", e))?;
            for o in resp.contents() {
                out.push(ObjectInfo {
                    key: o.key().unwrap_or_default().to_owned(),
                    last_modified: to_time(o.last_modified()),
                });
            }
            token = resp.next_continuation_token().map(str::to_owned);
            if token.is_none() || resp.is_truncated() != Some(true) {
                return Ok(out);
            }
        }
    }

    pub async fn list_uploads(&self, prefix: &str) -> Result<Vec<UploadInfo>> {
        let mut out = Vec::new();
        let (mut key_marker, mut id_marker) = (None, None);
        loop {
            let resp = self
                .client
                .list_multipart_uploads()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_key_marker(key_marker)
                .set_upload_id_marker(id_marker)
                .send()
                .await
                .map_err(|e| BackupError::s3("ListMultipartUploads", e))?;
            for u in resp.uploads() {
                out.push(UploadInfo {
                    key: u.key().unwrap_or_default().to_owned(),
                    upload_id: u.upload_id().unwrap_or_default().to_owned(),
                    initiated: to_time(u.initiated()),
                });
            }
            if resp.is_truncated() != Some(true) {
                return Ok(out);
            }
            key_marker = resp.next_key_marker().map(str::to_owned);
            id_marker = resp.next_upload_id_marker().map(str::to_owned);
        }
    }

    /// The object's size, or `None` when it does not exist.
    pub async fn head(&self, key: &str) -> Result<Option<u64>> {
        match self.client.head_object().bucket(&self.bucket).key(key).send().await {
            Ok(o) => Ok(Some(o.content_length().unwrap_or(0).max(0) as u64)),
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => Ok(None),
            Err(e) => Err(BackupError::s3("HeadObject", e)),
        }
    }

    /// Reads a small object (a manifest, a signature) whole: at most `cap` bytes (by its length
    /// and by counting, so an endless body stops just past the cap), within `timeout` for every
    /// attempt and the body together. `None` when it does not exist.
    pub async fn get_small(
        &self,
        key: &str,
        cap: usize,
        timeout: Duration,
    ) -> Result<Option<Vec<u8>>> {
        let too_big = || BackupError::BadManifest {
            key: key.to_owned(),
            message: format!("it is larger than the {} KiB a manifest may be", cap / 1024),
        };
        let read = async {
            let resp = match self.client.get_object().bucket(&self.bucket).key(key).send().await {
                Ok(resp) => resp,
                Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => {
                    return Ok(None);
                }
                Err(e) => return Err(BackupError::s3("GetObject", e)),
            };
            if resp.content_length().is_some_and(|n| n > cap as i64) {
                return Err(too_big());
            }
            let mut body = resp.body;
            let mut out = Vec::new();
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| BackupError::Storage {
                    operation: "GetObject",
                    message: e.to_string(),
                    advice: "The download was interrupted: retry",
                    retryable: true,
                })?;
                if out.len().saturating_add(chunk.len()) > cap {
                    return Err(too_big());
                }
                out.extend_from_slice(&chunk);
            }
            Ok(Some(out))
        };
        tokio::time::timeout(timeout, read).await.unwrap_or_else(|_| {
            Err(BackupError::Storage {
                operation: "GetObject",
                message: format!("reading {key} timed out after {} s", timeout.as_secs_f64()),
                advice: "The S3 endpoint stalled or is too slow: check the network and the \
                         endpoint, then retry",
                retryable: true,
            })
        })
    }

    pub async fn get(&self, key: &str) -> Result<ByteStream> {
        let resp = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| BackupError::s3("GetObject", e))?;
        Ok(resp.body)
    }

    /// Writes `body` at `key` only if nothing is there: a HEAD first (some servers ignore
    /// conditional headers), then a PUT with `If-None-Match: *` (which closes the race on
    /// servers that honour it; a 412 answer means someone else wrote it first).
    pub async fn put_if_absent(&self, key: &str, body: Vec<u8>, content_type: &str) -> Result<()> {
        if self.head(key).await?.is_some() {
            return Err(BackupError::ManifestExists { key: key.to_owned() });
        }
        let r = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .if_none_match("*")
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 412) => {
                Err(BackupError::ManifestExists { key: key.to_owned() })
            }
            Err(e) => Err(BackupError::s3("PutObject", e)),
        }
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| BackupError::s3("DeleteObject", e))?;
        Ok(())
    }

    pub async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<()> {
        self.client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await
            .map_err(|e| BackupError::s3("AbortMultipartUpload", e))?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod tests;
