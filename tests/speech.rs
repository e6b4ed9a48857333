//! Tests of the speech engine and CLI.
