//! Integration tests: the real `huizong` binary run on fixture files, one module per subcommand
//! (like xsv), compiled into one test binary.

mod check;
mod fuzz;
mod hostile;
mod inputs;
mod properties;
mod run;
mod samples;
mod schemas;
mod template;
mod workdir;
