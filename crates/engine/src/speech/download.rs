//! Downloading a whisper model: from the public whisper.cpp model repository (or any base URL),
//! into `<models dir>/ggml-NAME.bin.part`, resuming with an HTTP range request after a broken
//! connection or a stalled one (retried with backoff), verified by SHA-1, then renamed into
//! place. A `.part` that is already whole (the server answers 416 to the range past its end)
//! is checked and kept. A download whose checksum does not match is deleted. Only HTTPS is
//! used, except to this machine (a loopback address: tests and local mirrors).

use crate::progress::{CancelToken, Cancelled, EventSink, JobId, ProgressReporter, Stage};
use backon::{BlockingRetryable as _, ExponentialBuilder};
use sha1::Digest as _;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Giving up on a server that does not answer the connection within this.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// A connection that delivers nothing for this long is broken (and resumed).
const STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The public whisper.cpp model repository.
pub const DEFAULT_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

/// SHA-1 of the upstream ggml files (whisper.cpp `models/README.md`; the quantised ones as
/// published for the files of the Hugging Face repository): every name offered is checked.
pub const KNOWN_SHA1: [(&str, &str); 34] = [
    ("tiny", "bd577a113a864445d4c299885e0cb97d4ba92b5f"),
    ("tiny-q5_1", "2827a03e495b1ed3048ef28a6a4620537db4ee51"),
    ("tiny-q8_0", "19e8118f6652a650569f5a949d962154e01571d9"),
    ("tiny.en", "c78c86eb1a8faa21b369bcd33207cc90d64ae9df"),
    ("tiny.en-q5_1", "3fb92ec865cbbc769f08137f22470d6b66e071b6"),
    ("tiny.en-q8_0", "802d6668e7d411123e672abe4cb6c18f12306abb"),
    ("base", "465707469ff3a37a2b9b8d8f89f2f99de7299dac"),
    ("base-q5_1", "a3733eda680ef76256db5fc5dd9de8629e62c5e7"),
    ("base-q8_0", "7bb89bb49ed6955013b166f1b6a6c04584a20fbe"),
    ("base.en", "137c40403d78fd54d454da0f9bd998f78703390c"),
    ("base.en-q5_1", "d26d7ce5a1b6e57bea5d0431b9c20ae49423c94a"),
    ("base.en-q8_0", "bb1574182e9b924452bf0cd1510ac034d323e948"),
    ("small", "55356645c2b361a969dfd0ef2c5a50d530afd8d5"),
    ("small-q5_1", "6fe57ddcfdd1c6b07cdcc73aaf620810ce5fc771"),
    ("small-q8_0", "bcad8a2083f4e53d648d586b7dbc0cd673d8afad"),
    ("small.en", "db8a495a91d927739e50b3fc1cc4c6b8f6c2d022"),
    ("small.en-q5_1", "20f54878d608f94e4a8ee3ae56016571d47cba34"),
    ("small.en-q8_0", "9d75ff4ccfa0a8217870d7405cf8cef0a5579852"),
    ("small.en-tdrz", "b6c6e7e89af1a35c08e6de56b66ca6a02a2fdfa1"),
    ("medium", "fd9727b6e1217c2f614f9b698455c4ffd82463b4"),
    ("medium-q5_0", "7718d4c1ec62ca96998f058114db98236937490e"),
    ("medium-q8_0", "e66645948aff4bebbec71b3485c576f3d63af5d6"),
    ("medium.en", "8c30f0e44ce9560643ebd10bbe50cd20eafd3723"),
    ("medium.en-q5_0", "bb3b5281bddd61605d6fc76bc5b92d8f20284c3b"),
    ("medium.en-q8_0", "b1cf48c12c807e14881f634fb7b6c6ca867f6b38"),
    ("large-v1", "b1caaf735c4cc1429223d5a74f0f4d0b9b59a299"),
    ("large-v2", "0f4c8e34f21cf1a914c59d8b3ce882345ad349d6"),
    ("large-v2-q5_0", "00e39f2196344e901b3a2bd5814807a769bd1630"),
    ("large-v2-q8_0", "da97d6ca8f8ffbeeb5fd147f79010eeea194ba38"),
    ("large-v3", "ad82bf6a9043ceed055076d0fd39f5f186ff8062"),
    ("large-v3-q5_0", "e6e2ed78495d403bef4b7cff42ef4aaadcfea8de"),
    ("large-v3-turbo", "4af2b29d7ec73d781377bfd1758ca957a807e941"),
    (
        "large-v3-turbo-q5_0",
        "e050f7970618a659205450ad97eb95a18d69c9ee",
    ),
    (
        "large-v3-turbo-q8_0",
        "01bf15bedffe9f39d65c1b6ff9b687ea91f59e0e",
    ),
];

