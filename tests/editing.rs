//! Editing in the window, headless (egui_kittest) on real files: an untick made during the
//! quick pass survives the full pass; add, split, delete, undo and redo from the keyboard; the
//! Edit menu says what Undo will undo; a second Find Viral Clips asks before it replaces
//! edited segments.

use crate::player::{open, run_until};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;
use slopcannon::gui::app::SlopApp;
use slopcannon::gui::command::Command;
use slopcannon_engine::analysis::Pass;
use slopcannon_testkit::fixture;

/// What a fresh analysis of the fixture `name` with these weights finds (no window, no speech).
fn fresh_analysis(
    name: &str,
    weights: slopcannon_engine::analysis::Weights,
) -> slopcannon_engine::analysis::Analysis {
    let mut opts = slopcannon_engine::analysis::AnalyzeOptions::default();
    opts.select.weights = weights;
    slopcannon_engine::analysis::analyze(
        &fixture(name),
        &opts,
        slopcannon_engine::progress::JobId::next(),
        &slopcannon_engine::progress::EventSink::discard(),
        &|_| {},
        &slopcannon_engine::progress::CancelToken::new(),
    )
    .expect("analysis")
}

fn spans(h: &Harness<'static, SlopApp>) -> Vec<(f64, f64)> {
    h.state()
        .state
        .segments()
        .iter()
        .map(|s| (s.start, s.end))
        .collect()
}

#[test]
fn gui_an_untick_during_the_quick_pass_survives_the_full_pass() {
    let mut h = open(&fixture("planted.mp4"), false);
    h.state_mut().send(Command::FindClips);
    run_until(&mut h, "the quick pass", |app| {
        app.state.clips.pass == Some(Pass::Quick) && app.state.segments().len() >= 3
            || app.state.clips.pass == Some(Pass::Full)
    });
    assert_eq!(
        h.state().state.clips.pass,
        Some(Pass::Quick),
        "the quick ranking shows before the full one"
    );
    // Untick #3 (its checkbox) while the full pass runs.
    let third = h.state().state.segments()[2].id;
    h.state_mut().send(Command::ToggleChosen(2));
    h.step();
    run_until(&mut h, "the full pass", |app| {
        app.state.analysis.is_none() && app.state.clips.pass == Some(Pass::Full)
    });
    let s = h
        .state()
        .state
        .clips
        .segments
        .get(third)
        .cloned()
        .expect("still there");
    assert!(!s.chosen, "the same segment is still unticked: {s:?}");
    assert!(s.edited);
    // The other found clips are ticked, but for filler (nothing in it stands out), and the
    // export takes those.
    let chosen: Vec<u64> = h
        .state()
        .state
        .clips
        .segments
        .chosen()
        .map(|s| s.id)
        .collect();
    let want: Vec<u64> = h
        .state()
        .state
        .segments()
        .iter()
        .filter(|s| s.id != third && !s.filler)
        .map(|s| s.id)
        .collect();
    assert_eq!(chosen, want);
    assert!(!want.is_empty());
    h.run_steps(2);
    assert!(h
        .query_by_label_contains("kept the 1 segment you edited")
        .is_some());

    // Find Viral Clips again: the window asks first; "keep" keeps the untick.
    h.state_mut().send(Command::FindClips);
    h.run_steps(2);
    assert!(h.state().state.confirm_find);
    assert!(h.query_by_label("Find again, keep my edits").is_some());
    h.get_by_label("Find again, keep my edits").click();
    h.run_steps(2);
    assert!(!h.state().state.confirm_find);
    run_until(&mut h, "the second run", |app| {
        app.state.analysis.is_none() && app.state.clips.pass == Some(Pass::Full)
    });
    let s = h
        .state()
        .state
        .clips
        .segments
        .get(third)
        .cloned()
        .expect("kept");
    assert!(!s.chosen);
}

