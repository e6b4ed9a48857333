//! Custom widgets.

pub mod ruler;
pub mod snap;
pub mod time_axis;
pub mod timeline;
pub mod timeline_view;
pub mod word_lane;
