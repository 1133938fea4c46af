//! The `tvcheck` binary: parses the command line and maps the outcome to an exit status.

mod cli;

/// mimalloc: the reader thread allocates each record's strings and the evaluating thread frees
/// them; glibc's per-thread arenas make that hand-over slow (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main(std::env::args_os())
}