#[test]
fn gui_add_split_delete_undo_redo_from_the_keyboard() {
    let mut h = open(&fixture("cfr.mp4"), false);
    let key = |h: &mut Harness<'static, SlopApp>, k: egui::Key, m: egui::Modifiers| {
        h.key_press_modifiers(m, k);
        h.run_steps(2);
    };
    let none = egui::Modifiers::NONE;
    // N at the playhead (0 s): a 10 s segment of our own.
    key(&mut h, egui::Key::N, none);
    assert_eq!(spans(&h), [(0.0, 10.0)]);
    assert!(h.state().state.segments()[0].own);
    // I / O marks, then N: a segment from the marks.
    h.state_mut().send(Command::Seek(2.0));
    h.step();
    key(&mut h, egui::Key::I, none); // (also trims the selected one's start)
    h.state_mut().send(Command::Seek(3.5));
    h.step();
    key(&mut h, egui::Key::O, none);
    key(&mut h, egui::Key::N, none);
    assert_eq!(spans(&h), [(2.0, 3.5), (2.0, 3.5)]);
    // B splits the selected one (the new one) at the playhead.
    h.state_mut().send(Command::Seek(3.0));
    h.step();
    key(&mut h, egui::Key::B, none);
    assert_eq!(spans(&h), [(2.0, 3.5), (2.0, 3.0), (3.0, 3.5)]);
    // Delete deletes the selected (the second half).
    key(&mut h, egui::Key::Delete, none);
    assert_eq!(spans(&h), [(2.0, 3.5), (2.0, 3.0)]);
    // The Edit menu says what Undo will undo.
    assert_eq!(h.state().state.history.undo_label(), Some("Delete segment"));
    h.get_by_label("Edit").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Undo Delete segment").is_some());
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    // Ctrl+Z twice: the split, then the delete, undone; Ctrl+Shift+Z and Ctrl+Y redo.
    key(&mut h, egui::Key::Z, egui::Modifiers::COMMAND);
    assert_eq!(spans(&h), [(2.0, 3.5), (2.0, 3.0), (3.0, 3.5)]);
    key(&mut h, egui::Key::Z, egui::Modifiers::COMMAND);
    assert_eq!(spans(&h), [(2.0, 3.5), (2.0, 3.5)]);
    key(
        &mut h,
        egui::Key::Z,
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
    );
    assert_eq!(spans(&h), [(2.0, 3.5), (2.0, 3.0), (3.0, 3.5)]);
    key(&mut h, egui::Key::Y, egui::Modifiers::COMMAND);
    assert_eq!(spans(&h), [(2.0, 3.5), (2.0, 3.0)]);
    // Enter names the selected segment; typing goes into the label, not to the shortcuts.
    // Typed a key at a time, as a person does: the spaces between words stay.
    key(&mut h, egui::Key::Enter, none);
    for c in "the intro ".chars() {
        h.event(egui::Event::Text(c.to_string()));
        h.step();
    }
    h.run_steps(2);
    let label = |h: &Harness<'_, SlopApp>| {
        h.state()
            .state
            .selected_segment()
            .map(|s| s.label.clone())
            .expect("selected")
    };
    assert_eq!(label(&h), "the intro ");
    assert_eq!(spans(&h).len(), 2, "typing N in the label adds nothing");
    // Leaving the field trims what it holds.
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    assert_eq!(label(&h), "the intro");
}

