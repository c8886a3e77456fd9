//! leakls: finds goroutine leaks in Go code, fixes them, and maps goroutine dumps
//! from running services onto the source lines where goroutines pile up.
//!
//! Two cores of plain data, [`analysis`] (static rules) and [`runtime`] (goroutine
//! dumps), sit under a thin LSP adapter in [`server`]; the CLI lives in [`cli`].

pub mod analysis;
pub mod cli;
pub mod runtime;
pub mod semantic;
pub mod server;
pub mod syntax;
