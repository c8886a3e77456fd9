//! What the package-wide rules share when they turn the semantic model's
//! answers into findings: the operations on a channel by kind, and related
//! locations that may point into the package's other files.

use std::ops::Range;

use super::finding::Related;
use super::rules::FileContext;
use crate::semantic::{FuncRef, Op, OpKind, OpRef, Package, Place, ReceiveForm};

/// A related location at `(file, range)` of the model: in the analysed file,
/// or in another file of the package by its path.
pub fn related_in(
    cx: &FileContext,
    pkg: &Package,
    at: Option<(u32, Range<usize>)>,
    message: impl Into<String>,
) -> Option<Related> {
    let (file, range) = at?;
    let path = if file == cx.model_file() {
        None
    } else {
        let other = pkg.files.get(file as usize)?;
        // Without a path of its own the analysed file cannot name its siblings.
        cx.path?;
        Some(other.path.to_path_buf())
    };
    Some(Related { path, range, message: message.into() })
}

/// How a function is named in messages: `(*Hub).run`'s `Hub.run`, `fanOut`,
/// or the function literal in `fanOut`.
pub fn describe(pkg: &Package, f: FuncRef) -> String {
    let function = pkg.function(f);
    match (&function.name, &function.receiver_type, function.parent) {
        (Some(n), Some(t), _) => format!("`{t}.{n}`"),
        (Some(n), None, _) => format!("`{n}`"),
        (None, _, Some(p)) => format!("the function literal in {}", describe(pkg, FuncRef { file: f.file, func: p })),
        _ => "a function".into(),
    }
}

/// The operations of the package on one channel, by kind (calls into the
/// package's functions followed).
#[derive(Debug, Default)]
pub struct ChannelOps {
    pub sends: Vec<OpRef>,
    /// Receives in every form, `range` included.
    pub receives: Vec<OpRef>,
    pub closes: Vec<OpRef>,
    pub escapes: bool,
}

pub fn channel_ops(pkg: &Package, place: &Place) -> ChannelOps {
    let uses = pkg.uses(place);
    let mut ops = ChannelOps { escapes: uses.escapes, ..ChannelOps::default() };
    for r in uses.ops {
        match pkg.op(r).kind {
            OpKind::Send { .. } => ops.sends.push(r),
            OpKind::Receive { .. } | OpKind::Range => ops.receives.push(r),
            OpKind::Close => ops.closes.push(r),
            _ => {}
        }
    }
    ops
}

/// The struct-field channels of the package with an operation in the analysed
/// file, with their operations.
pub fn field_channels<'p>(cx: &FileContext, pkg: &'p Package) -> Vec<(&'p Place, ChannelOps)> {
    pkg.places_touching(cx.model_file())
        .iter()
        .filter(|p| matches!(p, Place::Field { .. }))
        .filter(|p| pkg.place_type(p).is_some_and(|t| t.is_chan()))
        .map(|p| (p, channel_ops(pkg, p)))
        .collect()
}

/// Whether an operation waits with no other way out: a send or receive
/// outside a `select`, or a `range`.
pub fn blocks(op: &Op) -> bool {
    matches!(
        op.kind,
        OpKind::Send { select: None }
            | OpKind::Receive { form: ReceiveForm::Plain | ReceiveForm::CommaOk }
            | OpKind::Range
    )
}

/// How a place is named in messages: `Hub.quit`, `ctx.Done()`, `jobs`.
pub fn describe_place(pkg: &Package, place: &Place) -> String {
    match place {
        Place::Local { file, local } => {
            let f = FuncRef { file: *file, func: local.func.func };
            pkg.function(f).locals.get(local.local as usize).map(|l| l.name.clone()).unwrap_or_default()
        }
        Place::Field { owner, name } => format!("{owner}.{name}"),
        Place::Global(name) => name.clone(),
        Place::TimerChannel(inner) => format!("{}.C", describe_place(pkg, inner)),
        Place::Done(inner) => format!("{}.Done()", describe_place(pkg, inner)),
    }
}
