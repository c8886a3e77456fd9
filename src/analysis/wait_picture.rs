//! The static picture of what goroutines at a runtime hot spot wait on.
//!
//! A goroutine dump says "240 goroutines blocked at pool.go:31 [chan receive]";
//! the semantic model knows what that line waits on and who else touches it.
//! [`WaitPictures`] joins the two for one workspace line: the object (`jobs`,
//! `Pool.jobs`, `ctx.Done()`, `wg`), where it is made, every partner operation
//! of the package (who sends, receives, closes, cancels, calls `Done`) and what
//! each partner can stop on first (the other case of its `select`, its loop's
//! exits, an early return), and the partner that is missing altogether (no
//! `close`, no `cancel()` call). Plain data with file paths and 1-based lines;
//! the CLI prints it and the LSP layer turns it into related locations.
//!
//! It lives beside the rules rather than in `runtime/`, which knows nothing of
//! the model; it only reads the model, as the package-wide rules do. When the
//! line holds nothing the model can describe, the answer is the reason, never a
//! guess.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::model_support::{channel_ops, describe, describe_place};
use crate::semantic::{
    Callee, Capacity, FuncRef, Op, OpKind, OpRef, Package, Place, ReceiveForm, SelectCase, SyncKind, Value, source_hash,
};

/// A place in the package's source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub file: PathBuf,
    /// 1-based.
    pub line: u32,
    /// Byte range in the file's text.
    #[serde(skip)]
    pub range: Range<usize>,
}

/// What one line waits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitPicture {
    /// The line waits in a `select` on all of `objects` at once.
    pub select: bool,
    pub objects: Vec<WaitedObject>,
}

