//! The files of one package merged: names resolved across files, syntactic
//! types derived, every operation attached to the object it is about, and
//! calls resolved to the functions they run.
//!
//! Every query answers `None` (or leaves an operation out) when the fact cannot
//! be derived from the syntax: unknown is an answer, never a guess.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::extract::is_cancel_constructor;
use super::model::*;

/// How deep symbolic values and embedded fields are followed.
const MAX_DEPTH: usize = 16;

/// A synchronisation object (or any value) by where it lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// A local or parameter of a function, in a file of the package.
    Local { file: u32, local: LocalRef },
    /// A field of a struct type of the package: the type that declares it.
    Field { owner: String, name: String },
    /// A package-level variable.
    Global(String),
    /// `t.C` of the timer or ticker at a place.
    TimerChannel(Box<Place>),
    /// `ctx.Done()` of the context at a place.
    Done(Box<Place>),
}

/// An operation of the package: its file and index in that file's ops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpRef {
    pub file: u32,
    pub op: u32,
}

/// A call of the package: its file and index in that file's calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallRef {
    pub file: u32,
    pub call: u32,
}

/// What the package does with one object, calls into the package followed.
#[derive(Debug, Default, Clone)]
pub struct Uses {
    /// Its operations, and those on the parameters it is passed to.
    pub ops: Vec<OpRef>,
    /// Handed somewhere the model does not follow (or, for a field or variable,
    /// reachable from outside the package): others may operate on it unseen.
    pub escapes: bool,
    /// Escapes in some way other than being returned from a function (which
    /// `escapes` counts too): rules that follow a returned object to the
    /// package's callers read this one.
    pub escapes_otherwise: bool,
}

/// See [`Package::initialisations`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Initialisations {
    pub makes: Vec<Capacity>,
    /// Assigned something other than a `make` (another channel, nil, a call's
    /// result), or set with its whole struct.
    pub otherwise: bool,
}

impl Initialisations {
    /// Made by the package, only ever unbuffered.
    pub fn only_unbuffered_makes(&self) -> bool {
        !self.otherwise && !self.makes.is_empty() && self.makes.iter().all(|c| *c == Capacity::Const(0))
    }

    /// Made by the package and nothing else (any capacity).
    pub fn only_makes(&self) -> bool {
        !self.otherwise && !self.makes.is_empty()
    }

    pub fn never(&self) -> bool {
        !self.otherwise && self.makes.is_empty()
    }
}

pub struct Package {
    pub name: String,
    pub files: Vec<Arc<FileFacts>>,
    types: HashMap<String, Option<(u32, u32)>>,
    functions: HashMap<String, Option<FuncRef>>,
    methods: HashMap<(String, String), Option<FuncRef>>,
    globals: HashMap<String, Option<(u32, u32)>>,
    by_place: HashMap<Place, Vec<OpRef>>,
    /// Field names selected on values whose type the model cannot derive: any
    /// field of that name may be operated on there, unseen.
    unresolved_fields: HashSet<String>,
    /// Types some value of which is set whole (`T{a, b}`, `*p = v`): every field initialised.
    assigned_whole: HashSet<String>,
    /// Per file, the synchronisation objects whose uses touch it.
    touching: std::sync::OnceLock<Vec<Vec<Place>>>,
    /// Some file's nesting was too deep to follow.
    pub truncated: bool,
}

/// Inserts into a map where a name seen twice (build tags, hostile input) is ambiguous.
fn insert_unique<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, Option<V>>, key: K, value: V) {
    map.entry(key).and_modify(|v| *v = None).or_insert(Some(value));
}

