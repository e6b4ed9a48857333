//! FFmpeg's own messages (a damaged packet, a missing reference frame, an encoder's complaint)
//! go to the log through `tracing`, so a user with a bad file sees what FFmpeg saw. Warnings
//! and errors by default; [`set_level`] follows the app's log level (everything at trace).
//! Repeats of one line are folded, as FFmpeg's own logger does. What FFmpeg says while a file
//! is being opened is held back ([`held_back`]) and dropped to debug when the open fails: the
//! error we report then says it in one line, with the file name.

use ffmpeg_next as ff;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;

/// The most verbose FFmpeg level forwarded (FFmpeg's `AV_LOG_*` numbers: lower is worse).
static LEVEL: AtomicI32 = AtomicI32::new(ff::ffi::AV_LOG_WARNING);

/// The last line forwarded, its level, and how often it came again since.
static LAST: Mutex<(String, c_int, u32)> = Mutex::new((String::new(), 0, 0));

thread_local! {
    /// Messages of this thread held back while [`held_back`] runs.
    static HELD: RefCell<Option<Vec<(c_int, String)>>> = const { RefCell::new(None) };
}

/// Runs `open` with this thread's FFmpeg messages held back: forwarded when it succeeds,
/// logged at debug level when it fails (its error is the message then). Nested calls hold
/// for the outermost one.
pub(crate) fn held_back<T, E>(open: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    /// Stops holding when dropped, also when `open` panics.
    struct Holding;
    impl Drop for Holding {
        fn drop(&mut self) {
            HELD.with(|h| h.borrow_mut().take());
        }
    }
    if HELD.with(|h| h.borrow().is_some()) {
        return open();
    }
    HELD.with(|h| *h.borrow_mut() = Some(Vec::new()));
    let holding = Holding;
    let result = open();
    let held = HELD.with(|h| h.borrow_mut().take()).unwrap_or_default();
    drop(holding);
    for (level, line) in held {
        if result.is_ok() {
            forward(level, &line);
        } else {
            tracing::debug!("ffmpeg: {line}");
        }
    }
    result
}

/// Forwards FFmpeg's messages up to `level`: error → errors, warn and info → warnings (FFmpeg's
/// info level is per-file chatter), debug → verbose, trace → everything.
pub fn set_level(level: tracing::Level) {
    let av = match level {
        tracing::Level::ERROR => ff::ffi::AV_LOG_ERROR,
        tracing::Level::WARN | tracing::Level::INFO => ff::ffi::AV_LOG_WARNING,
        tracing::Level::DEBUG => ff::ffi::AV_LOG_VERBOSE,
        tracing::Level::TRACE => ff::ffi::AV_LOG_TRACE,
    };
    if cfg!(target_arch = "x86_64") {
        LEVEL.store(av, Ordering::Relaxed);
        // SAFETY: plain setter of FFmpeg's global log level.
        unsafe { ff::ffi::av_log_set_level(av) };
    }
}

/// Installs the forwarding callback (called once by `open::init`). Where a `va_list` is not
/// a plain pointer (not x86-64) the messages cannot be formatted here, and FFmpeg is kept
/// quiet rather than writing past the log to stderr.
pub(crate) fn install() {
    // SAFETY: plain setters of FFmpeg's global logger; the callback is valid for the process.
    unsafe {
        #[cfg(target_arch = "x86_64")]
        {
            ff::ffi::av_log_set_level(LEVEL.load(Ordering::Relaxed));
            ff::ffi::av_log_set_callback(Some(on_message));
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            LEVEL.store(ff::ffi::AV_LOG_QUIET, Ordering::Relaxed);
            ff::ffi::av_log_set_level(ff::ffi::AV_LOG_QUIET);
        }
    }
}

#[cfg(target_arch = "x86_64")]
unsafe extern "C" fn on_message(
    avcl: *mut c_void,
    level: c_int,
    fmt: *const c_char,
    args: *mut ff::ffi::__va_list_tag,
) {
    // The level may carry FFmpeg's colour bits above the low byte.
    let level = level & 0xff;
    if level > LEVEL.load(Ordering::Relaxed) || fmt.is_null() {
        return;
    }
    let Some(line) = format_line(avcl, level, fmt, args.cast()) else {
        return;
    };
    let line = line.trim_end();
    // Never panic here (a panic cannot unwind into C): a thread-local that is gone or busy
    // counts as not holding.
    let held = HELD
        .try_with(|h| match h.try_borrow_mut().ok().as_deref_mut() {
            Some(Some(held)) => {
                held.push((level, line.to_string()));
                true
            }
            _ => false,
        })
        .unwrap_or(false);
    if !held {
        forward(level, line);
    }
}

/// One FFmpeg-style message with its arguments filled in (and, for a context `avcl`, the
/// `[codec @ 0x…]` prefix), by FFmpeg's own formatter. `args` is the message's `va_list`,
/// which on x86-64 is passed as a plain pointer; elsewhere `None`.
pub(crate) fn format_line(
    avcl: *mut c_void,
    level: c_int,
    fmt: *const c_char,
    args: *mut c_void,
) -> Option<String> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut buf = [0 as c_char; 1024];
        let mut prefix: c_int = 1;
        // SAFETY: `fmt` and `args` come straight from the logging call; the buffer's length
        // is passed, and the result is NUL-terminated within it.
        let n = unsafe {
            ff::ffi::av_log_format_line2(
                avcl,
                level,
                fmt,
                args.cast(),
                buf.as_mut_ptr(),
                buf.len() as c_int,
                &mut prefix,
            )
        };
        if n >= 0 {
            // SAFETY: av_log_format_line2 always NUL-terminates the buffer.
            let line = unsafe { CStr::from_ptr(buf.as_ptr()) };
            return Some(line.to_string_lossy().into_owned());
        }
    }
    let _ = (avcl, level, fmt, args);
    None
}

/// Sends one line to `tracing` at the matching level, folding repeats.
fn forward(level: c_int, line: &str) {
    if line.is_empty() {
        return;
    }
    let repeated = {
        let Ok(mut last) = LAST.lock() else {
            return;
        };
        if last.0 == line {
            last.2 += 1;
            return;
        }
        let repeated = (last.1, last.2);
        *last = (line.to_string(), level, 0);
        repeated
    };
    if repeated.1 > 0 {
        emit(
            repeated.0,
            &format!("(the last message came {} more times)", repeated.1),
        );
    }
    emit(level, line);
}

/// One line to `tracing` at the level matching FFmpeg's.
fn emit(level: c_int, line: &str) {
    if level <= ff::ffi::AV_LOG_ERROR {
        tracing::error!("ffmpeg: {line}");
    } else if level <= ff::ffi::AV_LOG_WARNING {
        tracing::warn!("ffmpeg: {line}");
    } else if level <= ff::ffi::AV_LOG_INFO {
        tracing::info!("ffmpeg: {line}");
    } else if level <= ff::ffi::AV_LOG_DEBUG {
        tracing::debug!("ffmpeg: {line}");
    } else {
        tracing::trace!("ffmpeg: {line}");
    }
}