/// How the waiting goroutine uses the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    Receive,
    Send,
    Range,
    Wait,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitedObject {
    pub waiting: Waiting,
    /// As the code names it: `jobs`, `Pool.jobs`, `ctx.Done()`, `t.C`, `wg`.
    pub name: String,
    /// `channel`, `context`, `ticker`, `timer`, `WaitGroup`.
    pub kind: String,
    /// Where it is made or comes from, with how (`made unbuffered`,
    /// `context.WithCancel`, `context.Background()`).
    pub made: Vec<Made>,
    pub partners: Vec<Partner>,
    /// Partners the wait needs that the package does not have.
    pub missing: Vec<String>,
    /// Other facts that bear on the wait (it escapes the model's view, a
    /// timeout ends it).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Made {
    pub how: String,
    pub at: Option<Site>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partner {
    /// What it does to the object: `sends on`, `receives from`, `closes`,
    /// `cancels`, `calls Done on`, `adds to`, `starts a goroutine with`, `stops`.
    pub does: String,
    pub at: Site,
    /// The function it is written in: `Pool.Submit`, `the function literal in flush`.
    pub function: String,
    /// Runs in a `defer`.
    pub deferred: bool,
    /// What it can stop on (or return at) before it gets here: then the waiting
    /// goroutine is left behind.
    pub stops_first: Vec<Exit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exit {
    /// `returns on case <-time.After(q.timeout):`, `leaves its loop at return`, `returns first at return err`.
    pub what: String,
    pub at: Site,
}

/// Builds the pictures of lines of one package, reading each file's text once.
pub struct WaitPictures<'p> {
    pkg: &'p Package,
    texts: &'p dyn Fn(&Path) -> Option<String>,
    /// Per file, its text and the byte offsets its lines start at (None: not the
    /// text the model read).
    lines: HashMap<u32, Option<(String, Vec<usize>)>>,
}

impl<'p> WaitPictures<'p> {
    /// `texts` gives a file's current text (an editor buffer, or the disk):
    /// lines are counted in it only when it is the text the model was built from.
    pub fn new(pkg: &'p Package, texts: &'p dyn Fn(&Path) -> Option<String>) -> Self {
        WaitPictures { pkg, texts, lines: HashMap::new() }
    }

    /// The picture for `line` (1-based) of the package's file `file`, or why
    /// there is none.
    pub fn at(&mut self, file: u32, line: u32) -> Result<WaitPicture, String> {
        let path = self.pkg.files.get(file as usize).map(|f| f.path.clone()).ok_or("the file is not in its package")?;
        let span = self
            .line_span(file, line)
            .ok_or_else(|| format!("{} changed since it was read: its line {line} is not known", path.display()))?;
        if self.pkg.truncated {
            return Err("a file of the package nests too deeply to read whole: its partners are not known".into());
        }
        self.at_line(file, line, span)
    }
}

/// A partner operation and how it relates to the wait.
struct Role {
    does: &'static str,
    op: OpRef,
}

/// `wg.Add` prepares a wait rather than ends it: what it could stop on first
/// does not matter.
const ADDS: &str = "adds to";

impl WaitPictures<'_> {
    fn text(&mut self, file: u32) -> Option<&(String, Vec<usize>)> {
        let pkg = self.pkg;
        let texts = self.texts;
        self.lines
            .entry(file)
            .or_insert_with(|| {
                let facts = pkg.files.get(file as usize)?;
                let text = texts(&facts.path).filter(|t| source_hash(t) == facts.source_hash)?;
                let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
                Some((text, starts))
            })
            .as_ref()
    }

    fn line_span(&mut self, file: u32, line: u32) -> Option<Range<usize>> {
        let (text, starts) = self.text(file)?;
        let start = *starts.get(line.checked_sub(1)? as usize)?;
        let end = starts.get(line as usize).copied().unwrap_or(text.len());
        Some(start..end)
    }

    fn site(&mut self, file: u32, range: &Range<usize>) -> Option<Site> {
        let (_, starts) = self.text(file)?;
        let line = starts.partition_point(|&s| s <= range.start) as u32;
        Some(Site { file: self.pkg.files[file as usize].path.to_path_buf(), line, range: range.clone() })
    }

    /// The first line of a piece of source, for messages: `case <-time.After(d):`.
    fn snippet(&mut self, file: u32, range: &Range<usize>) -> String {
        let Some((text, _)) = self.text(file) else { return String::new() };
        let piece = text.get(range.clone()).unwrap_or_default();
        piece.lines().next().unwrap_or_default().trim().to_string()
    }

    fn at_line(&mut self, file: u32, line: u32, span: Range<usize>) -> Result<WaitPicture, String> {
        let pkg = self.pkg;
        let facts = &pkg.files[file as usize];
        // A goroutine in a select waits at the `select` keyword's line.
        if let Some(index) = facts.selects.iter().position(|s| span.contains(&s.range.start)) {
            let select = pkg.select(file, index as u32);
            let objects = (0..select.cases.len() as u32)
                .map(|case| self.case_object(file, SelectCase { select: index as u32, case }))
                .collect();
            return Ok(WaitPicture { select: true, objects });
        }
        let mut objects: Vec<(Place, WaitedObject)> = Vec::new();
        let mut unknown = Vec::new();
        for (i, op) in facts.ops.iter().enumerate() {
            if !span.contains(&op.range.start) {
                continue;
            }
            let Some(waiting) = waiting_of(op) else { continue };
            let r = OpRef { file, op: i as u32 };
            match pkg.place_of(file, &op.target).filter(|p| waits_on(pkg, p, waiting)) {
                Some(place) if objects.iter().any(|(p, _)| *p == place) => {}
                Some(place) => {
                    let object = self.object(&place, waiting, &[r]);
                    objects.push((place, object));
                }
                None => unknown.push(self.snippet(file, &op.range)),
            }
        }
        if objects.is_empty() {
            return Err(match unknown.first() {
                Some(what) => format!("the model cannot tell what `{what}` waits on"),
                None => format!("line {line} holds no channel operation, select or Wait the model knows of"),
            });
        }
        Ok(WaitPicture { select: false, objects: objects.into_iter().map(|(_, o)| o).collect() })
    }

    fn case_object(&mut self, file: u32, case: SelectCase) -> WaitedObject {
        let pkg = self.pkg;
        let c = &pkg.select(file, case.select).cases[case.case as usize];
        let (waiting, value) = match (&c.receives, &c.sends) {
            (Some(v), _) => (Waiting::Receive, v),
            (None, Some(v)) => (Waiting::Send, v),
            (None, None) => (Waiting::Receive, &Value::Unknown),
        };
        let own: Vec<OpRef> = (0..pkg.files[file as usize].ops.len() as u32)
            .map(|op| OpRef { file, op })
            .filter(|r| select_case(pkg.op(*r)) == Some(case))
            .collect();
        if let Some(place) = pkg.place_of(file, value).filter(|p| waits_on(pkg, p, waiting)) {
            return self.object(&place, waiting, &own);
        }
        let header = self.snippet(file, &c.range);
        let expr = header.trim_start_matches("case").trim_end_matches(':').trim().trim_start_matches("<-").to_string();
        let mut object = WaitedObject {
            waiting,
            name: expr,
            kind: "unknown".into(),
            made: Vec::new(),
            partners: Vec::new(),
            missing: Vec::new(),
            notes: Vec::new(),
        };
        match value {
            Value::Call(callee, 0) if matches!(&**callee, Callee::Imported { package, name } if package == "time" && matches!(name.as_str(), "After" | "Tick")) =>
            {
                object.kind = "timer".into();
                object.notes.push("fires by itself when its time is up".into());
            }
            _ => object.notes.push("the model cannot tell what this case waits on".into()),
        }
        object
    }

    fn object(&mut self, place: &Place, waiting: Waiting, own: &[OpRef]) -> WaitedObject {
        let pkg = self.pkg;
        let kind = match place {
            Place::Done(_) => "context".to_string(),
            Place::TimerChannel(t) => match pkg.place_type(t) {
                Some(ty) if ty.sync_kind() == Some(SyncKind::Ticker) => "ticker".into(),
                _ => "timer".into(),
            },
            // `waits_on` let only WaitGroups and channels through.
            _ if waiting == Waiting::Wait => "WaitGroup".into(),
            _ => "channel".into(),
        };
        let mut object = WaitedObject {
            waiting,
            name: describe_place(pkg, place),
            kind,
            made: Vec::new(),
            partners: Vec::new(),
            missing: Vec::new(),
            notes: Vec::new(),
        };
        match place {
            Place::Done(ctx) => self.context(ctx, &mut object),
            Place::TimerChannel(timer) => self.timer(timer, &mut object),
            _ if waiting == Waiting::Wait => self.wait_group(place, &mut object),
            _ => self.channel(place, waiting, own, &mut object),
        }
        object
    }

    /// The places a parameter stands for: the arguments the package passes it
    /// (followed through parameters, a few calls deep); the place itself otherwise.
    fn origins(&self, place: &Place, depth: usize) -> Vec<Place> {
        if depth > 4 || !self.pkg.is_parameter(place) {
            return vec![place.clone()];
        }
        let bound = self.pkg.arguments_bound_to(place);
        if bound.is_empty() {
            return vec![place.clone()];
        }
        let mut out: Vec<Place> = bound.iter().flat_map(|p| self.origins(p, depth + 1)).collect();
        out.sort();
        out.dedup();
        out
    }

    fn channel(&mut self, place: &Place, waiting: Waiting, own: &[OpRef], object: &mut WaitedObject) {
        let pkg = self.pkg;
        let origins = self.origins(place, 0);
        let mut sends = Vec::new();
        let mut receives = Vec::new();
        let mut closes = Vec::new();
        let mut escapes = false;
        for origin in &origins {
            self.made_channel(origin, object);
            let ops = channel_ops(pkg, origin);
            escapes |= ops.escapes;
            sends.extend(ops.sends);
            receives.extend(ops.receives);
            closes.extend(ops.closes);
        }
        if origins.iter().any(|o| pkg.is_parameter(o)) {
            object.notes.push(format!("`{}` is a parameter the package never passes a channel it knows", object.name));
            escapes = true;
        }
        let name = object.name.clone();
        if !escapes && origins.iter().all(|o| pkg.initialisations(o).never()) {
            object
                .missing
                .push(format!("nothing in the package makes `{name}`: it stays nil, and nil channels block forever"));
        }
        let roles: Vec<Role> = match waiting {
            Waiting::Send => receives.into_iter().map(|op| Role { does: "receives from", op }).collect(),
            _ => {
                let mut roles: Vec<Role> = sends.iter().map(|&op| Role { does: "sends on", op }).collect();
                roles.extend(closes.iter().map(|&op| Role { does: "closes", op }));
                roles
            }
        };
        let roles: Vec<Role> = roles.into_iter().filter(|r| !own.contains(&r.op)).collect();
        if !escapes {
            match waiting {
                Waiting::Send if roles.is_empty() => {
                    object.missing.push(format!("nothing in the package receives from `{name}`"))
                }
                Waiting::Receive | Waiting::Range if sends.is_empty() && closes.is_empty() => {
                    object.missing.push(format!("nothing in the package sends on or closes `{name}`"))
                }
                Waiting::Range if closes.is_empty() => object
                    .missing
                    .push(format!("nothing in the package closes `{name}`: the range ends only when it is closed")),
                _ => {}
            }
        }
        if escapes {
            object.notes.push(format!("`{name}` is also handed where the model cannot follow: partners may be there"));
        }
        self.add_partners(roles, object);
    }

    fn made_channel(&mut self, place: &Place, object: &mut WaitedObject) {
        let pkg = self.pkg;
        let capacity_text = |c: Capacity| match c {
            Capacity::Const(0) => "made unbuffered".to_string(),
            Capacity::Const(n) => format!("made with a buffer of {n}"),
            Capacity::Unknown => "made with a buffer".to_string(),
        };
        if let Some(Value::Make(_, capacity)) = pkg.initial_value(place) {
            let at = pkg.declaration_of(place).and_then(|(f, r)| self.site(f, &r));
            object.made.push(Made { how: capacity_text(*capacity), at });
        }
        for &r in pkg.ops_at(place) {
            if let OpKind::Make { capacity } = pkg.op(r).kind {
                let at = self.site(r.file, &pkg.op(r).range);
                object.made.push(Made { how: capacity_text(capacity), at });
            }
        }
    }

    fn context(&mut self, ctx: &Place, object: &mut WaitedObject) {
        let pkg = self.pkg;
        let name = describe_place(pkg, ctx);
        let mut cancels = Vec::new();
        let mut unseen = false;
        for origin in self.context_origins(ctx, 0, object) {
            let Some(origin) = origin else {
                unseen = true;
                continue;
            };
            if let Some(Value::Call(callee, 0)) = pkg.initial_value(&origin)
                && let Callee::Imported { package, name: made_by } = &**callee
                && package == "context"
            {
                let at = pkg.declaration_of(&origin).and_then(|(f, r)| self.site(f, &r));
                if matches!(made_by.as_str(), "Background" | "TODO") {
                    object.made.push(Made { how: format!("context.{made_by}()"), at });
                    object.missing.push(format!("`{name}` is context.{made_by}(): nothing can cancel it"));
                    continue;
                }
                object.made.push(Made { how: format!("context.{made_by}"), at });
                if matches!(made_by.as_str(), "WithTimeout" | "WithDeadline") {
                    object.notes.push(format!("context.{made_by} also ends it when its time is up"));
                }
            }
            match pkg.cancel_of(&origin) {
                Some(cancel) => {
                    let uses = pkg.uses(&cancel);
                    let calls: Vec<OpRef> =
                        uses.ops.iter().copied().filter(|r| pkg.op(*r).kind == OpKind::Call).collect();
                    if calls.is_empty() && !uses.escapes {
                        let cancel_name = describe_place(pkg, &cancel);
                        object.missing.push(format!("nothing in the package calls `{cancel_name}`"));
                    }
                    unseen |= uses.escapes;
                    cancels.extend(calls.into_iter().map(|op| Role { does: "cancels", op }));
                }
                None => unseen = true,
            }
        }
        if unseen {
            object.notes.push(format!("what cancels `{name}` is outside the model's view"));
        }
        object.missing.dedup();
        self.add_partners(cancels, object);
    }

    /// Where a context comes from: its own place, or for a parameter the
    /// arguments the package passes (None for one it cannot place, after
    /// saying what it is when it is `context.Background()`).
    fn context_origins(&mut self, ctx: &Place, depth: usize, object: &mut WaitedObject) -> Vec<Option<Place>> {
        let pkg = self.pkg;
        if depth > 4 || !pkg.is_parameter(ctx) {
            return vec![Some(ctx.clone())];
        }
        let arguments = pkg.arguments_of(ctx);
        if arguments.is_empty() {
            return vec![Some(ctx.clone())];
        }
        let mut out = Vec::new();
        for (call, arg) in arguments {
            if let Some(place) = pkg.place_of(call.file, arg) {
                out.extend(self.context_origins(&place, depth + 1, object));
                continue;
            }
            if let Value::Call(callee, 0) = arg
                && let Callee::Imported { package, name } = &**callee
                && package == "context"
                && matches!(name.as_str(), "Background" | "TODO")
            {
                let at = self.site(call.file, &pkg.call(call).range);
                let started = describe(pkg, FuncRef { file: call.file, func: pkg.call(call).func }).replace('`', "");
                object.made.push(Made { how: format!("context.{name}() passed by {started}"), at });
                let ctx_name = describe_place(pkg, ctx);
                object.missing.push(format!("`{ctx_name}` is context.{name}(): nothing can cancel it"));
                continue;
            }
            out.push(None);
        }
        out
    }

    fn timer(&mut self, timer: &Place, object: &mut WaitedObject) {
        let pkg = self.pkg;
        if let Some((f, r)) = pkg.declaration_of(timer) {
            let at = self.site(f, &r);
            object.made.push(Made { how: format!("declared as `{}`", describe_place(pkg, timer)), at });
        }
        let uses = pkg.uses(timer);
        let stops = uses
            .ops
            .iter()
            .filter(|r| matches!(&pkg.op(**r).kind, OpKind::Method(m) if m == "Stop"))
            .map(|&op| Role { does: "stops", op })
            .collect::<Vec<_>>();
        if !stops.is_empty() {
            object.notes.push(format!("Stop does not close `{}`: a receive waiting on it then waits on", object.name));
        }
        self.add_partners(stops, object);
    }

    fn wait_group(&mut self, wg: &Place, object: &mut WaitedObject) {
        let pkg = self.pkg;
        let mut roles = Vec::new();
        let mut escapes = false;
        for origin in self.origins(wg, 0) {
            if let Some((f, r)) = pkg.declaration_of(&origin) {
                let at = self.site(f, &r);
                object.made.push(Made { how: "declared".into(), at });
            }
            let uses = pkg.uses(&origin);
            escapes |= uses.escapes;
            for &op in &uses.ops {
                let does = match &pkg.op(op).kind {
                    OpKind::Method(m) if m == "Done" => "calls Done on",
                    OpKind::Method(m) if m == "Add" => ADDS,
                    OpKind::Method(m) if m == "Go" => "starts a goroutine with",
                    _ => continue,
                };
                roles.push(Role { does, op });
            }
        }
        let name = object.name.clone();
        if !escapes && roles.iter().all(|r| r.does == ADDS) {
            object.missing.push(format!("nothing in the package calls `{name}.Done()`"));
        }
        if escapes {
            object.notes.push(format!("`{name}` is also handed where the model cannot follow: partners may be there"));
        }
        self.add_partners(roles, object);
    }

    fn add_partners(&mut self, roles: Vec<Role>, object: &mut WaitedObject) {
        let pkg = self.pkg;
        for role in roles {
            let op = pkg.op(role.op);
            let Some(at) = self.site(role.op.file, &op.range) else {
                let changed = format!(
                    "{} changed since the model read it: partners there are not listed",
                    pkg.files[role.op.file as usize].path.display()
                );
                if !object.notes.contains(&changed) {
                    object.notes.push(changed);
                }
                continue;
            };
            let stops_first = if role.does == ADDS { Vec::new() } else { self.stops_first(role.op) };
            object.partners.push(Partner {
                does: role.does.to_string(),
                at,
                function: describe(pkg, pkg.op_function(role.op)).replace('`', ""),
                deferred: op.deferred,
                stops_first,
            });
        }
        object.partners.sort_by(|a, b| (&a.at.file, a.at.range.start).cmp(&(&b.at.file, b.at.range.start)));
    }

    /// What a partner operation can stop on before it is done: the other cases
    /// of its `select` that leave, the exits of its loop, and the returns of its
    /// function written before it.
    fn stops_first(&mut self, r: OpRef) -> Vec<Exit> {
        let pkg = self.pkg;
        let op = pkg.op(r);
        let mut exits = Vec::new();
        if let Some(case) = select_case(op) {
            let select = pkg.select(r.file, case.select);
            for (i, c) in select.cases.iter().enumerate() {
                if i as u32 == case.case || !(c.leaves_function || c.leaves_loop) {
                    continue;
                }
                let how = if c.leaves_function { "returns on" } else { "leaves its loop on" };
                let what = format!("{how} {}", self.snippet(r.file, &c.range));
                if let Some(at) = self.site(r.file, &c.range) {
                    exits.push(Exit { what, at });
                }
            }
        } else if let Some(l) = op.in_loop {
            for exit in pkg.loop_of(r.file, l).exits.clone() {
                let what = format!("leaves its loop at {}", self.snippet(r.file, &exit));
                if let Some(at) = self.site(r.file, &exit) {
                    exits.push(Exit { what, at });
                }
            }
        }
        if !op.deferred {
            // Returns before the operation's loop (or the operation) skip it.
            let before = op.in_loop.map_or(op.range.start, |l| pkg.loop_of(r.file, l).range.start);
            let function = pkg.function(pkg.op_function(r));
            for ret in function.returns.iter().filter(|ret| ret.end <= before) {
                let what = format!("returns first at {}", self.snippet(r.file, ret));
                if let Some(at) = self.site(r.file, ret) {
                    exits.push(Exit { what, at });
                }
            }
        }
        exits
    }
}

