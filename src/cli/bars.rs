//! Progress bars for the terminal (indicatif), driven by engine progress events. Hidden when
//! stderr is not a terminal, so pipes and CI logs stay clean.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use slopcannon_engine::progress::{format_hms, Event, EventSink, Stage};
use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::{Arc, Mutex};

/// A set of bars, one per stage, behind an [`EventSink`].
pub struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<&'static str, ProgressBar>>,
}

impl Bars {
    /// Bars on stderr when it is a terminal and `enabled`; otherwise invisible.
    pub fn new(enabled: bool) -> Arc<Bars> {
        let target = if enabled && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Arc::new(Bars {
            multi: MultiProgress::with_draw_target(target),
            bars: Mutex::new(HashMap::new()),
        })
    }

    /// A sink that updates the bars (and forwards every event to `then`).
    pub fn sink(self: &Arc<Self>, then: impl Fn(&Event) + Send + Sync + 'static) -> EventSink {
        let bars = self.clone();
        EventSink::new(move |ev| {
            bars.update(&ev);
            then(&ev);
        })
    }

    fn update(&self, ev: &Event) {
        let Event::Progress(p) = ev else {
            return;
        };
        let Ok(mut bars) = self.bars.lock() else {
            return;
        };
        let label = p.stage.label();
        let bar = bars.entry(label).or_insert_with(|| {
            let bar = self.multi.add(ProgressBar::new(p.total.unwrap_or(0)));
            let style = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {percent:>3}% {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(label);
            bar
        });
        if let Some(t) = p.total {
            bar.set_length(t);
        }
        bar.set_position(p.done);
        let unit = match p.stage {
            Stage::Decode => " frames",
            Stage::Export => " clips",
            Stage::Download => " bytes",
            _ => "",
        };
        let eta = p
            .eta
            .map(|e| format!(" ETA {}", format_hms(e)))
            .unwrap_or_default();
        bar.set_message(format!("{}{unit}{eta}", p.done));
        if p.finished {
            bar.finish_with_message("done");
        }
    }

    /// Removes the bars from the terminal.
    pub fn clear(&self) {
        self.multi.clear().ok();
    }
}
