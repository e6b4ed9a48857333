//! Custom widgets.

pub mod time_axis;
pub mod timeline;