#[test]
fn gui_the_transcript_panel_seeks_clips_words_searches_and_corrects() {
    use slopcannon_engine::speech::{Segment, Transcript, Word};
    use std::sync::Arc;
    let mut h = open(&fixture("cfr.mp4"), false);
    let word = |w: &str, s: f64| Word {
        start: s,
        end: s + 0.4,
        word: format!(" {w}"),
    };
    h.state_mut().state.clips.transcript = Some(Arc::new(Transcript {
        language: "en".into(),
        model: "test".into(),
        segments: vec![Segment {
            start: 2.0,
            end: 3.2,
            text: " ask not what".into(),
            words: vec![word("ask", 2.0), word("not", 2.4), word("what", 2.8)],
        }],
    }));
    h.run_steps(2);
    assert!(h.query_by_label("Transcript").is_some());
    // A click on a word seeks to it.
    h.get_by_label("not").click();
    run_until(&mut h, "the seek to the word", |app| {
        app.state
            .preview_secs
            .is_some_and(|t| (t - 2.4).abs() < 0.04)
    });
    // Shift+click extends the selection; "Clip these words" makes a segment on their bounds.
    h.get_by_label("what")
        .click_modifiers(egui::Modifiers::SHIFT);
    h.run_steps(2);
    assert_eq!(h.state().state.word_selection, Some(((0, 1), (0, 2))));
    h.get_by_label_contains("Clip these words").click();
    h.run_steps(2);
    assert_eq!(
        spans(&h),
        [(2.4, 2.8 + 0.4)],
        "from the first word's start to the last's end"
    );
    assert_eq!(h.state().state.history.undo_label(), Some("Clip words"));
    // I snaps to the word bound within a quarter second of the playhead.
    h.state_mut().send(Command::Seek(2.9));
    h.run_steps(2);
    h.key_press(egui::Key::I);
    h.run_steps(2);
    assert_eq!(h.state().state.mark_in, Some(2.8));
    // Search, then Next jumps to the match.
    h.state_mut().send(Command::Seek(0.0));
    h.state_mut()
        .send(Command::SetTranscriptSearch("WHA".into()));
    h.run_steps(2);
    h.get_by_label("Next").click();
    run_until(&mut h, "the next match", |app| {
        app.state
            .preview_secs
            .is_some_and(|t| (t - 2.8).abs() < 0.04)
    });
    // A corrected word is what the captions will burn, and the project saves it.
    let version = h.state().state.clips.version;
    h.state_mut().send(Command::CorrectWord {
        at: (0, 2),
        text: "whom".into(),
    });
    h.run_steps(2);
    let t = h
        .state()
        .state
        .clips
        .transcript
        .clone()
        .expect("transcript");
    assert_eq!(t.segments[0].words[2].word, " whom");
    assert_eq!(t.segments[0].text, " ask not whom");
    assert!(h.state().state.clips.version > version, "saved");
}

#[test]
fn gui_find_viral_clips_follows_the_options_chosen() {
    use slopcannon::gui::state::AnalysisChoices;
    let mut h = open(&fixture("planted.mp4"), false);
    h.state_mut()
        .send(Command::SetAnalysisChoices(AnalysisChoices {
            max_clips: 2,
            min_len_secs: 20.0,
            max_len_secs: 25.0,
            speech: false,
            model: String::new(),
            ..AnalysisChoices::default()
        }));
    h.state_mut().send(Command::FindClips);
    run_until(&mut h, "the analysis", |app| {
        app.state.analysis.is_none() && app.state.clips.pass == Some(Pass::Full)
    });
    let spans = spans(&h);
    assert_eq!(spans.len(), 2, "{spans:?}");
    for (s, e) in &spans {
        let len = e - s;
        assert!(
            (19.0..=26.0).contains(&len),
            "between the lengths asked for: {len}"
        );
    }
    assert!(
        h.state().state.clips.transcript.is_none(),
        "no speech asked for"
    );
}

/// The segments as the list shows them: bounds and score.
fn listed(h: &Harness<'static, SlopApp>) -> Vec<(f64, f64, f64)> {
    h.state()
        .state
        .segments()
        .iter()
        .map(|s| (s.start, s.end, s.score))
        .collect()
}

