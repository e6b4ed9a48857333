//! Snapping a dragged clip edge onto what is nearby: scene cuts, pauses and word bounds.

/// The target nearest to `t` within `tolerance` seconds, if any.
pub fn snap(t: f64, targets: impl IntoIterator<Item = f64>, tolerance: f64) -> Option<f64> {
    targets
        .into_iter()
        .filter(|x| (x - t).abs() <= tolerance)
        .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))
}

#[cfg(test)]
mod tests {
    use super::snap;

    #[test]
    fn the_nearest_target_within_the_tolerance_wins() {
        assert_eq!(snap(10.0, [9.0, 10.2, 10.1, 30.0], 0.3), Some(10.1));
        assert_eq!(snap(10.0, [9.0, 11.0], 0.3), None);
        assert_eq!(snap(10.0, [], 0.3), None);
        assert_eq!(snap(10.0, [9.8], 0.2), Some(9.8));
    }
}
