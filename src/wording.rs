//! Wording shared by the CLI and the window: counted nouns ("1 clip", "3 clips").

/// `n` and the noun, plural unless `n` is 1: `count(1, "clip")` is "1 clip", `count(0,
/// "scene cut")` "0 scene cuts". For the regular nouns the fronts count (clip, scene cut,
/// segment, word).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "clip"), "1 clip");
        assert_eq!(count(0, "clip"), "0 clips");
        assert_eq!(count(2, "scene cut"), "2 scene cuts");
    }
}
