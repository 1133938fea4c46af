//! The `tvcheck` binary: parses the command line and maps the outcome to an exit status.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main(std::env::args_os())
}