impl Package {
    /// Merges the facts of a package's files.
    pub fn new(files: Vec<Arc<FileFacts>>) -> Package {
        let mut pkg = Package {
            name: files.first().map(|f| f.package.clone()).unwrap_or_default(),
            truncated: files.iter().any(|f| f.truncated),
            files,
            types: HashMap::new(),
            functions: HashMap::new(),
            methods: HashMap::new(),
            globals: HashMap::new(),
            by_place: HashMap::new(),
            assigned_whole: HashSet::new(),
            unresolved_fields: HashSet::new(),
            touching: std::sync::OnceLock::new(),
        };
        for (fi, file) in pkg.files.iter().enumerate() {
            let fi = fi as u32;
            for (ti, ty) in file.types.iter().enumerate() {
                insert_unique(&mut pkg.types, ty.name.clone(), (fi, ti as u32));
            }
            for (gi, g) in file.globals.iter().enumerate() {
                insert_unique(&mut pkg.globals, g.name.clone(), (fi, gi as u32));
            }
            for (i, f) in file.functions.iter().enumerate() {
                let r = FuncRef { file: fi, func: i as u32 };
                match (f.kind, &f.name, &f.receiver_type) {
                    (FunctionKind::Function, Some(n), _) if n != "init" && n != "_" => {
                        insert_unique(&mut pkg.functions, n.clone(), r)
                    }
                    (FunctionKind::Method, Some(n), Some(t)) => {
                        insert_unique(&mut pkg.methods, (t.clone(), n.clone()), r)
                    }
                    _ => {}
                }
            }
        }
        let mut by_place: HashMap<Place, Vec<OpRef>> = HashMap::new();
        let mut assigned_whole = HashSet::new();
        let mut unresolved_fields = HashSet::new();
        for (fi, file) in pkg.files.iter().enumerate() {
            for (oi, op) in file.ops.iter().enumerate() {
                if op.kind == OpKind::AssignAll {
                    if let Some(ty) =
                        pkg.type_of(fi as u32, &op.target).and_then(|t| t.local_name().map(str::to_string))
                    {
                        assigned_whole.insert(ty);
                    }
                    continue;
                }
                match pkg.place_of(fi as u32, &op.target) {
                    Some(place) => by_place.entry(place).or_default().push(OpRef { file: fi as u32, op: oi as u32 }),
                    None => {
                        if let Value::Select(base, name) = &op.target
                            && !is_foreign(base)
                            && pkg.type_of(fi as u32, base).is_none()
                        {
                            unresolved_fields.insert(name.clone());
                        }
                    }
                }
            }
        }
        pkg.by_place = by_place;
        pkg.assigned_whole = assigned_whole;
        pkg.unresolved_fields = unresolved_fields;
        pkg
    }

    /// How the channel (or other object) at a place gets its value: the
    /// capacities of the `make`s assigned to it, and whether anything else is.
    pub fn initialisations(&self, place: &Place) -> Initialisations {
        let mut inits = Initialisations::default();
        match place {
            Place::Local { file, local } => match self.local(*file, *local).and_then(|l| l.init.as_ref()) {
                Some(Value::Make(_, capacity)) => inits.makes.push(*capacity),
                Some(_) => inits.otherwise = true,
                None => {}
            },
            Place::Field { owner, .. } => inits.otherwise |= self.assigned_whole.contains(owner),
            Place::Global(name) => match self.global(name).and_then(|(_, g)| g.init.as_ref()) {
                Some(Value::Make(_, capacity)) => inits.makes.push(*capacity),
                Some(_) => inits.otherwise = true,
                None => {}
            },
            Place::TimerChannel(_) | Place::Done(_) => inits.otherwise = true,
        }
        for r in self.ops_at(place) {
            match self.op(*r).kind {
                OpKind::Make { capacity } => inits.makes.push(capacity),
                OpKind::Assign | OpKind::AssignCancel | OpKind::AssignAll => inits.otherwise = true,
                _ => {}
            }
        }
        inits
    }

    pub fn op(&self, r: OpRef) -> &Op {
        &self.files[r.file as usize].ops[r.op as usize]
    }

    pub fn call(&self, r: CallRef) -> &Call {
        &self.files[r.file as usize].calls[r.call as usize]
    }

    pub fn function(&self, r: FuncRef) -> &Function {
        &self.files[r.file as usize].functions[r.func as usize]
    }

    pub fn select(&self, file: u32, index: u32) -> &Select {
        &self.files[file as usize].selects[index as usize]
    }

    pub fn loop_of(&self, file: u32, index: u32) -> &Loop {
        &self.files[file as usize].loops[index as usize]
    }

