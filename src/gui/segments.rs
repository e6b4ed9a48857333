//! The segment list and its edits: found clips and the person's own in one list, each with a
//! stable id, so ticks, trims and labels follow the segment through re-rankings; and the
//! undo / redo history of every edit. Pure data and functions, unit-tested without a window.

use slopcannon_engine::analysis::scoring::Clip;
use slopcannon_engine::project::Segment;

/// The shortest segment (a frame at 30 fps), below which trims and splits are refused.
pub const MIN_SECS: f64 = 1.0 / 30.0;
/// Undo steps kept.
pub const HISTORY: usize = 200;

/// The list, in export order, and the selection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Segments {
    pub items: Vec<Segment>,
    pub selected: Option<u64>,
    next_id: u64,
}

/// An edit that could not be made, worded for the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused(pub String);

impl Segments {
    /// A list from saved segments (ids kept; new ones continue after the largest).
    pub fn from_saved(items: Vec<Segment>) -> Segments {
        let next_id = slopcannon_engine::project::next_id(&items);
        Segments {
            items,
            selected: None,
            next_id,
        }
    }

    fn new_id(&mut self) -> u64 {
        self.next_id = self.next_id.max(1);
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub fn index_of(&self, id: u64) -> Option<usize> {
        self.items.iter().position(|s| s.id == id)
    }

    pub fn get(&self, id: u64) -> Option<&Segment> {
        self.items.iter().find(|s| s.id == id)
    }

    pub fn selected(&self) -> Option<&Segment> {
        self.selected.and_then(|id| self.get(id))
    }

    pub fn selected_index(&self) -> Option<usize> {
        self.selected.and_then(|id| self.index_of(id))
    }

    pub fn edited(&self) -> usize {
        self.items.iter().filter(|s| s.edited).count()
    }

    pub fn chosen(&self) -> impl Iterator<Item = &Segment> {
        self.items.iter().filter(|s| s.chosen)
    }

    /// A new ranking of found clips: the segments the person edited (or made) stay as they
    /// are, found clips that overlap one of them are left out, the untouched found ones are
    /// replaced. Returns how many edited segments were kept.
    pub fn merge_ranking(&mut self, clips: &[Clip]) -> usize {
        let mut next = self.next_id.max(1);
        let (items, kept) = slopcannon_engine::project::merge_ranking(&self.items, clips, || {
            next += 1;
            next - 1
        });
        self.next_id = next;
        self.items = items;
        if self.selected.is_some_and(|id| self.index_of(id).is_none()) {
            self.selected = None;
        }
        kept
    }

    /// Replaces everything with a ranking (a new run the person confirmed).
    pub fn replace_with_ranking(&mut self, clips: &[Clip]) {
        self.items.clear();
        self.selected = None;
        self.merge_ranking(clips);
    }

    fn edit(&mut self, id: u64, f: impl FnOnce(&mut Segment)) -> Result<(), Refused> {
        let seg = self
            .items
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| Refused("That segment is gone".into()))?;
        f(seg);
        seg.edited = true;
        Ok(())
    }

    /// New bounds (clamped to the video); refused when it would end before it starts.
    pub fn trim(&mut self, id: u64, start: f64, end: f64, duration: f64) -> Result<(), Refused> {
        let (start, end) = (start.clamp(0.0, duration), end.clamp(0.0, duration));
        if end - start < MIN_SECS {
            return Err(Refused("A segment must end after it starts".into()));
        }
        self.edit(id, |s| {
            s.start = start;
            s.end = end;
        })
    }

    pub fn toggle_chosen(&mut self, id: u64) -> Result<(), Refused> {
        self.edit(id, |s| s.chosen = !s.chosen)
    }

    /// The label as typed (a trailing space is the next word's; the field trims the label
    /// when it is left, and every use of a label trims it).
    pub fn set_label(&mut self, id: u64, label: &str) -> Result<(), Refused> {
        self.edit(id, |s| s.label = label.to_string())
    }

    /// A segment of the person's own, after the selected one (or at the end); selected.
    pub fn add(&mut self, start: f64, end: f64, duration: f64) -> Result<u64, Refused> {
        let (start, end) = (start.clamp(0.0, duration), end.clamp(0.0, duration));
        if end - start < MIN_SECS {
            return Err(Refused(
                "Nothing to add: mark an in point before the out point".into(),
            ));
        }
        let id = self.new_id();
        let seg = Segment {
            id,
            start,
            end,
            chosen: true,
            edited: true,
            own: true,
            ..Segment::default()
        };
        let at = self.selected_index().map_or(self.items.len(), |i| i + 1);
        self.items.insert(at, seg);
        self.selected = Some(id);
        Ok(id)
    }