/// How an operation outside a `select` waits, if it does.
fn waiting_of(op: &Op) -> Option<Waiting> {
    match &op.kind {
        OpKind::Send { select: None } => Some(Waiting::Send),
        OpKind::Receive { form: ReceiveForm::Plain | ReceiveForm::CommaOk } => Some(Waiting::Receive),
        OpKind::Range => Some(Waiting::Range),
        OpKind::Method(m) if m == "Wait" => Some(Waiting::Wait),
        _ => None,
    }
}

/// Whether the object at a place is one such an operation waits on.
fn waits_on(pkg: &Package, place: &Place, waiting: Waiting) -> bool {
    let kind = pkg.place_type(place).and_then(|t| t.sync_kind());
    match waiting {
        Waiting::Wait => kind == Some(SyncKind::WaitGroup),
        _ => kind == Some(SyncKind::Channel),
    }
}

fn select_case(op: &Op) -> Option<SelectCase> {
    match op.kind {
        OpKind::Send { select: Some(case) } | OpKind::Receive { form: ReceiveForm::Select(case) } => Some(case),
        _ => None,
    }
}

impl WaitPicture {
    /// The picture as lines of text, paths shown by `show` (`main.go:31`).
    pub fn text_lines(&self, show: &dyn Fn(&Site) -> String) -> Vec<String> {
        let mut out = Vec::new();
        if self.select {
            out.push(format!("waits in a select on {} cases:", self.objects.len()));
        }
        for object in &self.objects {
            let how = match object.waiting {
                Waiting::Receive => "waits to receive from",
                Waiting::Send => "waits to send on",
                Waiting::Range => "waits in a range over",
                Waiting::Wait => "waits in Wait on",
            };
            let made: Vec<String> = object
                .made
                .iter()
                .map(|m| match &m.at {
                    Some(at) => format!("{} at {}", m.how, show(at)),
                    None => m.how.clone(),
                })
                .collect();
            let made = if made.is_empty() { String::new() } else { format!(", {}", made.join("; ")) };
            out.push(format!("{how} `{}` ({}{made})", object.name, object.kind));
            for p in &object.partners {
                let deferred = if p.deferred { " (deferred)" } else { "" };
                out.push(format!("  {} it{deferred}: {} in {}", p.does, show(&p.at), p.function));
                for exit in &p.stops_first {
                    out.push(format!("    can stop first: {} ({})", exit.what, show(&exit.at)));
                }
            }
            for missing in &object.missing {
                out.push(format!("  missing: {missing}"));
            }
            for note in &object.notes {
                out.push(format!("  note: {note}"));
            }
        }
        out
    }

