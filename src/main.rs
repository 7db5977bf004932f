//! The `huizong` binary: parse the command line, run the subcommand, map the outcome to an exit
//! code (0 clean, 1 problems found or a failure, 2 usage or schema error).

use huizong::Cli;

// mimalloc: a run allocates and frees millions of small cells across threads; glibc's per-thread
// arenas kept that memory (peak RSS) and spent a tenth of the run in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse_or_exit();
    huizong::install_panic_hook();
    let code = match huizong::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("huizong: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
