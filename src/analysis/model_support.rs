//! What the package-wide rules share when they turn the semantic model's
//! answers into findings: the operations on a channel by kind, and related
//! locations that may point into the package's other files.

use std::ops::Range;

use super::finding::{Applicability, Fix, Related, TextEdit};
use super::go::{self, NodeKind};
use super::rules::FileContext;
use crate::semantic::{CallRef, FuncRef, Local, LocalRef, Op, OpKind, OpRef, Package, Place, ReceiveForm};

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
    /// See [`crate::semantic::Uses::escapes_otherwise`].
    pub escapes_otherwise: bool,
}

pub fn channel_ops(pkg: &Package, place: &Place) -> ChannelOps {
    let uses = pkg.uses(place);
    let mut ops =
        ChannelOps { escapes: uses.escapes, escapes_otherwise: uses.escapes_otherwise, ..ChannelOps::default() };
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

/// The node of the analysed file that spans exactly `range` and is of `kind`
/// (the model keeps ranges; a rule that edits or reads the syntax around an
/// operation finds its node again).
pub fn node_at<'t>(cx: &FileContext<'t>, range: &Range<usize>, kind: &str) -> Option<tree_sitter::Node<'t>> {
    let inner = cx.tree.root_node().descendant_for_byte_range(range.start, range.end)?;
    std::iter::successors(Some(inner), |n| n.parent())
        .take_while(|n| n.byte_range().contains(&range.start) && n.end_byte() <= range.end)
        .find(|n| n.byte_range() == *range && n.kind_name() == kind)
}

/// The local of function `func` (in the analysed file) declared by the
/// identifier at `range`.
pub fn local_declared_at(cx: &FileContext, pkg: &Package, func: u32, range: &Range<usize>) -> Option<Place> {
    let file = cx.model_file();
    let function = pkg.function(FuncRef { file, func });
    let local = function.locals.iter().position(|l| l.range == *range)? as u32;
    Some(Place::Local { file, local: LocalRef { func: FuncRef { file: 0, func }, local } })
}

/// The local at a place, when it is one.
pub fn local_of<'p>(pkg: &'p Package, place: &Place) -> Option<&'p Local> {
    let Place::Local { file, local } = place else { return None };
    pkg.function(FuncRef { file: *file, func: local.func.func }).locals.get(local.local as usize)
}

/// The safe fix that gives a local channel declared in the analysed file as
/// `ch := make(chan T)` (or `var ch = make(chan T)`) a buffer of one, so that
/// its single send completes without a receiver.
pub fn buffer_of_one(cx: &FileContext, pkg: &Package, place: &Place) -> Option<Fix> {
    set_capacity(cx, pkg, place, 1)
}

/// The safe fix that makes the channel of a local declared in the analysed
/// file as `ch := make(chan T[, n])` (or with `var`) hold `capacity` values,
/// so that that many sends complete without a receiver.
pub fn set_capacity(cx: &FileContext, pkg: &Package, place: &Place, capacity: u64) -> Option<Fix> {
    let Place::Local { file, .. } = place else { return None };
    if *file != cx.model_file() {
        return None;
    }
    let local = local_of(pkg, place)?;
    let name = node_at(cx, &local.range, "identifier")?;
    let names = name.parent()?;
    let (left, right) = match names.kind_name() {
        "expression_list" => {
            let stmt = names.parent().filter(|s| s.kind_name() == "short_var_declaration")?;
            (go::named_children(names), stmt.child_by_field_name("right")?)
        }
        "var_spec" => {
            let mut cursor = names.walk();
            (names.children_by_field_name("name", &mut cursor).collect(), names.child_by_field_name("value")?)
        }
        _ => return None,
    };
    let index = left.iter().position(|n| *n == name)?;
    let values = if right.kind_name() == "expression_list" { go::named_children(right) } else { vec![right] };
    let make = go::unparen(*values.get(index).filter(|_| values.len() == left.len())?);
    let args = make.child_by_field_name("arguments")?;
    if make.kind_name() != "call_expression" || !go::is_ident(make.child_by_field_name("function")?, cx.source, "make")
    {
        return None;
    }
    let edit = match go::call_args(make).as_slice() {
        [_] => TextEdit::insert(args.end_byte() - 1, format!(", {capacity}")),
        [_, n] if n.kind_name() == "int_literal" => TextEdit::replace(n.byte_range(), capacity.to_string()),
        _ => return None,
    };
    let title = match capacity {
        1 => format!("Buffer `{}` for its one send", local.name),
        n => format!("Buffer `{}` for its {n} sends", local.name),
    };
    Some(Fix { title, edits: vec![edit], applicability: Applicability::Safe })
}

/// The goroutine starts (`go`, `g.Go(func...)`) written in `owner` that run
/// the operation: they start the operation's function, or a function literal
/// the operation is nested in. Empty for operations of `owner`'s own
/// goroutine and of functions it only calls.
pub fn started_by(pkg: &Package, owner: FuncRef, op: OpRef) -> Vec<CallRef> {
    let file = &pkg.files[owner.file as usize];
    let starts: Vec<(CallRef, FuncRef)> = (0..file.calls.len() as u32)
        .map(|call| CallRef { file: owner.file, call })
        .filter(|r| pkg.call(*r).func == owner.func)
        .filter_map(|r| Some((r, pkg.started_function(r)?)))
        .collect();
    let mut g = pkg.op_function(op);
    loop {
        let running: Vec<CallRef> = starts.iter().filter(|(_, s)| *s == g).map(|(r, _)| *r).collect();
        if !running.is_empty() {
            return running;
        }
        match pkg.function(g).parent {
            Some(parent) if g != owner => g = FuncRef { file: g.file, func: parent },
            _ => return Vec::new(),
        }
    }
}
