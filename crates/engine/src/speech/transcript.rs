//! The transcript: segments of text with word-level timestamps (seconds from the start of the
//! media). Plain data, serialisable; consumed by scoring, subtitles and the GUI.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// Language code (`en` for the English-only models).
    pub language: String,
    /// The model file that produced it.
    pub model: String,
    pub segments: Vec<Segment>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub words: Vec<Word>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub start: f64,
    pub end: f64,
    pub word: String,
}

impl Transcript {
    /// All words in order.
    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.segments.iter().flat_map(|s| s.words.iter())
    }

    /// The segment being said at `at`: the one that holds it, else the nearest within
    /// `slack` seconds (a pause between two segments shows the closer one).
    pub fn segment_at(&self, at: f64, slack: f64) -> Option<&Segment> {
        let gap = |s: &Segment| (s.start - at).max(at - s.end).max(0.0);
        self.segments
            .iter()
            .filter(|s| gap(s) <= slack)
            .min_by(|a, b| gap(a).total_cmp(&gap(b)))
    }

    /// Where sentences start and end (seconds, in order): after a word that ends one (`.`,
    /// `?`, `!`, `…`, also before a closing quote or bracket), or across a pause of
    /// [`SENTENCE_PAUSE_SECS`] or more; and at the first and last word. Whisper's segments
    /// are not sentences (one often holds a sentence's tail and the next one's head), so
    /// their bounds count only where one of these holds.
    pub fn sentence_bounds(&self) -> (Vec<f64>, Vec<f64>) {
        let words: Vec<&Word> = self.words().collect();
        let (mut starts, mut ends) = (Vec::new(), Vec::new());
        for (i, w) in words.iter().enumerate() {
            let breaks_after = |a: &Word, b: &Word| {
                ends_sentence(&a.word) || b.start - a.end >= SENTENCE_PAUSE_SECS
            };
            if i == 0 || breaks_after(words[i - 1], w) {
                starts.push(w.start);
            }
            if words.get(i + 1).is_none_or(|next| breaks_after(w, next)) {
                ends.push(w.end);
            }
        }
        starts.sort_by(f64::total_cmp);
        ends.sort_by(f64::total_cmp);
        (starts, ends)
    }

    /// The whole text, segments joined by spaces.
    pub fn text(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.text.trim())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A pause this long between two words ends a sentence, punctuated or not.
pub const SENTENCE_PAUSE_SECS: f64 = 0.6;

/// Whether `word` (as whisper writes it, punctuation attached) ends a sentence.
fn ends_sentence(word: &str) -> bool {
    let bare = word.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
    bare.ends_with(['.', '?', '!', '…'])
}

/// Lower case, letters/digits/apostrophes only, for comparing texts.
pub fn normalise_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word error rate of `hypothesis` against `reference` (Levenshtein over normalised words).
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let r = normalise_words(reference);
    let h = normalise_words(hypothesis);
    if r.is_empty() {
        return if h.is_empty() { 0.0 } else { 1.0 };
    }
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            let sub = prev[j] + usize::from(rw != hw);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len() as f64
}

/// True for what whisper writes where nobody speaks: `[BLANK_AUDIO]`, `[Music]`,
/// `(upbeat music)`, `*laughs*`, `♪` — annotations, never words to caption or to score.
pub fn is_non_speech(text: &str) -> bool {
    let t = text.trim();
    // One bracketed note from end to end (not `(a) and (b)`); the brackets are ASCII, so the
    // slice inside them is on character boundaries.
    let wrapped = |open: char, close: char| {
        t.len() > 1
            && t.starts_with(open)
            && t.ends_with(close)
            && !t[1..t.len() - 1].contains([open, close])
    };
    t.is_empty()
        || t.chars().all(|c| c == '♪' || c == '♫' || c.is_whitespace())
        || wrapped('[', ']')
        || wrapped('(', ')')
        || wrapped('*', '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wer() {
        assert_eq!(word_error_rate("Ask not, what!", "ask not what"), 0.0);
        assert!((word_error_rate("a b c d", "a x c") - 0.5).abs() < 1e-9);
        assert_eq!(normalise_words("Don't STOP."), vec!["don't", "stop"]);
    }

    #[test]
    fn sentences_end_at_their_punctuation_or_a_pause_not_at_segment_bounds() {
        let w = |start: f64, word: &str| Word {
            start,
            end: start + 0.4,
            word: word.into(),
        };
        let t = Transcript {
            segments: vec![
                Segment {
                    start: 10.0,
                    end: 13.0,
                    text: "losing data. And then we spent".into(),
                    words: vec![
                        w(10.0, "losing"),
                        w(10.5, "data."),
                        w(11.0, "And"),
                        w(11.5, "then?"),
                        w(12.0, "we"),
                        w(12.5, "spent"),
                    ],
                },
                // Whisper's next segment goes on with the same sentence.
                Segment {
                    start: 13.0,
                    end: 16.0,
                    text: "a summer. \"We did it!\" Mr Smith".into(),
                    words: vec![
                        w(13.0, "a"),
                        w(13.5, "summer."),
                        w(14.0, "\"We"),
                        w(14.5, "did"),
                        w(15.0, "it!\""),
                        w(15.5, "Mr"),
                        // After a pause: a new sentence, unpunctuated.
                        w(17.0, "Smith"),
                    ],
                },
            ],
            ..Transcript::default()
        };
        let (starts, ends) = t.sentence_bounds();
        assert_eq!(starts, vec![10.0, 11.0, 12.0, 14.0, 15.5, 17.0]);
        let ends: Vec<f64> = ends.iter().map(|e| (e * 10.0).round() / 10.0).collect();
        assert_eq!(ends, vec![10.9, 11.9, 13.9, 15.4, 15.9, 17.4]);
    }

    #[test]
    fn the_segment_at_a_time_is_the_one_holding_it_else_the_nearest() {
        let seg = |start: f64, end: f64, text: &str| Segment {
            start,
            end,
            text: text.into(),
            words: Vec::new(),
        };
        let t = Transcript {
            segments: vec![seg(20.0, 26.8, "first"), seg(27.0, 30.0, "second")],
            ..Transcript::default()
        };
        let text = |at: f64| t.segment_at(at, 0.3).map(|s| s.text.as_str());
        // Within the first's slack, but inside the second: the second.
        assert_eq!(text(27.0), Some("second"));
        assert_eq!(text(26.85), Some("first"), "closer to the first");
        assert_eq!(text(26.95), Some("second"));
        assert_eq!(text(30.2), Some("second"));
        assert_eq!(text(31.0), None);
        assert_eq!(text(19.0), None);
    }

    #[test]
    fn whispers_annotations_are_not_speech() {
        for t in [
            "[BLANK_AUDIO]",
            " [Music] ",
            "(upbeat music)",
            "*laughs*",
            "♪ ♪",
            "",
        ] {
            assert!(super::is_non_speech(t), "{t:?}");
        }
        for t in ["Hello.", "[sic] he said", "(a) and (b)", "*", "I (think)"] {
            assert!(!super::is_non_speech(t), "{t:?}");
        }
    }
}
