//! The semantic model of a Go package, between the syntax and the rules.
//!
//! Built from syntax alone, without a type checker: declarations (types with
//! their fields, functions, methods by receiver type, package variables,
//! imports), syntactic types (declared, or derived from `make`, `new`,
//! composite literals, conversions and the declared results of the package's
//! functions), synchronisation objects identified by where they live (a local,
//! a parameter, a field of a type, a package variable), every operation on them,
//! and the package's calls and goroutine starts resolved to the functions they run.
//!
//! Two steps, so that files can be cached and edited one at a time:
//! [`file_facts`] turns one parsed file into plain data ([`FileFacts`]), and
//! [`Package::new`] merges the facts of a package's files and resolves what
//! depends on more than one file. An editor buffer's facts are rebuilt per
//! edit from the facts of its unchanged declarations ([`file_facts_reusing`]). Nothing here knows of rules or LSP; a fact that
//! cannot be derived is unknown (`None`), never guessed.

mod extract;
mod model;
mod package;
mod relocate;

pub use extract::{DeclarationCache, file_facts, file_facts_reusing, source_hash};
pub use model::*;
pub use package::{CallRef, Initialisations, OpRef, Package, Place, Uses, is_exported};

#[cfg(test)]
mod tests;
