//! Tests of the export engine and CLI.