#[derive(Clone, Debug)]
pub struct DownloadOptions {
    pub base_url: String,
    pub models_dir: PathBuf,
    /// Expected SHA-1 (hex); None: the built-in table, or no check for unknown names.
    pub sha1: Option<String>,
    /// Attempts, including the first; each resumes where the last stopped.
    pub attempts: u32,
    pub backoff: Duration,
}

impl DownloadOptions {
    pub fn new(models_dir: PathBuf) -> DownloadOptions {
        DownloadOptions {
            base_url: DEFAULT_BASE_URL.to_string(),
            models_dir,
            sha1: None,
            attempts: 4,
            backoff: Duration::from_millis(500),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("download failed ({reason}): {url}")]
    Network { url: String, reason: String },
    #[error("models are downloaded over HTTPS only (a plain http:// address is allowed only for this machine: 127.0.0.1, ::1, localhost): {url}")]
    Insecure { url: String },
    #[error("the server has no such model (HTTP {status}): {url}")]
    NotFound { url: String, status: u16 },
    #[error("the download is corrupt (SHA-1 {got}, expected {expected}); it was deleted: {}", path.display())]
    Checksum {
        path: PathBuf,
        got: String,
        expected: String,
    },
    #[error("cannot write the model ({reason}): {}", path.display())]
    Io { path: PathBuf, reason: String },
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
}

impl DownloadError {
    fn retryable(&self) -> bool {
        matches!(self, DownloadError::Network { .. })
    }
}

/// Downloads model `name` (e.g. `tiny.en`, `base.en-q5_1`) and returns its path.
pub fn download_model(
    name: &str,
    opts: &DownloadOptions,
    job: JobId,
    sink: &EventSink,
    cancel: &CancelToken,
) -> Result<PathBuf, DownloadError> {
    let file = format!("ggml-{name}.bin");
    let url = format!("{}/{file}", opts.base_url.trim_end_matches('/'));
    if !secure_url(&url) {
        return Err(DownloadError::Insecure { url });
    }
    let dest = opts.models_dir.join(&file);
    let part = opts.models_dir.join(format!("{file}.part"));
    let io = |path: &Path, e: std::io::Error| DownloadError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(&opts.models_dir).map_err(|e| io(&opts.models_dir, e))?;
    let expected = opts.sha1.clone().or_else(|| {
        KNOWN_SHA1
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, h)| h.to_string())
    });
    if dest.is_file() {
        let good = |want: &String| sha1_of(&dest).is_ok_and(|got| got.eq_ignore_ascii_case(want));
        match &expected {
            Some(want) if !good(want) => {
                tracing::warn!(
                    "{} does not match its checksum: downloading it again",
                    dest.display()
                );
            }
            _ => {
                tracing::info!("{name} is already installed: {}", dest.display());
                return Ok(dest);
            }
        }
    }
    if expected.is_none() {
        tracing::warn!("no known checksum for {name}: the download will not be verified");
    }
    let progress = ProgressReporter::new(sink, job, Stage::Download, None);
    let fetch = || fetch_resuming(&url, &part, &progress, cancel);
    fetch
        .retry(
            ExponentialBuilder::default()
                .with_min_delay(opts.backoff)
                .with_max_times(opts.attempts.saturating_sub(1) as usize)
                .with_jitter(),
        )
        .sleep({
            let cancel = cancel.clone();
            move |d| cancel.sleep(d)
        })
        .when(|e: &DownloadError| e.retryable() && !cancel.is_cancelled())
        .notify(|e: &DownloadError, wait: Duration| {
            // Resuming only when part of the file is already here.
            let again = if std::fs::metadata(&part).is_ok_and(|m| m.len() > 0) {
                "resuming"
            } else {
                "trying again"
            };
            tracing::warn!("{e}; {again} in {:.1} s", wait.as_secs_f64());
        })
        .call()?;
    progress.finish();
    if let Some(expected) = expected {
        let got = sha1_of(&part).map_err(|e| io(&part, e))?;
        if !got.eq_ignore_ascii_case(&expected) {
            std::fs::remove_file(&part).ok();
            return Err(DownloadError::Checksum {
                path: dest,
                got,
                expected,
            });
        }
    }
    // A verified download replaces a file of that name in one step (one that failed its
    // checksum above, or one another download finished meanwhile).
    std::fs::rename(&part, &dest).map_err(|e| io(&dest, e))?;
    tracing::info!("model saved: {}", dest.display());
    Ok(dest)
}

