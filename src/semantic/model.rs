//! The plain data of the model: what one file declares and does, with no tree
//! references, so that a file's facts can be cached and merged with its
//! package's other files.
//!
//! Expressions are kept symbolic ([`Value`]) where their meaning depends on
//! other files (the type of a field, the result of a call); [`super::Package`]
//! resolves them once the whole package is known.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// A type as written, reduced to what the model reasons about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `chan T`, `<-chan T`, `chan<- T`.
    Chan { dir: ChanDir, elem: String },
    /// A named type: `Server`, `time.Ticker` (the package is the import path,
    /// so the name means the same in every file of the package).
    Named { package: Option<String>, name: String },
    /// `*T`.
    Pointer(Box<Ty>),
    /// Anything else (slices, maps, functions, interfaces...): its text.
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChanDir {
    Both,
    Send,
    Receive,
}

impl Ty {
    /// A type from its text, as far as the model needs it: pointers, channels
    /// and the names of the package's own types (qualified names keep the
    /// qualifier as written).
    pub fn parse(text: &str) -> Ty {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix('*') {
            return Ty::Pointer(Box::new(Ty::parse(rest)));
        }
        for (prefix, dir) in [("<-chan ", ChanDir::Receive), ("chan<- ", ChanDir::Send), ("chan ", ChanDir::Both)] {
            if let Some(elem) = text.strip_prefix(prefix) {
                return Ty::Chan { dir, elem: elem.trim().to_string() };
            }
        }
        let base = text.split('[').next().unwrap_or(text);
        let is_name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
        match base.split_once('.') {
            None if is_name(base) && !base.is_empty() => Ty::Named { package: None, name: base.to_string() },
            Some((p, n)) if is_name(p) && is_name(n) => Ty::Named { package: Some(p.to_string()), name: n.to_string() },
            _ => Ty::Other(text.to_string()),
        }
    }

    /// The element type of a channel, slice, array or map type.
    pub fn element(&self) -> Option<Ty> {
        match self {
            Ty::Chan { elem, .. } => Some(Ty::parse(elem)),
            Ty::Other(text) => {
                let rest = if let Some(inner) = text.strip_prefix("map[") {
                    // Past the key's closing bracket.
                    let mut depth = 1;
                    let end = inner.char_indices().find_map(|(i, c)| {
                        depth += match c {
                            '[' => 1,
                            ']' => -1,
                            _ => 0,
                        };
                        (depth == 0).then_some(i)
                    })?;
                    &inner[end + 1..]
                } else if text.starts_with('[') {
                    &text[text.find(']')? + 1..]
                } else {
                    return None;
                };
                Some(Ty::parse(rest))
            }
            _ => None,
        }
    }

    /// The type behind any number of pointers.
    pub fn pointee(&self) -> &Ty {
        match self {
            Ty::Pointer(inner) => inner.pointee(),
            other => other,
        }
    }

    /// The name of a type declared in this package (`Server`, `*Server`).
    pub fn local_name(&self) -> Option<&str> {
        match self.pointee() {
            Ty::Named { package: None, name } => Some(name),
            _ => None,
        }
    }

    /// Whether this is `package.name` (`time.Ticker`), through pointers.
    pub fn is(&self, package: &str, name: &str) -> bool {
        matches!(self.pointee(), Ty::Named { package: Some(p), name: n } if p == package && n == name)
    }

    pub fn is_chan(&self) -> bool {
        matches!(self, Ty::Chan { .. })
    }