    /// Rewrites the file of every site (to show paths relative to a root).
    pub fn map_files(&mut self, f: &dyn Fn(&Path) -> PathBuf) {
        for object in &mut self.objects {
            let made = object.made.iter_mut().filter_map(|m| m.at.as_mut());
            let partners = object
                .partners
                .iter_mut()
                .flat_map(|p| std::iter::once(&mut p.at).chain(p.stops_first.iter_mut().map(|e| &mut e.at)));
            for site in made.chain(partners) {
                site.file = f(&site.file);
            }
        }
    }

    /// Every site the picture names, with what it is, for "go to" lists.
    pub fn sites(&self) -> Vec<(&Site, String)> {
        let mut out = Vec::new();
        for object in &self.objects {
            for made in &object.made {
                if let Some(at) = &made.at {
                    out.push((at, format!("`{}` {}", object.name, made.how)));
                }
            }
            for p in &object.partners {
                out.push((&p.at, format!("{} `{}` ({})", p.does, object.name, p.function)));
                for exit in &p.stops_first {
                    out.push((&exit.at, format!("{} can stop first: {}", p.function, exit.what)));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::semantic::file_facts;
    use crate::syntax::parse_go;

    /// The package of testdata/runtime/waitsvc, the service the live tests run.
    fn waitsvc() -> (Package, PathBuf) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/runtime/waitsvc");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "go"))
            .collect();
        paths.sort();
        let facts = paths
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                Arc::new(file_facts(&text, &parse_go(&text, None), Arc::from(p.as_path())))
            })
            .collect();
        (Package::new(facts), dir)
    }

    /// Line of `// mark:NAME` in a file of the service.
    fn mark(dir: &Path, file: &str, name: &str) -> u32 {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let at = text.lines().position(|l| l.ends_with(&format!("// mark:{name}"))).unwrap();
        at as u32 + 1
    }

    fn picture_at(file: &str, name: &str) -> (Result<WaitPicture, String>, Vec<String>, PathBuf) {
        let (pkg, dir) = waitsvc();
        let index = pkg.files.iter().position(|f| f.path.ends_with(file)).unwrap() as u32;
        let disk = |p: &Path| std::fs::read_to_string(p).ok();
        let picture = WaitPictures::new(&pkg, &disk).at(index, mark(&dir, file, name));
        let show = |s: &Site| format!("{}:{}", s.file.file_name().unwrap().to_string_lossy(), s.line);
        let lines = picture.as_ref().map(|p| p.text_lines(&show)).unwrap_or_default();
        (picture, lines, dir)
    }

    #[test]
    fn a_send_whose_receiver_timed_out() {
        let (_, lines, dir) = picture_at("quotes.go", "quote-send");
        let m = |n| mark(&dir, "quotes.go", n);
        assert_eq!(
            lines,
            [
                format!("waits to send on `result` (channel, made unbuffered at quotes.go:{})", m("quote-make")),
                format!("  receives from it: quotes.go:{} in QuoteClient.Quote", m("quote-receive")),
                format!(
                    "    can stop first: returns on case <-time.After(c.timeout): (quotes.go:{})",
                    m("quote-timeout")
                ),
            ]
        );
    }

    #[test]
    fn a_worker_ranging_over_a_queue_nobody_closes() {
        let (_, lines, dir) = picture_at("indexer.go", "index-range");
        let m = |n| mark(&dir, "indexer.go", n);
        assert_eq!(
            lines,
            [
                format!(
                    "waits in a range over `Indexer.jobs` (channel, made unbuffered at indexer.go:{})",
                    m("index-make")
                ),
                format!("  sends on it: indexer.go:{} in Indexer.Submit", m("index-send")),
                "  missing: nothing in the package closes `Indexer.jobs`: the range ends only when it is closed".into(),
            ]
        );
    }

    #[test]
    fn a_context_nothing_cancels() {
        let (_, lines, dir) = picture_at("sessions.go", "session-wait");
        let m = |n| mark(&dir, "sessions.go", n);
        assert_eq!(
            lines,
            [
                format!(
                    "waits to receive from `ctx.Done()` (context, context.Background() passed by SessionStore.handleOpen at sessions.go:{})",
                    m("session-go")
                ),
                "  missing: `ctx` is context.Background(): nothing can cancel it".into(),
            ]
        );
    }

    #[test]
    fn a_wait_whose_done_is_skipped() {
        let (_, lines, dir) = picture_at("importer.go", "import-wait");
        let m = |n| mark(&dir, "importer.go", n);
        assert_eq!(
            lines,
            [
                format!("waits in Wait on `wg` (WaitGroup, declared at importer.go:{})", m("import-wg")),
                format!("  adds to it: importer.go:{} in importBatch", m("import-add")),
                format!("  calls Done on it: importer.go:{} in the function literal in importBatch", m("import-done")),
                format!("    can stop first: returns first at return (importer.go:{})", m("import-skip")),
            ]
        );
    }

    /// The picture at the line of `// mark:NAME` in one Go file.
    fn picture_in(src: &str, name: &str) -> Vec<String> {
        let path = Path::new("/ws/poller.go");
        let pkg = Package::new(vec![Arc::new(file_facts(src, &parse_go(src, None), Arc::from(path)))]);
        let line = src.lines().position(|l| l.ends_with(&format!("// mark:{name}"))).unwrap() as u32 + 1;
        let text = |_: &Path| Some(src.to_string());
        let show = |s: &Site| format!("{}", s.line);
        WaitPictures::new(&pkg, &text).at(0, line).unwrap().text_lines(&show)
    }

    const POLLER: &str = r#"package poller

import (
	"context"
	"time"
)

type Poller struct {
	results chan int
	quit    chan struct{}
}

func (p *Poller) Run(interval time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select { // mark:wait
		case <-ctx.Done():
			return
		case <-t.C:
			p.publish(1)
		}
	}
}

func (p *Poller) publish(v int) {
	for {
		select {
		case p.results <- v:
		case <-p.quit:
			return
		}
	}
}

func (p *Poller) Next() int {
	return <-p.results // mark:next
}
"#;

