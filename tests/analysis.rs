//! Tests of the analysis engine and CLI.