    /// What kind of synchronisation object a value of this type is, if any.
    pub fn sync_kind(&self) -> Option<SyncKind> {
        if self.is_chan() {
            return Some(SyncKind::Channel);
        }
        let kinds = [
            ("context", "Context", SyncKind::Context),
            ("context", "CancelFunc", SyncKind::CancelFunc),
            ("context", "CancelCauseFunc", SyncKind::CancelFunc),
            ("time", "Ticker", SyncKind::Ticker),
            ("time", "Timer", SyncKind::Timer),
            ("sync", "WaitGroup", SyncKind::WaitGroup),
            ("sync", "Mutex", SyncKind::Mutex),
            ("sync", "RWMutex", SyncKind::Mutex),
        ];
        kinds.iter().find(|(p, n, _)| self.is(p, n)).map(|(_, _, k)| *k)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncKind {
    Channel,
    Context,
    CancelFunc,
    Ticker,
    Timer,
    WaitGroup,
    Mutex,
}

/// A function of the package: a declaration, a method or a function literal,
/// by its file and its index in that file's [`FileFacts::functions`]. Inside one
/// [`FileFacts`] `file` is 0: values only ever name their own file's locals, and
/// the package reads them in the context of the file they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncRef {
    pub file: u32,
    pub func: u32,
}

/// A local variable or parameter: its function and its index in that
/// function's [`Function::locals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalRef {
    pub func: FuncRef,
    pub local: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The name the file uses for it (`time`, or the alias).
    pub name: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field's name; an embedded field is named by its type (`Base` for `*pkg.Base`).
    pub name: String,
    pub ty: Ty,
    pub embedded: bool,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDecl {
    pub name: String,
    /// The struct's fields; None when the type is not a struct.
    pub fields: Option<Vec<Field>>,
    pub name_range: Range<usize>,
}

impl TypeDecl {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.as_ref()?.iter().find(|f| f.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    Function,
    Method,
    Literal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub kind: FunctionKind,
    /// Declared name (None for literals).
    pub name: Option<String>,
    /// The receiver's base type name, for methods.
    pub receiver_type: Option<String>,
    /// The function literal (or declaration) this one is written in.
    pub parent: Option<u32>,
    /// Parameters first (the receiver, when named, is local 0 and not counted
    /// in `params`), then the locals in order of declaration.
    pub locals: Vec<Local>,
    /// How many of `locals`, after the receiver, are parameters.
    pub params: u32,
    pub has_receiver: bool,
    pub results: Vec<Ty>,
    /// The whole declaration or literal.
    pub range: Range<usize>,
    /// The name, for related locations (the `func` keyword for literals).
    pub name_range: Range<usize>,
    /// The body block, when it has one.
    pub body: Option<Range<usize>>,
    /// For methods that return one field of their receiver (`return b.c`): that field.
    pub returns_field: Option<String>,
    /// Its own `return` statements (not those of function literals inside it),
    /// in source order: where it can leave before an operation.
    pub returns: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    pub name: String,
    /// The type as declared, when written.
    pub declared: Option<Ty>,
    /// The value it was declared with, when one value per name (`x := v`).
    pub init: Option<Value>,
    /// Assigned again after its declaration (then `init` does not say what it holds).
    pub reassigned: bool,
    pub range: Range<usize>,
}

/// A value, symbolically.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Local(LocalRef),
    /// A package-level name (a variable, or a function used as a value).
    Global(String),
    /// `base.name`: a field, or a package member when `base` is an import.
    Select(Box<Value>, String),
    /// Result `.1` of a call (0 for the first).
    Call(Box<Callee>, u32),
    /// `make(T, ...)`, with the channel's capacity.
    Make(Ty, Capacity),
    /// `T{...}`, `&T{...}`, `new(T)`: a fresh value of a type.
    New(Ty),
    /// Some value of a type, not a fresh one: a type assertion `x.(*T)`.
    Typed(Ty),
    /// An element of a slice, array or map (`s[i]`, the second variable of
    /// `for _, v := range s`).
    Elem(Box<Value>),
    /// The first variable of `for x := range v`: an element when `v` is a
    /// channel, an index or key otherwise.
    RangeKey(Box<Value>),
    /// A value of an imported package's member (`time.Second`, `pkg.Var`).
    Imported {
        package: String,
        name: String,
    },
    /// A function literal of this file.
    Literal(u32),
    Unknown,
}

/// What a call calls, symbolically.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Callee {
    /// `name(...)`: a package function, a builtin, or a function-typed local.
    Name(String),
    /// `x.m(...)`: a method on a value (or a function-typed field).
    Method(Value, String),
    /// `pkg.F(...)` on an import.
    Imported {
        package: String,
        name: String,
    },
    /// `func(){...}()`, or `f(...)` on a local holding a literal.
    Literal(u32),
    /// A local holding a function value.
    Local(LocalRef),
    Unknown,
}

