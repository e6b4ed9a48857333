//! A model server for download tests: HTTP/1.1 on 127.0.0.1 only, with range requests, a
//! broken connection on demand and 416 for a range past the end; and `sha1sum`.

use std::path::Path;

/// A tiny HTTP/1.1 server on 127.0.0.1 serving `data` with range support. The first
/// `cut_first` connections send only half of what they promise and then hang up.
pub fn serve(data: Vec<u8>, cut_first: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{BufRead as _, BufReader, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    let handle = std::thread::spawn(move || {
        let mut ranges = Vec::new();
        for (i, conn) in listener.incoming().take(cut_first + 1).enumerate() {
            let Ok(mut conn) = conn else { break };
            let mut reader = BufReader::new(conn.try_clone().expect("clone"));
            let mut from = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    from = v.trim().trim_end_matches('-').parse().unwrap_or(0);
                    ranges.push(line.trim().to_string());
                }
            }
            if from > 0 && from >= data.len() {
                // Nothing left to send: what a real server says to a finished download.
                let head = format!(
                    "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    data.len()
                );
                conn.write_all(head.as_bytes()).ok();
                continue;
            }
            let body = &data[from..];
            let status = if from > 0 {
                "206 Partial Content"
            } else {
                "200 OK"
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            conn.write_all(head.as_bytes()).ok();
            let send = if i < cut_first {
                &body[..body.len() / 2]
            } else {
                body
            };
            conn.write_all(send).ok();
        }
        ranges
    });
    (format!("http://{addr}/models"), handle)
}

pub fn sha1sum(path: &Path) -> String {
    let out = std::process::Command::new("sha1sum")
        .arg(path)
        .output()
        .expect("sha1sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}