#[test]
fn gui_moving_a_weight_ranks_again_at_once_without_reading_the_video() {
    use slopcannon::gui::state::AnalysisChoices;
    let mut h = open(&fixture("planted.mp4"), false);
    h.state_mut()
        .send(Command::SetAnalysisChoices(AnalysisChoices {
            speech: false,
            ..AnalysisChoices::default()
        }));
    h.state_mut().send(Command::FindClips);
    run_until(&mut h, "the analysis", |app| {
        app.state.analysis.is_none() && app.state.clips.pass == Some(Pass::Full)
    });
    // Tick or untick the last one: an edit the new ranking must keep.
    let last = h.state().state.segments().len() - 1;
    let unticked = h.state().state.segments()[last].clone();
    h.state_mut().send(Command::ToggleChosen(last));
    h.run_steps(2);
    let before = listed(&h);

    // Options → the "loudness_peak" slider to 0: the list changes at once.
    h.get_by_label("Options").click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::Slider, "loudness_peak")
        .set_value_accesskit(0.0);
    h.step();
    assert!(
        h.state().state.analysis.is_none(),
        "no analysis started: the cached features ranked again"
    );
    h.run_steps(2);
    assert!(h.state().state.analysis.is_none());
    assert_eq!(
        h.state().state.analysis_choices.weights.loudness_peak,
        0.0,
        "the slider moved the weight"
    );
    let after = listed(&h);
    assert_ne!(after, before, "the clip list changed");
    let kept = h
        .state()
        .state
        .clips
        .segments
        .get(unticked.id)
        .cloned()
        .expect("the edited segment is kept");
    assert!(
        kept.chosen != unticked.chosen && (kept.start, kept.end) == (unticked.start, unticked.end)
    );
    assert!(h
        .query_by_label_contains("clips again with the new options")
        .is_some());
    // The list is what a fresh analysis with that weight gives (less what overlaps the edit).
    let weights = slopcannon_engine::analysis::Weights {
        loudness_peak: 0.0,
        ..Default::default()
    };
    let fresh = fresh_analysis("planted.mp4", weights);
    let found: Vec<(f64, f64, f64)> = h
        .state()
        .state
        .segments()
        .iter()
        .filter(|s| s.id != unticked.id)
        .map(|s| (s.start, s.end, s.score))
        .collect();
    let expected: Vec<(f64, f64, f64)> = fresh
        .clips
        .iter()
        .filter(|c| !(c.start < unticked.end && unticked.start < c.end))
        .map(|c| (c.start, c.end, c.score))
        .collect();
    assert_eq!(found, expected);

    // Find Viral Clips with nothing to read again ranks from the cache too.
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    h.state_mut()
        .send(Command::FindClipsKeeping { keep_edits: true });
    h.step();
    assert!(h.state().state.analysis.is_none(), "no new analysis");
    assert!(h
        .state()
        .state
        .status
        .contains("Ranked again from the last analysis"));
    // Speech on: the video must be read again, so a new analysis starts.
    let choices = AnalysisChoices {
        speech: true,
        ..h.state().state.analysis_choices.clone()
    };
    h.state_mut().send(Command::SetAnalysisChoices(choices));
    h.state_mut()
        .send(Command::FindClipsKeeping { keep_edits: true });
    h.step();
    assert!(h.state().state.analysis.is_some(), "a new analysis runs");
    h.state_mut().send(Command::CancelAnalysis);
    run_until(&mut h, "the cancel", |app| app.state.analysis.is_none());
}

/// The weights can be moved while Find Viral Clips runs: the quick ranking on screen is
/// ranked again at once, and the full ranking arrives ranked with the new weights.
#[test]
fn gui_a_weight_moved_during_the_analysis_ranks_the_quick_and_the_full_pass() {
    use slopcannon::gui::state::AnalysisChoices;
    let mut h = open(&fixture("planted.mp4"), false);
    h.state_mut()
        .send(Command::SetAnalysisChoices(AnalysisChoices {
            speech: false,
            ..AnalysisChoices::default()
        }));
    h.state_mut().send(Command::FindClips);
    run_until(&mut h, "the quick pass", |app| {
        app.state.clips.pass == Some(Pass::Quick) && app.state.segments().len() >= 3
            || app.state.clips.pass == Some(Pass::Full)
    });
    assert_eq!(
        h.state().state.clips.pass,
        Some(Pass::Quick),
        "still running"
    );
    let before = spans(&h);
    // Options is there while the analysis runs; speech cannot change mid-read.
    h.get_by_label("Options").click();
    h.run_steps(2);
    assert!(h.state().state.analysis.is_some());
    assert!(h
        .get_by_label("transcribe speech")
        .accesskit_node()
        .is_disabled());
    for w in ["loudness", "loudness_peak", "onsets"] {
        h.get_by_role_and_label(egui::accesskit::Role::Slider, w)
            .set_value_accesskit(0.0);
        h.step();
    }
    h.run_steps(2);
    let weights = h.state().state.analysis_choices.weights.clone();
    assert_eq!(weights.loudness_peak, 0.0, "the slider moved the weight");
    assert!(
        h.state().state.analysis.is_some(),
        "the full pass is still running (planted.mp4 takes seconds)"
    );
    assert_ne!(
        spans(&h),
        before,
        "the quick ranking was ranked again at once"
    );
    run_until(&mut h, "the full pass", |app| {
        app.state.analysis.is_none() && app.state.clips.pass == Some(Pass::Full)
    });
    // The full ranking is the one a fresh analysis with those weights gives.
    let fresh = fresh_analysis("planted.mp4", weights);
    let want: Vec<(f64, f64)> = fresh.clips.iter().map(|c| (c.start, c.end)).collect();
    assert_eq!(spans(&h), want);
}
