//! Integration tests: the real `huizong` binary run on fixture files, one module per subcommand
//! (like xsv), compiled into one test binary.

mod as_of;
mod check;
mod compare;
mod fuzz;
mod help;
mod hostile;
mod inputs;
mod limits;
mod properties;
mod reports;
mod run;
mod samples;
mod schemas;
mod seeds;
mod senders;
mod template;
mod tongbao;
mod workdir;
