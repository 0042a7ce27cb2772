//! laysum's integration tests: one test binary (one link on a 2-core machine, see STYLE.md),
//! a module per concern, shared helpers in `helpers.rs`.

mod bulk;
mod cli;
mod design;
mod editor;
mod fetch;
mod flow;
mod gold;
mod groups;
mod helpers;
mod llm;
mod llm_server;
mod main_results;
mod meaning;
mod measures;
mod pages;
mod population;
mod problems;
mod rerender;
mod results;
mod review;
mod robustness;
mod roles;
mod seed;
mod server;
mod snapshots;
mod standin;
mod store;
mod store_cli;
mod sync;
mod treatments;
