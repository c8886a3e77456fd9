//! Goroutine dumps from running Go programs: reading every format the runtime
//! prints, grouping goroutines by where they wait, following groups across
//! snapshots, and mapping them onto workspace source lines.
//!
//! Plain data only; nothing here knows about LSP. The flow is
//!
//! 1. [`load`] reads one input (file, bytes or a live URL through [`fetch`]) into a
//!    [`Source`]: a traceback text ([`text`]), a `debug=1` count profile
//!    ([`counted`]) or a `debug=0` protobuf ([`proto`]), gzipped or not.
//! 2. [`Snapshot::merge`] combines sources taken together (say `debug=2`, `debug=1`
//!    and the `goroutineleak` profile) into one list of [`Group`]s.
//! 3. [`Series`] lines snapshots up in time order and gives each group a
//!    [`Verdict`] (growing, spike, steady pool, ...).
//! 4. [`Workspace`] maps frames to files under the workspace roots and
//!    [`Annotator`] turns a series into per-line [`LineAnnotation`]s for a file.

pub mod annotate;
pub mod classify;
pub mod counted;
pub mod fetch;
mod gostr;
pub mod group;
mod input;
pub mod load;
pub mod mapping;
mod merge;
pub mod name;
pub mod proto;
mod sample;
pub mod series;
pub mod state;
pub mod text;

pub use annotate::{Annotator, CreatorAnnotation, FileAnnotations, FunctionTotal, LineAnnotation};
pub use classify::{FrameClass, FrameClassifier, Verb};
pub use fetch::{FetchError, FetchOptions, fetch};
pub use group::{CreatorSite, Elision, Frame, Group, LabelFacet, Minutes, Snapshot, SourceInfo};
pub use input::Limits;
pub use load::{Format, LoadError, Profile, Source, load_bytes, load_path, load_reader};
pub use mapping::Workspace;
pub use name::Name;
pub use series::{Series, Track, Verdict, thousands};
pub use state::State;
