//! The `slopcannon` binary: parses arguments and hands over to the CLI or the GUI.

fn main() -> std::process::ExitCode {
    slopcannon::malloc::return_big_blocks();
    slopcannon::cli::main()
}