    /// The function an operation is written in.
    pub fn op_function(&self, r: OpRef) -> FuncRef {
        FuncRef { file: r.file, func: self.op(r).func }
    }

    pub fn type_decl(&self, name: &str) -> Option<&TypeDecl> {
        let (f, t) = (*self.types.get(name)?)?;
        Some(&self.files[f as usize].types[t as usize])
    }

    /// The package-level function `name`, when declared once.
    pub fn function_named(&self, name: &str) -> Option<FuncRef> {
        *self.functions.get(name)?
    }

    /// The method `name` of type `ty`, declared on it or promoted through embedded fields.
    pub fn method(&self, ty: &str, name: &str) -> Option<FuncRef> {
        self.method_at(ty, name, 0)
    }

    fn method_at(&self, ty: &str, name: &str, depth: usize) -> Option<FuncRef> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(found) = self.methods.get(&(ty.to_string(), name.to_string())) {
            return *found;
        }
        let decl = self.type_decl(ty)?;
        let mut found = None;
        for f in decl.fields.iter().flatten().filter(|f| f.embedded) {
            if let Some(inner) = f.ty.local_name()
                && let Some(m) = self.method_at(inner, name, depth + 1)
            {
                if found.is_some() {
                    return None; // ambiguous selector
                }
                found = Some(m);
            }
        }
        found
    }

    /// The field `name` of struct `ty`, directly or promoted: the type that
    /// declares it and the field.
    pub fn field(&self, ty: &str, name: &str) -> Option<(&str, &Field)> {
        self.field_at(ty, name, 0)
    }

    fn field_at(&self, ty: &str, name: &str, depth: usize) -> Option<(&str, &Field)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let decl = self.type_decl(ty)?;
        if let Some(f) = decl.field(name) {
            return Some((decl.name.as_str(), f));
        }
        let mut found = None;
        for f in decl.fields.iter().flatten().filter(|f| f.embedded) {
            if let Some(inner) = f.ty.local_name()
                && let Some(hit) = self.field_at(inner, name, depth + 1)
            {
                if found.is_some() {
                    return None;
                }
                found = Some(hit);
            }
        }
        found
    }

    fn local(&self, file: u32, r: LocalRef) -> Option<&Local> {
        self.files.get(file as usize)?.functions.get(r.func.func as usize)?.locals.get(r.local as usize)
    }

    fn global(&self, name: &str) -> Option<(u32, &Global)> {
        let (f, g) = (*self.globals.get(name)?)?;
        Some((f, &self.files[f as usize].globals[g as usize]))
    }

    /// The syntactic type of a value seen from `file`.
    pub fn type_of(&self, file: u32, value: &Value) -> Option<Ty> {
        self.type_at(file, value, 0)
    }

    fn type_at(&self, file: u32, value: &Value, depth: usize) -> Option<Ty> {
        if depth > MAX_DEPTH {
            return None;
        }
        match value {
            Value::Local(r) => {
                let l = self.local(file, *r)?;
                l.declared.clone().or_else(|| self.type_at(file, l.init.as_ref()?, depth + 1))
            }
            Value::Global(name) => {
                let (gf, g) = self.global(name)?;
                g.declared.clone().or_else(|| self.type_at(gf, g.init.as_ref()?, depth + 1))
            }
            Value::Select(base, name) => {
                let base_ty = self.type_at(file, base, depth + 1)?;
                if (base_ty.is("time", "Timer") || base_ty.is("time", "Ticker")) && name == "C" {
                    return Some(Ty::Chan { dir: ChanDir::Receive, elem: "time.Time".into() });
                }
                let (_, field) = self.field(base_ty.local_name()?, name)?;
                Some(field.ty.clone())
            }
            Value::Call(callee, index) => self.result_type(file, callee, *index, depth + 1),
            Value::Make(ty, _) | Value::New(ty) | Value::Typed(ty) => Some(ty.clone()),
            Value::Elem(of) => self.type_at(file, of, depth + 1)?.pointee().element(),
            Value::RangeKey(of) => match self.type_at(file, of, depth + 1)? {
                chan @ Ty::Chan { .. } => chan.element(),
                _ => None,
            },
            Value::Imported { .. } | Value::Literal(_) | Value::Unknown => None,
        }
    }

    fn result_type(&self, file: u32, callee: &Callee, index: u32, depth: usize) -> Option<Ty> {
        let named = |package: &str, name: &str| Ty::Named { package: Some(package.into()), name: name.into() };
        match callee {
            Callee::Imported { package, name } if package == "context" => match (name.as_str(), index) {
                (_, 0) if name.starts_with("With") || matches!(name.as_str(), "Background" | "TODO") => {
                    Some(named("context", "Context"))
                }
                (_, 1) if is_cancel_constructor(callee) => Some(named("context", "CancelFunc")),
                _ => None,
            },
            Callee::Imported { package, name } if package == "time" && index == 0 => match name.as_str() {
                "NewTicker" => Some(Ty::Pointer(Box::new(named("time", "Ticker")))),
                "NewTimer" | "AfterFunc" => Some(Ty::Pointer(Box::new(named("time", "Timer")))),
                "After" | "Tick" => Some(Ty::Chan { dir: ChanDir::Receive, elem: "time.Time".into() }),
                _ => None,
            },
            Callee::Name(name) => match self.function_named(name) {
                Some(f) => self.function(f).results.get(index as usize).cloned(),
                // A conversion to a type of the package.
                None if index == 0 && self.type_decl(name).is_some() => {
                    Some(Ty::Named { package: None, name: name.clone() })
                }
                None => None,
            },
            Callee::Method(base, name) => {
                let base_ty = self.type_at(file, base, depth)?;
                if name == "Done" && index == 0 && base_ty.is("context", "Context") {
                    return Some(Ty::Chan { dir: ChanDir::Receive, elem: "struct{}".into() });
                }
                let m = self.method(base_ty.local_name()?, name)?;
                self.function(m).results.get(index as usize).cloned()
            }
            Callee::Literal(i) => self.function(FuncRef { file, func: *i }).results.get(index as usize).cloned(),
            _ => None,
        }
    }

    /// The object a value denotes, seen from `file`: locals that only ever
    /// hold a field or a getter's result stand for that field.
    pub fn place_of(&self, file: u32, value: &Value) -> Option<Place> {
        self.place_at(file, value, 0)
    }

    fn place_at(&self, file: u32, value: &Value, depth: usize) -> Option<Place> {
        if depth > MAX_DEPTH {
            return None;
        }
        match value {
            Value::Local(r) => {
                let l = self.local(file, *r)?;
                let alias = match &l.init {
                    Some(init @ (Value::Select(..) | Value::Call(..))) if !l.reassigned => {
                        self.place_at(file, init, depth + 1).filter(|p| !matches!(p, Place::Local { .. }))
                    }
                    _ => None,
                };
                Some(alias.unwrap_or(Place::Local { file, local: *r }))
            }
            Value::Global(name) => self.global(name).map(|_| Place::Global(name.clone())),
            Value::Select(base, name) => {
                let base_ty = self.type_at(file, base, depth + 1)?;
                if (base_ty.is("time", "Timer") || base_ty.is("time", "Ticker")) && name == "C" {
                    return Some(Place::TimerChannel(Box::new(self.place_at(file, base, depth + 1)?)));
                }
                let (owner, _) = self.field(base_ty.local_name()?, name)?;
                Some(Place::Field { owner: owner.to_string(), name: name.clone() })
            }
            Value::Call(callee, 0) => match &**callee {
                Callee::Method(base, m) => {
                    let base_ty = self.type_at(file, base, depth + 1)?;
                    if m == "Done" && base_ty.is("context", "Context") {
                        return Some(Place::Done(Box::new(self.place_at(file, base, depth + 1)?)));
                    }
                    let getter = self.method(base_ty.local_name()?, m)?;
                    let field = self.function(getter).returns_field.clone()?;
                    self.place_at(file, &Value::Select(Box::new(base.clone()), field), depth + 1)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The operations attached directly to a place (not through calls).
    pub fn ops_at(&self, place: &Place) -> &[OpRef] {
        self.by_place.get(place).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The synchronisation objects (channels, contexts, cancel funcs, timers,
    /// WaitGroups, mutexes) with an operation in `file`, directly or through a
    /// call of the package, in a stable order: what a rule reporting in that
    /// file looks at. Computed for every file at once, the first time.
    pub fn places_touching(&self, file: u32) -> &[Place] {
        let touching = self.touching.get_or_init(|| {
            let mut per_file = vec![Vec::new(); self.files.len()];
            for place in self.places() {
                if self.place_type(place).and_then(|t| t.sync_kind()).is_none() {
                    continue;
                }
                let mut files: Vec<u32> = self.uses(place).ops.iter().map(|r| r.file).collect();
                files.sort_unstable();
                files.dedup();
                for f in files {
                    per_file[f as usize].push(place.clone());
                }
            }
            per_file
        });
        touching.get(file as usize).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every place with operations, in a stable order.
    pub fn places(&self) -> Vec<&Place> {
        let mut places: Vec<&Place> = self.by_place.keys().collect();
        places.sort();
        places
    }

    /// The function a call runs, when the package declares it.
    pub fn resolve_call(&self, r: CallRef) -> Option<FuncRef> {
        let call = self.call(r);
        self.resolve_callee(r.file, &call.callee)
    }

    pub fn resolve_callee(&self, file: u32, callee: &Callee) -> Option<FuncRef> {
        match callee {
            Callee::Name(name) => self.function_named(name),
            Callee::Literal(i) => Some(FuncRef { file, func: *i }),
            Callee::Local(r) => {
                let l = self.local(file, *r)?;
                if l.reassigned {
                    return None;
                }
                match l.init.as_ref()? {
                    Value::Literal(i) => Some(FuncRef { file, func: *i }),
                    // A method value: `start := s.run`.
                    Value::Select(base, m) => self.resolve_callee(file, &Callee::Method((**base).clone(), m.clone())),
                    Value::Global(name) => self.function_named(name),
                    _ => None,
                }
            }
            Callee::Method(base, m) => {
                let ty = self.type_of(file, base)?;
                self.method(ty.local_name()?, m)
            }
            Callee::Imported { .. } | Callee::Unknown => None,
        }
    }

    /// Every call of the package, in file order.
    pub fn calls(&self) -> impl Iterator<Item = CallRef> + '_ {
        self.files
            .iter()
            .enumerate()
            .flat_map(|(f, file)| (0..file.calls.len()).map(move |c| CallRef { file: f as u32, call: c as u32 }))
    }

    /// The calls that start a goroutine (`go`, `g.Go(func...)`), with the
    /// function they run when it is known.
    pub fn goroutine_starts(&self) -> Vec<(CallRef, Option<FuncRef>)> {
        self.calls()
            .filter(|r| matches!(self.call(*r).mode, CallMode::Go | CallMode::GroupGo))
            .map(|r| (r, self.started_function(r)))
            .collect()
    }

    /// The function a goroutine start runs, when it is one and the function is known.
    pub fn started_function(&self, r: CallRef) -> Option<FuncRef> {
        let call = self.call(r);
        match call.mode {
            CallMode::Go => self.resolve_call(r),
            CallMode::GroupGo => match call.args.first() {
                Some(Value::Literal(i)) => Some(FuncRef { file: r.file, func: *i }),
                _ => None,
            },
            CallMode::Plain | CallMode::Defer => None,
        }
    }

    /// Whether the package runs a function in a way it can see: a declared
    /// function or method, or a literal that is called, deferred or started
    /// right where it is written or through a local that holds it (and so do
    /// the literals it is nested in). A literal handed to other code (a
    /// callback, a field) runs at a time nobody here knows, maybe never.
    pub fn runs_visibly(&self, f: FuncRef) -> bool {
        let function = self.function(f);
        if function.kind != FunctionKind::Literal {
            return true;
        }
        let file = &self.files[f.file as usize];
        let called = file.calls.iter().any(|c| match &c.callee {
            Callee::Literal(i) => *i == f.func,
            Callee::Local(r) => self.resolve_callee(f.file, &Callee::Local(*r)) == Some(f),
            _ => c.mode == CallMode::GroupGo && c.args.first() == Some(&Value::Literal(f.func)),
        });
        called && function.parent.is_none_or(|p| self.runs_visibly(FuncRef { file: f.file, func: p }))
    }

    /// `f` and the functions it calls (plain or deferred, not started as
    /// goroutines), and those they call, up to `depth` calls deep.
    pub fn reached_from(&self, f: FuncRef, depth: usize) -> HashSet<FuncRef> {
        let mut reached = HashSet::from([f]);
        let mut frontier = vec![f];
        for _ in 0..depth {
            let mut next = Vec::new();
            for g in frontier {
                let file = &self.files[g.file as usize];
                let called = (0..file.calls.len() as u32)
                    .map(|c| CallRef { file: g.file, call: c })
                    .filter(|r| {
                        let call = self.call(*r);
                        call.func == g.func && matches!(call.mode, CallMode::Plain | CallMode::Defer)
                    })
                    .filter_map(|r| self.resolve_call(r));
                for callee in called {
                    if reached.insert(callee) {
                        next.push(callee);
                    }
                }
            }
            frontier = next;
        }
        reached
    }

    /// What the package does with the object at `place`, following it into the
    /// parameters of the package's functions it is passed to.
    pub fn uses(&self, place: &Place) -> Uses {
        let outside = self.reachable_from_outside(place);
        let mut uses = Uses { escapes: outside, escapes_otherwise: outside, ..Uses::default() };
        let mut seen = HashSet::new();
        self.collect_uses(place, &mut uses, &mut seen, 0);
        uses
    }

    fn collect_uses(&self, place: &Place, uses: &mut Uses, seen: &mut HashSet<Place>, depth: usize) {
        if !seen.insert(place.clone()) {
            return;
        }
        let escape = |uses: &mut Uses| {
            uses.escapes = true;
            uses.escapes_otherwise = true;
        };
        if depth > MAX_DEPTH {
            return escape(uses);
        }
        for &r in self.ops_at(place) {
            let op = self.op(r);
            match op.kind {
                OpKind::Pass { call, index } => {
                    let call_ref = CallRef { file: r.file, call };
                    match self.parameter(call_ref, index) {
                        Some(param) => self.collect_uses(&param, uses, seen, depth + 1),
                        None => escape(uses),
                    }
                }
                OpKind::Escape => escape(uses),
                // A getter of the package hands the field to callers the model sees.
                OpKind::Return if !self.is_package_getter(self.op_function(r)) => uses.escapes = true,
                _ => {}
            }
            uses.ops.push(r);
        }
    }

    /// The parameter that argument `index` of a call binds, when the callee is
    /// a function of the package with that many parameters.
    fn parameter(&self, call: CallRef, index: u32) -> Option<Place> {
        let f = self.resolve_call(call)?;
        let function = self.function(f);
        if index >= function.params {
            return None;
        }
        let local = index + u32::from(function.has_receiver);
        // A variadic parameter collects several arguments into a slice: not followed.
        Some(Place::Local { file: f.file, local: LocalRef { func: FuncRef { file: 0, func: f.func }, local } })
    }

    fn is_package_getter(&self, f: FuncRef) -> bool {
        let function = self.function(f);
        function.returns_field.is_some() && !function.name.as_deref().is_some_and(is_exported)
    }

    /// Exported fields and variables can be used by other packages, and a field
    /// may be used where a value of unknown type selects its name.
    pub fn reachable_from_outside(&self, place: &Place) -> bool {
        match place {
            Place::Field { name, .. } => is_exported(name) || self.unresolved_fields.contains(name),
            Place::Global(name) => is_exported(name),
            Place::TimerChannel(inner) | Place::Done(inner) => self.reachable_from_outside(inner),
            Place::Local { .. } => false,
        }
    }

    /// The places whose objects a parameter is bound to at the package's calls
    /// of its function (empty for other places).
    pub fn arguments_bound_to(&self, place: &Place) -> Vec<Place> {
        self.arguments_of(place).into_iter().filter_map(|(r, arg)| self.place_of(r.file, arg)).collect()
    }

    /// The arguments a parameter is bound to at the package's calls of its
    /// function, with the calls (empty for other places, or a parameter the
    /// package never passes).
    pub fn arguments_of(&self, place: &Place) -> Vec<(CallRef, &Value)> {
        let Place::Local { file, local } = place else { return Vec::new() };
        if !self.is_parameter(place) {
            return Vec::new();
        }
        let callee = FuncRef { file: *file, func: local.func.func };
        let index = (local.local - u32::from(self.function(callee).has_receiver)) as usize;
        self.calls()
            .filter(|r| self.resolve_call(*r) == Some(callee))
            .filter_map(|r| Some((r, self.call(r).args.get(index)?)))
            .collect()
    }

    /// Whether a place is a parameter of its function (the receiver is not).
    pub fn is_parameter(&self, place: &Place) -> bool {
        let Place::Local { file, local } = place else { return false };
        let function = self.function(FuncRef { file: *file, func: local.func.func });
        let first = u32::from(function.has_receiver);
        local.local >= first && local.local < first + function.params
    }

    /// The value a local was declared with (`x := v`), unless assigned again.
    pub fn initial_value(&self, place: &Place) -> Option<&Value> {
        let Place::Local { file, local } = place else { return None };
        let l = self.local(*file, *local)?;
        if l.reassigned { None } else { l.init.as_ref() }
    }

    /// The cancel func made together with the context at `ctx`
    /// (`ctx, cancel := context.WithCancel(p)`, `s.ctx, s.cancel = ...`).
    pub fn cancel_of(&self, ctx: &Place) -> Option<Place> {
        match ctx {
            Place::Local { file, local } => {
                let function = self.function(FuncRef { file: *file, func: local.func.func });
                let Some(Value::Call(callee, 0)) = &function.locals.get(local.local as usize)?.init else {
                    return None;
                };
                let next = function.locals.get(local.local as usize + 1)?;
                let made_together =
                    matches!(&next.init, Some(Value::Call(c, 1)) if c == callee && is_cancel_constructor(c));
                made_together
                    .then(|| Place::Local { file: *file, local: LocalRef { local: local.local + 1, ..*local } })
            }
            Place::Field { .. } => self.ops_at(ctx).iter().find_map(|r| {
                let assigned = self.op(*r);
                let file = &self.files[r.file as usize];
                file.ops
                    .iter()
                    .find(|o| o.kind == OpKind::AssignCancel && o.range == assigned.range)
                    .and_then(|o| self.place_of(r.file, &o.target))
            }),
            _ => None,
        }
    }

    /// The file and range a place is declared at (for related locations).
    pub fn declaration_of(&self, place: &Place) -> Option<(u32, std::ops::Range<usize>)> {
        match place {
            Place::Local { file, local } => Some((*file, self.local(*file, *local)?.range.clone())),
            Place::Field { owner, name } => {
                let (f, _) = (*self.types.get(owner)?)?;
                Some((f, self.type_decl(owner)?.field(name)?.range.clone()))
            }
            Place::Global(name) => self.global(name).map(|(f, g)| (f, g.range.clone())),
            Place::TimerChannel(inner) | Place::Done(inner) => self.declaration_of(inner),
        }
    }

    /// The type of the object at a place.
    pub fn place_type(&self, place: &Place) -> Option<Ty> {
        match place {
            Place::Local { file, local } => self.type_of(*file, &Value::Local(*local)),
            Place::Field { owner, name } => Some(self.type_decl(owner)?.field(name)?.ty.clone()),
            Place::Global(name) => self.type_of(0, &Value::Global(name.clone())),
            Place::TimerChannel(_) => Some(Ty::Chan { dir: ChanDir::Receive, elem: "time.Time".into() }),
            Place::Done(_) => Some(Ty::Chan { dir: ChanDir::Receive, elem: "struct{}".into() }),
        }
    }
}

/// Whether a value comes from another package (its fields are that package's).
fn is_foreign(value: &Value) -> bool {
    match value {
        Value::Imported { .. } => true,
        Value::Select(base, _) | Value::Elem(base) | Value::RangeKey(base) => is_foreign(base),
        Value::Call(callee, _) => matches!(&**callee, Callee::Imported { .. }),
        _ => false,
    }
}

/// Whether a Go identifier is exported.
pub fn is_exported(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}
