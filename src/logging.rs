//! Logging set-up: `tracing` events go to stderr and, in the GUI, also to the log panel
//! through a forwarding layer (the engine itself only ever calls `tracing` macros).

use crate::settings::LogLevel;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::SystemTime;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::Layer as _;

/// One log line as the GUI shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub level: tracing::Level,
    pub target: String,
    pub message: String,
    pub at: SystemTime,
}

impl LogLine {
    pub fn new(level: tracing::Level, message: impl Into<String>) -> LogLine {
        LogLine {
            level,
            target: "slopcannon".into(),
            message: message.into(),
            at: SystemTime::now(),
        }
    }
}

/// Where forwarded log lines go (the GUI passes a closure that sends into its channel).
pub type LogForward = Arc<dyn Fn(LogLine) + Send + Sync>;

/// Installs the global subscriber: stderr at `level`, plus `forward` when given.
/// Calling it twice is harmless (the second call does nothing).
pub fn init(level: LogLevel, forward: Option<LogForward>) {
    // whisper.cpp reports every buffer it allocates at info level: that is debug detail here.
    let whisper = match level {
        LogLevel::Debug | LogLevel::Trace => level.as_tracing(),
        _ => tracing::Level::WARN.min(level.as_tracing()),
    };
    let filter = tracing_subscriber::filter::Targets::new()
        .with_default(level.as_tracing())
        .with_target("whisper_rs", whisper);
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .with_filter(filter.clone());
    // The panel shows our own lines; toolkit chatter (winit, egui, eframe) stays on stderr.
    let ours =
        tracing_subscriber::filter::filter_fn(|meta| meta.target().starts_with("slopcannon"));
    let forward = forward.map(|f| {
        ForwardLayer { forward: f }
            .with_filter(ours)
            .with_filter(filter.clone())
    });
    tracing_subscriber::registry()
        .with(stderr)
        .with(forward)
        .try_init()
        .ok();
    // FFmpeg's own messages follow the same level (warnings and up unless asked for more).
    slopcannon_engine::media::ffmpeg_log::set_level(level.as_tracing());
}

struct ForwardLayer {
    forward: LogForward,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ForwardLayer {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut visitor = MessageVisitor::default();
        event.record(&mut visitor);
        (self.forward)(LogLine {
            level: *event.metadata().level(),
            target: event.metadata().target().to_string(),
            message: visitor.message,
            at: SystemTime::now(),
        });
    }
}

#[derive(Default)]
struct MessageVisitor {
    message: String,
}

impl tracing::field::Visit for MessageVisitor {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            write!(self.message, "{value:?}").ok();
        } else {
            write!(self.message, " {}={value:?}", field.name()).ok();
        }
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            write!(self.message, " {}={value}", field.name()).ok();
        }
    }
}