    #[test]
    fn a_select_lists_each_case_with_its_partners() {
        assert_eq!(
            picture_in(POLLER, "wait"),
            [
                "waits in a select on 2 cases:",
                "waits to receive from `ctx.Done()` (context, context.WithCancel at 14)",
                "  cancels it (deferred): 15 in Poller.Run",
                "waits to receive from `t.C` (ticker, declared as `t` at 16)",
                "  stops it (deferred): 17 in Poller.Run",
                "  note: Stop does not close `t.C`: a receive waiting on it then waits on",
            ]
        );
    }

    #[test]
    fn a_partner_in_a_select_loop_stops_on_its_other_case() {
        assert_eq!(
            picture_in(POLLER, "next"),
            [
                "waits to receive from `Poller.results` (channel)",
                "  sends on it: 31 in Poller.publish",
                "    can stop first: returns on case <-p.quit: (32)",
                "  missing: nothing in the package makes `Poller.results`: it stays nil, and nil channels block forever",
            ]
        );
    }

    #[test]
    fn lines_the_model_cannot_describe_say_why() {
        let (picture, _, _) = picture_at("quotes.go", "quote-make");
        assert_eq!(
            picture.unwrap_err(),
            format!("line {} holds no channel operation, select or Wait the model knows of", {
                let (_, dir) = waitsvc();
                mark(&dir, "quotes.go", "quote-make")
            })
        );
        let (pkg, _) = waitsvc();
        let edited = |_: &Path| Some("package main\n".to_string());
        let changed = WaitPictures::new(&pkg, &edited).at(0, 3);
        assert!(changed.unwrap_err().contains("changed since it was read"));
    }
}