    /// Splits segment `id` at `t` into two (the second gets a new id and is selected).
    pub fn split(&mut self, id: u64, t: f64) -> Result<u64, Refused> {
        let i = self
            .index_of(id)
            .ok_or_else(|| Refused("Select a segment to split".into()))?;
        let seg = self.items[i].clone();
        if t - seg.start < MIN_SECS || seg.end - t < MIN_SECS {
            return Err(Refused(
                "Put the playhead inside the segment to split it".into(),
            ));
        }
        let second_id = self.new_id();
        let mut second = seg.clone();
        second.id = second_id;
        second.start = t;
        second.edited = true;
        self.items[i].end = t;
        self.items[i].edited = true;
        self.items.insert(i + 1, second);
        self.selected = Some(second_id);
        Ok(second_id)
    }

    /// Deletes segment `id`; the next one (or the one before) becomes selected.
    pub fn delete(&mut self, id: u64) -> Result<(), Refused> {
        let i = self
            .index_of(id)
            .ok_or_else(|| Refused("Select a segment to delete".into()))?;
        self.items.remove(i);
        self.selected = self
            .items
            .get(i)
            .or_else(|| i.checked_sub(1).and_then(|j| self.items.get(j)))
            .map(|s| s.id);
        Ok(())
    }

    /// A copy right after it (new id, selected).
    pub fn duplicate(&mut self, id: u64) -> Result<u64, Refused> {
        let i = self
            .index_of(id)
            .ok_or_else(|| Refused("Select a segment to duplicate".into()))?;
        let new = self.new_id();
        let mut copy = self.items[i].clone();
        copy.id = new;
        copy.edited = true;
        copy.own = true;
        self.items.insert(i + 1, copy);
        self.selected = Some(new);
        Ok(new)
    }

    /// Moves segment `id` one place earlier (`up`) or later in the export order.
    pub fn shift(&mut self, id: u64, up: bool) -> Result<(), Refused> {
        let i = self
            .index_of(id)
            .ok_or_else(|| Refused("Select a segment to move".into()))?;
        let j = if up { i.checked_sub(1) } else { Some(i + 1) }
            .filter(|j| *j < self.items.len())
            .ok_or_else(|| Refused("It is already at the end of the list".into()))?;
        self.items.swap(i, j);
        self.items[j].edited = true;
        Ok(())
    }
}

/// Trims of one segment closer together than this are one undo step (a drag).
const COALESCE_SECS: f64 = 0.5;

/// Undo and redo: each entry is the list before an edit and what the edit was called.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<(String, Segments)>,
    redo: Vec<(String, Segments)>,
    /// The last edit's coalescing key and when it was made.
    last: Option<(u64, std::time::Instant)>,
}

impl History {
    /// Records `before` (the list before an edit named `what`); clears the redo steps.
    pub fn record(&mut self, what: &str, before: Segments) {
        self.last = None;
        self.push(what, before);
    }

    /// Like [`History::record`], but an edit with the same `key` right after the last one
    /// (the frames of one drag) joins it: one undo step goes back to before the drag.
    pub fn record_coalescing(&mut self, what: &str, before: Segments, key: u64) {
        let now = std::time::Instant::now();
        let joins = self.last.is_some_and(|(k, at)| {
            k == key && now.duration_since(at).as_secs_f64() < COALESCE_SECS
        }) && !self.undo.is_empty();
        self.last = Some((key, now));
        if joins {
            self.redo.clear();
        } else {
            self.push(what, before);
        }
    }