/// True for an `https://` URL, or an `http://` one to a loopback host. The host is what stands
/// between `//` and the next `/`, `:` (port) or `?`, after any `user@`; IPv6 in brackets.
fn secure_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return true;
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    matches!(host, "localhost" | "::1")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Appends the rest of `url` to `part` (a range request from its current size).
fn fetch_resuming(
    url: &str,
    part: &Path,
    progress: &ProgressReporter,
    cancel: &CancelToken,
) -> Result<(), DownloadError> {
    cancel.check()?;
    let have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    let net = |reason: String| DownloadError::Network {
        url: url.to_string(),
        reason,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_per_read(Some(STALL_TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent.get(url);
    if have > 0 {
        req = req.header("Range", &format!("bytes={have}-"));
    }
    let resp = req.call().map_err(|e| net(e.to_string()))?;
    let status = resp.status().as_u16();
    match status {
        // Nothing past the part's end: it is whole when the file is exactly that long (the
        // checksum then says if it is right); a longer part is not this file, so start again.
        416 if have > 0 => {
            let len = resp
                .headers()
                .get("content-range")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("bytes */"))
                .and_then(|v| v.trim().parse::<u64>().ok());
            if len == Some(have) {
                return Ok(());
            }
            std::fs::remove_file(part).ok();
            return Err(net(format!(
                "the partial download ({have} bytes) does not fit the file ({}); starting again",
                len.map_or_else(|| "size unknown".to_string(), |l| format!("{l} bytes"))
            )));
        }
        200 | 206 => {}
        404 | 410 => {
            return Err(DownloadError::NotFound {
                url: url.to_string(),
                status,
            })
        }
        _ => return Err(net(format!("HTTP {status}"))),
    }
    let resumed = status == 206;
    let len: Option<u64> = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let start = if resumed { have } else { 0 };
    progress.set_total(len.map(|l| l + start));
    progress.set_done(start);
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(resumed)
        .truncate(!resumed)
        .open(part)
        .map_err(|e| DownloadError::Io {
            path: part.to_path_buf(),
            reason: e.to_string(),
        })?;
    let mut body = resp.into_body().into_reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut done = start;
    loop {
        cancel.check()?;
        let n = body.read(&mut buf).map_err(|e| net(e.to_string()))?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n]).map_err(|e| DownloadError::Io {
            path: part.to_path_buf(),
            reason: e.to_string(),
        })?;
        done += n as u64;
        progress.set_done(done);
    }
    if let Some(l) = len {
        if done < start + l {
            return Err(net(format!(
                "connection closed after {done} of {} bytes",
                start + l
            )));
        }
    }
    Ok(())
}

/// SHA-1 of a file, as lower-case hex.
pub fn sha1_of(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = sha1::Sha1::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::secure_url;

    #[test]
    fn only_https_or_this_machine() {
        for ok in [
            "https://huggingface.co/x/ggml-tiny.bin",
            "HTTPS://example.org/m.bin",
            "http://127.0.0.1:8080/m.bin",
            "http://127.1.2.3/m.bin",
            "http://localhost/m.bin",
            "http://[::1]:9/m.bin",
        ] {
            assert!(secure_url(ok), "{ok}");
        }
        for bad in [
            "http://example.org/m.bin",
            "http://127.0.0.1.evil.example/m.bin",
            "http://localhost.evil.example/m.bin",
            "http://127.0.0.1@evil.example/m.bin",
            "ftp://127.0.0.1/m.bin",
            "file:///etc/passwd",
            "huggingface.co/m.bin",
        ] {
            assert!(!secure_url(bad), "{bad}");
        }
    }
}