/// One operation on a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub kind: OpKind,
    /// The value operated on.
    pub target: Value,
    pub func: u32,
    /// The operation's expression or statement.
    pub range: Range<usize>,
    /// The innermost `for` loop of the same function around it.
    pub in_loop: Option<u32>,
    /// Runs in a `defer`.
    pub deferred: bool,
    /// Inside an `if`, `switch`, `select` or `for` of its function: it may
    /// not run on every path through the function.
    pub conditional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpKind {
    /// `x = make(chan T, cap)` (or a composite literal's `f: make(...)`).
    Make {
        capacity: Capacity,
    },
    /// Assigned something other than a `make`: initialised, with we do not know what.
    Assign,
    /// Assigned from `context.WithCancel`/`WithTimeout`/`WithDeadline` (the cancel func).
    AssignCancel,
    /// Every field of a value of this type set at once (a positional composite
    /// literal, `*p = v`): the target is `Value::New(type)`.
    AssignAll,
    Send {
        select: Option<SelectCase>,
    },
    Receive {
        form: ReceiveForm,
    },
    Range,
    Close,
    /// A method call on the value: `Stop`, `Reset`, `Add`, `Done`, `Wait`, `Go`...
    Method(String),
    /// The value called as a function (`cancel()`).
    Call,
    /// Handed on in a way followed through the call graph: argument `index` of `call`.
    Pass {
        call: u32,
        index: u32,
    },
    /// Returned from its function (followed when the function is a getter of the package).
    Return,
    /// Handed on in a way not followed: stored, sent, captured by a method value.
    Escape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capacity {
    Const(u64),
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiveForm {
    /// `<-x` as a statement or expression, not in a select.
    Plain,
    /// `v, ok := <-x`.
    CommaOk,
    Select(SelectCase),
}

/// A case of a `select`: the select by its index in [`FileFacts::selects`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectCase {
    pub select: u32,
    pub case: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Select {
    pub func: u32,
    pub range: Range<usize>,
    pub has_default: bool,
    pub cases: Vec<Case>,
    pub in_loop: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The case's header (`case v := <-ch:`).
    pub range: Range<usize>,
    /// Receives: what from (`ctx.Done()` is a receive from `Call(Method(ctx, Done))`).
    pub receives: Option<Value>,
    /// Sends: on what.
    pub sends: Option<Value>,
    /// Its body always leaves the innermost loop around the select: one of its
    /// own statements (not one nested in an `if`) is a `return` or a jump out
    /// of the loop. Calls that end the goroutine or the process (`t.Fatal`,
    /// `os.Exit`) do not count: they are failure paths, not a way to stop.
    pub leaves_loop: bool,
    /// Its body always returns from the function (as above).
    pub leaves_function: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loop {
    pub func: u32,
    pub range: Range<usize>,
    /// Only `for {}` / `for range x` without a condition end only through an exit.
    pub has_condition: bool,
    /// Statements that leave it (return, break, goroutine-ending calls).
    pub exits: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub callee: Callee,
    pub func: u32,
    pub range: Range<usize>,
    pub args: Vec<Value>,
    /// How the call runs.
    pub mode: CallMode,
    pub in_loop: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallMode {
    Plain,
    Defer,
    /// `go f(...)`.
    Go,
    /// `g.Go(func...)` of errgroup or `sync.WaitGroup`: the literal argument runs as a goroutine.
    GroupGo,
}

/// Everything one file contributes to its package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    pub path: Arc<Path>,
    /// A hash of the text the facts were read from: facts cached for a file
    /// are reused only for the same text.
    pub source_hash: u64,
    pub package: String,
    pub imports: Vec<Import>,
    pub types: Vec<TypeDecl>,
    pub globals: Vec<Global>,
    pub functions: Vec<Function>,
    pub ops: Vec<Op>,
    pub calls: Vec<Call>,
    pub selects: Vec<Select>,
    pub loops: Vec<Loop>,
    /// Nesting too deep to follow: what the file does is not fully known.
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Global {
    pub name: String,
    pub declared: Option<Ty>,
    pub init: Option<Value>,
    pub range: Range<usize>,
}