    fn push(&mut self, what: &str, before: Segments) {
        self.undo.push((what.to_string(), before));
        if self.undo.len() > HISTORY {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// What Undo would undo, and Redo redo (for the Edit menu).
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|(w, _)| w.as_str())
    }
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|(w, _)| w.as_str())
    }

    /// Undoes the last edit: returns the list to go back to (`now` goes on the redo stack).
    pub fn undo(&mut self, now: Segments) -> Option<(String, Segments)> {
        self.last = None;
        let (what, before) = self.undo.pop()?;
        self.redo.push((what.clone(), now));
        Some((what, before))
    }

    pub fn redo(&mut self, now: Segments) -> Option<(String, Segments)> {
        self.last = None;
        let (what, after) = self.redo.pop()?;
        self.undo.push((what.clone(), now));
        Some((what, after))
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(start: f64, end: f64, score: f64) -> Clip {
        Clip {
            start,
            end,
            score,
            reasons: Vec::new(),
            features: Default::default(),
            filler: false,
        }
    }

    #[test]
    fn a_new_ranking_keeps_what_the_person_touched() {
        let mut s = Segments::default();
        s.merge_ranking(&[
            clip(0.0, 10.0, 90.0),
            clip(20.0, 30.0, 80.0),
            clip(40.0, 50.0, 70.0),
        ]);
        let ids: Vec<u64> = s.items.iter().map(|x| x.id).collect();
        // Untick #3 and trim #2 during the quick pass.
        s.toggle_chosen(ids[2]).expect("untick");
        s.trim(ids[1], 21.0, 29.0, 100.0).expect("trim");
        // The full pass ranks differently: a clip over the trimmed one, and new ones.
        let kept = s.merge_ranking(&[
            clip(22.0, 32.0, 95.0),
            clip(60.0, 70.0, 85.0),
            clip(0.0, 10.0, 60.0),
        ]);
        assert_eq!(kept, 2);
        let by_id = |id| s.get(id).cloned().expect("kept");
        assert!(!by_id(ids[2]).chosen, "the untick stays with its segment");
        assert_eq!(
            (by_id(ids[1]).start, by_id(ids[1]).end),
            (21.0, 29.0),
            "the trim stays"
        );
        // The clip over the trimmed segment is left out; the same span keeps its id.
        assert!(!s.items.iter().any(|x| x.start == 22.0));
        assert_eq!(
            s.items.iter().find(|x| x.start == 0.0).map(|x| x.id),
            Some(ids[0])
        );
        assert!(s
            .items
            .iter()
            .any(|x| x.start == 60.0 && x.chosen && !x.edited));
    }

    #[test]
    fn add_split_delete_duplicate_label_move() {
        let mut s = Segments::default();
        let a = s.add(10.0, 20.0, 100.0).expect("add");
        assert!(s.add(5.0, 5.0, 100.0).is_err(), "empty");
        let b = s.split(a, 14.0).expect("split");
        assert_eq!(
            s.items.iter().map(|x| (x.start, x.end)).collect::<Vec<_>>(),
            [(10.0, 14.0), (14.0, 20.0)]
        );
        assert_eq!(s.selected, Some(b));
        assert!(s.split(b, 14.0).is_err(), "at an edge");
        let c = s.duplicate(b).expect("dup");
        assert_eq!(s.items.len(), 3);
        assert_ne!(c, b);
        s.set_label(c, "the punchline ").expect("label");
        assert_eq!(s.get(c).map(|x| x.label.as_str()), Some("the punchline "));
        s.shift(c, true).expect("up");
        assert_eq!(s.items[1].id, c);
        assert!(s.shift(a, true).is_err(), "already first");
        s.delete(c).expect("delete");
        assert_eq!(s.selected, Some(b), "the next one is selected");
        assert!(s.trim(b, 18.0, 17.0, 100.0).is_err());
        s.trim(b, -5.0, 500.0, 100.0).expect("clamped");
        assert_eq!(
            (s.get(b).map(|x| x.start), s.get(b).map(|x| x.end)),
            (Some(0.0), Some(100.0))
        );
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let mut s = Segments::default();
        let mut h = History::default();
        for i in 0..150 {
            let before = s.clone();
            s.add(f64::from(i), f64::from(i) + 0.5, 1000.0)
                .expect("add");
            h.record("Add segment", before);
        }
        assert_eq!(s.items.len(), 150);
        assert_eq!(h.undo_label(), Some("Add segment"));
        // At least 100 steps back.
        for _ in 0..100 {
            let (_, before) = h.undo(s.clone()).expect("undo");
            s = before;
        }
        assert_eq!(s.items.len(), 50);
        let (what, after) = h.redo(s.clone()).expect("redo");
        assert_eq!(what, "Add segment");
        s = after;
        assert_eq!(s.items.len(), 51);
        // A new edit clears what could be redone.
        let before = s.clone();
        s.delete(s.items[0].id).expect("delete");
        h.record("Delete segment", before);
        assert!(h.redo_label().is_none());
        assert_eq!(h.undo_label(), Some("Delete segment"));
        // The frames of one drag are one step.
        let id = s.items[0].id;
        let before_drag = s.clone();
        for i in 0..30 {
            let before = s.clone();
            s.trim(id, 1.0 + f64::from(i) * 0.01, 1.6, 1000.0)
                .expect("trim");
            h.record_coalescing("Trim segment", before, id);
        }
        let (_, back) = h.undo(s.clone()).expect("undo the drag");
        assert_eq!(back, before_drag);
    }
}
