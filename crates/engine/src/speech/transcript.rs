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
