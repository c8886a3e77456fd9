//! From one parsed file to its [`FileFacts`]: declarations, functions with
//! their locals (scopes resolved), and every operation, call, `select` and loop.
//!
//! One recursive walk per function. Nesting deeper than [`MAX_DEPTH`] syntax
//! levels is not followed: the file is marked [`FileFacts::truncated`] and its
//! package answers "unknown" for everything (hostile input must not overflow
//! the stack, and a half-seen function must not look like one that does nothing).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::path::Path;
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use super::model::*;
use super::relocate::Relocation;
use crate::syntax::go::{self, NodeKind, text};

/// Syntax levels followed inside one declaration.
const MAX_DEPTH: usize = 600;

/// The facts of one file.
pub fn file_facts(source: &str, tree: &Tree, path: Arc<Path>) -> FileFacts {
    let root = tree.root_node();
    let mut x = Extractor::new(source, file_header(source, root, path));
    for decl in go::named_children(root) {
        x.declaration(decl);
    }
    x.facts
}

/// The facts of a file's top-level declarations as last read, so that an
/// editor buffer's facts are rebuilt from those of the declarations an edit
/// left alone and a new read of the others (see [`file_facts_reusing`]).
///
/// A declaration is known by its syntax tree node, not by its text: the same
/// text can parse differently beside a syntax error elsewhere. An incremental
/// parse reuses the nodes of unchanged declarations, and a node's id names one
/// node for as long as its tree lives, so the cache keeps the tree it read.
#[derive(Default)]
pub struct DeclarationCache {
    /// The imports the facts were read with: they name the packages of qualified types.
    imports: Vec<Import>,
    tree: Option<Tree>,
    by_node: HashMap<usize, CachedDeclaration>,
    /// How many declarations the last read took from the cache.
    reused: usize,
}

impl DeclarationCache {
    /// How many declarations the last [`file_facts_reusing`] took from the cache.
    pub fn reused(&self) -> usize {
        self.reused
    }
}

struct CachedDeclaration {
    text: Box<str>,
    /// Where the declaration started when read: its facts' offsets are from then.
    start: usize,
    /// Its facts, as if the file held it alone (the header fields are empty).
    facts: FileFacts,
}

/// As [`file_facts`], reading again only the top-level declarations `cache`
/// does not hold; the cache is left holding this tree's declarations.
pub fn file_facts_reusing(source: &str, tree: &Tree, path: Arc<Path>, cache: &mut DeclarationCache) -> FileFacts {
    let root = tree.root_node();
    let mut facts = file_header(source, root, path);
    if facts.imports != cache.imports {
        cache.imports = facts.imports.clone();
        cache.by_node.clear();
    }
    let mut read = HashMap::new();
    cache.reused = 0;
    for decl in go::named_children(root).into_iter().filter(|d| reads_facts(*d)) {
        let text = &source[decl.byte_range()];
        let entry = match cache.by_node.remove(&decl.id()).filter(|c| &*c.text == text) {
            Some(cached) => {
                cache.reused += 1;
                cached
            }
            None => {
                let mut x = Extractor::new(source, empty_header(&facts.imports));
                x.declaration(decl);
                CachedDeclaration { text: text.into(), start: decl.start_byte(), facts: x.facts }
            }
        };
        append(&mut facts, &entry.facts, decl.start_byte() as isize - entry.start as isize);
        read.insert(decl.id(), entry);
    }
    cache.by_node = read;
    cache.tree = Some(tree.clone());
    facts
}

/// The declarations [`Extractor::declaration`] reads facts from.
fn reads_facts(decl: Node) -> bool {
    matches!(decl.kind_name(), "type_declaration" | "var_declaration" | "function_declaration" | "method_declaration")
}

/// Appends a declaration's facts, moved by `offset` bytes, after those of the
/// declarations before it.
fn append(facts: &mut FileFacts, declaration: &FileFacts, offset: isize) {
    let mut moved = declaration.clone();
    Relocation {
        functions: facts.functions.len() as u32,
        calls: facts.calls.len() as u32,
        selects: facts.selects.len() as u32,
        loops: facts.loops.len() as u32,
        offset,
    }
    .apply(&mut moved);
    facts.types.append(&mut moved.types);
    facts.globals.append(&mut moved.globals);
    facts.functions.append(&mut moved.functions);
    facts.ops.append(&mut moved.ops);
    facts.calls.append(&mut moved.calls);
    facts.selects.append(&mut moved.selects);
    facts.loops.append(&mut moved.loops);
    facts.truncated |= moved.truncated;
}

/// A file's facts before its declarations are read: where it is, its package
/// clause and imports.
fn file_header(source: &str, root: Node, path: Arc<Path>) -> FileFacts {
    let imports = go::import_specs(root)
        .into_iter()
        .filter_map(|spec| {
            let path = text(spec.child_by_field_name("path")?, source).trim_matches(|c| c == '"' || c == '`');
            let name = match spec.child_by_field_name("name") {
                Some(alias) if alias.kind_name() == "package_identifier" => text(alias, source).to_string(),
                Some(_) => return None, // blank and dot imports give no name
                None => path.rsplit('/').next().unwrap_or(path).to_string(),
            };
            Some(Import { name, path: path.to_string() })
        })
        .collect();
    FileFacts {
        path,
        source_hash: source_hash(source),
        package: go::package_name(root, source).unwrap_or_default().to_string(),
        imports,
        ..empty_header(&[])
    }
}

/// Facts with nothing in them, read with `imports`.
fn empty_header(imports: &[Import]) -> FileFacts {
    FileFacts {
        path: Arc::from(Path::new("")),
        source_hash: 0,
        package: String::new(),
        imports: imports.to_vec(),
        types: Vec::new(),
        globals: Vec::new(),
        functions: Vec::new(),
        ops: Vec::new(),
        calls: Vec::new(),
        selects: Vec::new(),
        loops: Vec::new(),
        truncated: false,
    }
}

struct Extractor<'s> {
    src: &'s str,
    facts: FileFacts,
    /// Names in scope, innermost last; each scope belongs to the function being walked
    /// or to one enclosing it (function literals capture).
    scopes: Vec<Vec<(String, LocalRef)>>,
    /// The functions being walked, innermost last.
    funcs: Vec<u32>,
    /// The loops being walked, innermost last, with their function.
    loops: Vec<(u32, u32)>,
    /// The select case whose communication is being walked.
    case: Option<SelectCase>,
    /// Walking the call of a `defer` statement.
    deferred: bool,
    /// How many `if`, `switch`, `select` and `for` statements of the current
    /// function enclose the walk.
    branches: u32,
    /// Function literals by start byte.
    literals: HashMap<usize, u32>,
}

impl<'s> Extractor<'s> {
    fn new(src: &'s str, facts: FileFacts) -> Self {
        Extractor {
            src,
            facts,
            scopes: Vec::new(),
            funcs: Vec::new(),
            loops: Vec::new(),
            case: None,
            deferred: false,
            branches: 0,
            literals: HashMap::new(),
        }
    }

    /// Reads the facts of a top-level declaration.
    fn declaration(&mut self, decl: Node) {
        match decl.kind_name() {
            "type_declaration" => self.type_declaration(decl),
            "var_declaration" => self.global_vars(decl),
            "function_declaration" | "method_declaration" => {
                self.function(decl, None, 0);
            }
            _ => {}
        }
    }

    fn file_ref(&self, func: u32) -> FuncRef {
        FuncRef { file: 0, func }
    }

    fn import_path(&self, name: &str) -> Option<&str> {
        self.facts.imports.iter().find(|i| i.name == name).map(|i| i.path.as_str())
    }

    // ---- types and declarations ----

    fn ty(&self, node: Node) -> Ty {
        let src = self.src;
        match node.kind_name() {
            "channel_type" => {
                let whole = text(node, src);
                let dir = if whole.starts_with("<-") {
                    ChanDir::Receive
                } else if whole.starts_with("chan<-") || whole.starts_with("chan <-") {
                    ChanDir::Send
                } else {
                    ChanDir::Both
                };
                let elem = node.child_by_field_name("value").map(|v| text(v, src)).unwrap_or("").to_string();
                Ty::Chan { dir, elem }
            }
            "pointer_type" => match node.named_child(0) {
                Some(inner) => Ty::Pointer(Box::new(self.ty(inner))),
                None => Ty::Other(text(node, src).to_string()),
            },
            "type_identifier" => Ty::Named { package: None, name: text(node, src).to_string() },
            "qualified_type" => {
                let package = node.child_by_field_name("package").map(|p| text(p, src)).unwrap_or("");
                let name = node.child_by_field_name("name").map(|n| text(n, src)).unwrap_or("");
                let package = self.import_path(package).unwrap_or(package).to_string();
                Ty::Named { package: Some(package), name: name.to_string() }
            }
            "generic_type" | "parenthesized_type" => {
                match node.child_by_field_name("type").or_else(|| node.named_child(0)) {
                    Some(inner) => self.ty(inner),
                    None => Ty::Other(text(node, src).to_string()),
                }
            }
            _ => Ty::Other(text(node, src).to_string()),
        }
    }

    fn type_declaration(&mut self, decl: Node) {
        for spec in go::named_children(decl) {
            if !matches!(spec.kind_name(), "type_spec" | "type_alias") {
                continue;
            }
            let (Some(name), Some(ty)) = (spec.child_by_field_name("name"), spec.child_by_field_name("type")) else {
                continue;
            };
            let fields = (ty.kind_name() == "struct_type").then(|| self.struct_fields(ty));
            self.facts.types.push(TypeDecl {
                name: text(name, self.src).to_string(),
                fields,
                name_range: name.byte_range(),
            });
        }
    }

    fn struct_fields(&self, struct_type: Node) -> Vec<Field> {
        let mut out = Vec::new();
        let Some(list) =
            go::named_children(struct_type).into_iter().find(|n| n.kind_name() == "field_declaration_list")
        else {
            return out;
        };
        for decl in go::named_children(list).into_iter().filter(|n| n.kind_name() == "field_declaration") {
            let Some(ty_node) = decl.child_by_field_name("type") else { continue };
            let ty = self.ty(ty_node);
            let mut cursor = decl.walk();
            let names: Vec<Node> = decl.children_by_field_name("name", &mut cursor).collect();
            if names.is_empty() {
                let name = match ty.pointee() {
                    Ty::Named { name, .. } => name.clone(),
                    _ => continue,
                };
                out.push(Field { name, ty: ty.clone(), embedded: true, range: decl.byte_range() });
            }
            for name in names {
                out.push(Field {
                    name: text(name, self.src).to_string(),
                    ty: ty.clone(),
                    embedded: false,
                    range: name.byte_range(),
                });
            }
        }
        out
    }

    fn global_vars(&mut self, decl: Node) {
        for spec in go::descendants_of_kind(decl, "var_spec") {
            let declared = spec.child_by_field_name("type").map(|t| self.ty(t));
            let values = spec.child_by_field_name("value").map(go::named_children).unwrap_or_default();
            let mut cursor = spec.walk();
            let names: Vec<Node> = spec.children_by_field_name("name", &mut cursor).collect();
            for (i, name) in names.iter().enumerate() {
                let init = (names.len() == values.len()).then(|| self.value(values[i]));
                self.facts.globals.push(Global {
                    name: text(*name, self.src).to_string(),
                    declared: declared.clone(),
                    init,
                    range: name.byte_range(),
                });
            }
        }
    }

    // ---- functions ----

    /// Adds a function (declaration, method or literal) and walks its body.
    fn function(&mut self, node: Node, parent: Option<u32>, depth: usize) -> u32 {
        let src = self.src;
        let kind = match node.kind_name() {
            "function_declaration" => FunctionKind::Function,
            "method_declaration" => FunctionKind::Method,
            _ => FunctionKind::Literal,
        };
        let index = self.facts.functions.len() as u32;
        if kind == FunctionKind::Literal {
            self.literals.insert(node.start_byte(), index);
        }
        let name_node = node.child_by_field_name("name");
        let receiver = go::receiver(node, src);
        let mut locals = Vec::new();
        let has_receiver = receiver.as_ref().is_some_and(|r| r.name != "_" && !r.ty.is_empty());
        let receiver_ty = receiver.as_ref().and_then(|r| {
            let list = node.child_by_field_name("receiver")?;
            let decl = go::named_children(list).into_iter().find(|n| n.kind_name() == "parameter_declaration")?;
            let _ = r;
            Some((decl.child_by_field_name("name"), self.ty(decl.child_by_field_name("type")?)))
        });
        if has_receiver && let Some((Some(name), ty)) = &receiver_ty {
            locals.push(Local {
                name: text(*name, src).to_string(),
                declared: Some(ty.clone()),
                init: None,
                reassigned: false,
                range: name.byte_range(),
            });
        }
        let has_receiver = locals.len() == 1;
        let mut params = 0;
        if let Some(list) = node.child_by_field_name("parameters") {
            for decl in go::named_children(list) {
                if !matches!(decl.kind_name(), "parameter_declaration" | "variadic_parameter_declaration") {
                    continue;
                }
                let declared = decl.child_by_field_name("type").map(|t| self.ty(t));
                let mut cursor = decl.walk();
                let names: Vec<Node> = decl.children_by_field_name("name", &mut cursor).collect();
                if names.is_empty() {
                    locals.push(Local {
                        name: "_".into(),
                        declared: declared.clone(),
                        init: None,
                        reassigned: false,
                        range: decl.byte_range(),
                    });
                    params += 1;
                }
                for name in names {
                    locals.push(Local {
                        name: text(name, src).to_string(),
                        declared: declared.clone(),
                        init: None,
                        reassigned: false,
                        range: name.byte_range(),
                    });
                    params += 1;
                }
            }
        }
        let results = match node.child_by_field_name("result") {
            Some(r) if r.kind_name() == "parameter_list" => go::named_children(r)
                .into_iter()
                .filter(|d| d.kind_name() == "parameter_declaration")
                .flat_map(|d| {
                    let ty = d.child_by_field_name("type").map(|t| self.ty(t)).unwrap_or(Ty::Other(String::new()));
                    let mut cursor = d.walk();
                    let n = d.children_by_field_name("name", &mut cursor).count().max(1);
                    std::iter::repeat_n(ty, n)
                })
                .collect(),
            Some(r) => vec![self.ty(r)],
            None => Vec::new(),
        };
        let body = go::body(node);
        let returns_field = body.and_then(|b| self.returned_field(b, locals.first().filter(|_| has_receiver)));
        self.facts.functions.push(Function {
            kind,
            name: name_node.map(|n| text(n, src).to_string()),
            receiver_type: receiver_ty.and_then(|(_, ty)| ty.local_name().map(str::to_string)),
            parent,
            locals,
            params,
            has_receiver,
            results,
            range: node.byte_range(),
            name_range: name_node.map(|n| n.byte_range()).unwrap_or(node.start_byte()..node.start_byte() + 4),
            body: body.map(|b| b.byte_range()),
            returns_field,
            returns: Vec::new(),
        });
        if let Some(body) = body {
            let f = &self.facts.functions[index as usize];
            let scope = f.locals.iter().enumerate().map(|(i, l)| (l.name.clone(), self.local_ref(index, i))).collect();
            self.scopes.push(scope);
            self.funcs.push(index);
            let (case, deferred) = (self.case.take(), std::mem::replace(&mut self.deferred, false));
            let branches = std::mem::replace(&mut self.branches, 0);
            self.visit(body, depth + 1);
            (self.case, self.deferred, self.branches) = (case, deferred, branches);
            self.funcs.pop();
            self.scopes.pop();
        }
        index
    }

    /// `return recv.field` as the whole body.
    fn returned_field(&self, body: Node, receiver: Option<&Local>) -> Option<String> {
        let receiver = receiver?;
        let stmts = go::named_children(body);
        let list = stmts.iter().find(|n| n.kind_name() == "statement_list").copied().unwrap_or(body);
        let stmts: Vec<Node> = go::named_children(list).into_iter().filter(|n| n.kind_name() != "comment").collect();
        let [ret] = stmts.as_slice() else { return None };
        if ret.kind_name() != "return_statement" {
            return None;
        }
        let list = ret.named_child(0)?;
        let value = if list.kind_name() == "expression_list" { list.named_child(0)? } else { list };
        let value = go::unparen(value);
        if value.kind_name() != "selector_expression" {
            return None;
        }
        let operand = value.child_by_field_name("operand")?;
        (go::is_ident(operand, self.src, &receiver.name))
            .then(|| value.child_by_field_name("field").map(|f| text(f, self.src).to_string()))?
    }

    fn local_ref(&self, func: u32, local: usize) -> LocalRef {
        LocalRef { func: self.file_ref(func), local: local as u32 }
    }

    fn current(&self) -> u32 {
        *self.funcs.last().expect("walking a function")
    }

    fn lookup(&self, name: &str) -> Option<LocalRef> {
        self.scopes.iter().rev().find_map(|s| s.iter().rev().find(|(n, _)| n == name).map(|(_, r)| *r))
    }

    /// Declares a local of the current function in the innermost scope.
    fn declare(&mut self, name_node: Node, declared: Option<Ty>, init: Option<Value>) -> Option<LocalRef> {
        let name = text(name_node, self.src);
        if name == "_" {
            return None;
        }
        let func = self.current();
        let locals = &mut self.facts.functions[func as usize].locals;
        locals.push(Local { name: name.to_string(), declared, init, reassigned: false, range: name_node.byte_range() });
        let index = locals.len() - 1;
        let r = self.local_ref(func, index);
        self.scopes.last_mut().expect("a scope").push((name.to_string(), r));
        Some(r)
    }

    fn in_loop(&self) -> Option<u32> {
        let func = self.current();
        self.loops.last().filter(|(f, _)| *f == func).map(|(_, l)| *l)
    }

    fn op(&mut self, kind: OpKind, target: Value, node: Node) {
        if matches!(target, Value::Unknown) {
            return;
        }
        let op = Op {
            kind,
            target,
            func: self.current(),
            range: node.byte_range(),
            in_loop: self.in_loop(),
            deferred: self.deferred,
            conditional: self.branches > 0,
        };
        self.facts.ops.push(op);
    }

    // ---- values ----

    /// The value of an expression, without side effects.
    fn value(&self, node: Node) -> Value {
        let src = self.src;
        let node = go::unparen(node);
        match node.kind_name() {
            "identifier" => {
                let name = text(node, src);
                match self.lookup(name) {
                    Some(r) => Value::Local(r),
                    None if matches!(name, "nil" | "true" | "false" | "iota" | "_") => Value::Unknown,
                    None => Value::Global(name.to_string()),
                }
            }
            "selector_expression" => {
                let (Some(operand), Some(field)) =
                    (node.child_by_field_name("operand"), node.child_by_field_name("field"))
                else {
                    return Value::Unknown;
                };
                let field = text(field, src).to_string();
                if operand.kind_name() == "identifier"
                    && self.lookup(text(operand, src)).is_none()
                    && let Some(path) = self.import_path(text(operand, src))
                {
                    return Value::Imported { package: path.to_string(), name: field };
                }
                // An unknown base is kept: the package counts selections it
                // cannot resolve, which may be of any of its fields of that name.
                Value::Select(Box::new(self.value(operand)), field)
            }
            "type_assertion_expression" => match node.child_by_field_name("type") {
                Some(t) => Value::Typed(self.ty(t)),
                None => Value::Unknown,
            },
            "index_expression" => match node.child_by_field_name("operand") {
                Some(o) => Value::Elem(Box::new(self.value(o))),
                None => Value::Unknown,
            },
            "call_expression" => {
                let callee = self.callee(node);
                match &callee {
                    Callee::Name(n) if n == "make" || n == "new" => {
                        let args = go::call_args(node);
                        let ty = args.first().map(|t| self.ty(*t));
                        match (n.as_str(), ty) {
                            ("make", Some(ty)) => Value::Make(ty, self.capacity(args.get(1).copied())),
                            ("new", Some(ty)) => Value::New(ty),
                            _ => Value::Unknown,
                        }
                    }
                    Callee::Unknown => Value::Unknown,
                    _ => Value::Call(Box::new(callee), 0),
                }
            }
            "unary_expression" if node.child_by_field_name("operator").is_some_and(|o| text(o, src) == "&") => {
                node.child_by_field_name("operand").map(|o| self.value(o)).unwrap_or(Value::Unknown)
            }
            "composite_literal" => match node.child_by_field_name("type") {
                Some(t) => Value::New(self.ty(t)),
                None => Value::Unknown,
            },
            "func_literal" => {
                self.literals.get(&node.start_byte()).map(|&i| Value::Literal(i)).unwrap_or(Value::Unknown)
            }
            _ => Value::Unknown,
        }
    }

    /// A `make`'s capacity argument: absent is 0, an integer literal is its value.
    fn capacity(&self, arg: Option<Node>) -> Capacity {
        match arg.map(go::unparen) {
            None => Capacity::Const(0),
            Some(n) if n.kind_name() == "int_literal" => {
                text(n, self.src).replace('_', "").parse().map(Capacity::Const).unwrap_or(Capacity::Unknown)
            }
            Some(_) => Capacity::Unknown,
        }
    }

    fn callee(&self, call: Node) -> Callee {
        let src = self.src;
        let Some(function) = call.child_by_field_name("function").map(go::unparen) else {
            return Callee::Unknown;
        };
        match function.kind_name() {
            "identifier" => {
                let name = text(function, src);
                match self.lookup(name) {
                    Some(r) => Callee::Local(r),
                    None => Callee::Name(name.to_string()),
                }
            }
            "selector_expression" => match self.value(function) {
                Value::Imported { package, name } => Callee::Imported { package, name },
                Value::Select(base, name) => Callee::Method(*base, name),
                _ => Callee::Unknown,
            },
            "func_literal" => {
                self.literals.get(&function.start_byte()).map(|&i| Callee::Literal(i)).unwrap_or(Callee::Unknown)
            }
            _ => Callee::Unknown,
        }
    }

    /// Whether an expression names something an operation can be about
    /// (a variable or a selection), as opposed to a literal or a computation.
    fn is_trackable(node: Node) -> bool {
        matches!(go::unparen(node).kind_name(), "identifier" | "selector_expression")
    }

    // ---- the walk ----

    fn visit(&mut self, node: Node, depth: usize) {
        if depth > MAX_DEPTH {
            self.facts.truncated = true;
            return;
        }
        let d = depth + 1;
        match node.kind_name() {
            "func_literal" => {
                let parent = self.current();
                self.function(node, Some(parent), d);
            }
            "block" => self.scoped(|x| x.children(node, d)),
            "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
                self.branches += 1;
                self.scoped(|x| x.children(node, d));
                self.branches -= 1;
            }
            "expression_case" | "default_case" | "type_case" => self.scoped(|x| x.children(node, d)),
            "short_var_declaration" => self.short_var(node, d),
            "var_declaration" => self.local_vars(node, d),
            "assignment_statement" => self.assignment(node, d),
            "send_statement" => {
                self.children(node, d);
                if let Some(ch) = node.child_by_field_name("channel") {
                    let select = self.case.take();
                    self.op(OpKind::Send { select }, self.value(ch), node);
                    self.case = select;
                }
                if let Some(v) = node.child_by_field_name("value").filter(|v| Self::is_trackable(*v)) {
                    self.op(OpKind::Escape, self.value(v), v);
                }
            }
            "unary_expression" if go::receive_operand(node).is_some() => {
                self.children(node, d);
                let operand = go::receive_operand(node).expect("checked");
                let form = match self.case {
                    Some(case) if self.is_case_communication(node) => ReceiveForm::Select(case),
                    _ if Self::is_comma_ok(node) => ReceiveForm::CommaOk,
                    _ => ReceiveForm::Plain,
                };
                self.op(OpKind::Receive { form }, self.value(operand), node);
            }
            "for_statement" | "select_statement" => {
                self.branches += 1;
                if node.kind_name() == "for_statement" {
                    self.for_statement(node, d);
                } else {
                    self.select(node, d);
                }
                self.branches -= 1;
            }
            "go_statement" | "defer_statement" => {
                let Some(call) = go::go_call(node) else {
                    return self.children(node, d);
                };
                let mode = if node.kind_name() == "go_statement" { CallMode::Go } else { CallMode::Defer };
                let was = std::mem::replace(&mut self.deferred, mode == CallMode::Defer);
                self.call(call, mode, d);
                self.deferred = was;
            }
            "call_expression" => self.call(node, CallMode::Plain, d),
            "return_statement" => {
                let func = self.current() as usize;
                if let Some(f) = self.facts.functions.get_mut(func) {
                    f.returns.push(node.byte_range());
                }
                self.children(node, d);
                let values = node
                    .named_child(0)
                    .map(|l| if l.kind_name() == "expression_list" { go::named_children(l) } else { vec![l] });
                for v in values.unwrap_or_default().into_iter().filter(|v| Self::is_trackable(*v)) {
                    self.op(OpKind::Return, self.value(v), v);
                }
            }
            "composite_literal" => self.composite(node, d),
            "keyed_element" | "literal_element" | "literal_value" => self.children(node, d),
            _ => self.children(node, d),
        }
    }

    fn children(&mut self, node: Node, depth: usize) {
        let mut cursor = node.walk();
        let kids: Vec<Node> = node.named_children(&mut cursor).collect();
        for child in kids {
            self.visit(child, depth);
        }
    }

    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(Vec::new());
        f(self);
        self.scopes.pop();
    }

    /// Whether a receive is the communication of the select case being walked
    /// (`case <-ch:`, `case v := <-ch:`), not a receive inside its operands.
    fn is_case_communication(&self, recv: Node) -> bool {
        let Some(parent) = recv.parent() else { return false };
        match parent.kind_name() {
            "communication_case" => true,
            "receive_statement" => parent.parent().is_some_and(|p| p.kind_name() == "communication_case"),
            _ => false,
        }
    }

    /// `v, ok := <-ch` / `v, ok = <-ch`.
    fn is_comma_ok(recv: Node) -> bool {
        let Some(list) = recv.parent().filter(|p| p.kind_name() == "expression_list") else { return false };
        let Some(stmt) = list.parent() else { return false };
        matches!(stmt.kind_name(), "short_var_declaration" | "assignment_statement")
            && stmt.child_by_field_name("left").is_some_and(|l| l.named_child_count() == 2)
            && list.named_child_count() == 1
    }

    fn short_var(&mut self, node: Node, d: usize) {
        let (Some(left), Some(right)) = (node.child_by_field_name("left"), node.child_by_field_name("right")) else {
            return self.children(node, d);
        };
        self.visit(right, d);
        let lefts = go::named_children(left);
        let rights = go::named_children(right);
        for (i, l) in lefts.iter().enumerate() {
            let init = self.init_value(&lefts, &rights, i);
            // `:=` redeclares names of the same scope: those are assignments.
            let name = text(*l, self.src);
            let redeclared = self.scopes.last().is_some_and(|s| s.iter().any(|(n, _)| n == name));
            if redeclared {
                self.assign_to(*l, init, node);
            } else {
                self.declare(*l, None, init);
            }
        }
        self.right_side_escapes(&rights, &lefts);
    }

    /// What the `i`th name of `lefts = rights` is given: one value per name, or the
    /// `i`th result of a single call.
    fn init_value(&self, lefts: &[Node], rights: &[Node], i: usize) -> Option<Value> {
        if lefts.len() == rights.len() {
            return Some(self.value(rights[i]));
        }
        match rights {
            [call] if go::unparen(*call).kind_name() == "call_expression" => match self.value(*call) {
                Value::Call(callee, _) => Some(Value::Call(callee, i as u32)),
                _ => None,
            },
            _ => None,
        }
    }

    /// A tracked value assigned into something other than a fresh local is stored
    /// where the model does not follow it.
    fn right_side_escapes(&mut self, rights: &[Node], lefts: &[Node]) {
        if lefts.len() != rights.len() {
            return;
        }
        for (l, r) in lefts.iter().zip(rights) {
            if Self::is_trackable(*r) && go::unparen(*l).kind_name() != "identifier" {
                self.op(OpKind::Escape, self.value(*r), *r);
            }
        }
    }

    fn local_vars(&mut self, node: Node, d: usize) {
        for spec in go::descendants_of_kind(node, "var_spec") {
            let declared = spec.child_by_field_name("type").map(|t| self.ty(t));
            let value_list = spec.child_by_field_name("value");
            if let Some(v) = value_list {
                self.visit(v, d);
            }
            let values = value_list.map(go::named_children).unwrap_or_default();
            let mut cursor = spec.walk();
            let names: Vec<Node> = spec.children_by_field_name("name", &mut cursor).collect();
            for (i, name) in names.iter().enumerate() {
                let init = if values.is_empty() { None } else { self.init_value(&names, &values, i) };
                self.declare(*name, declared.clone(), init);
            }
        }
    }

    fn assignment(&mut self, node: Node, d: usize) {
        let (Some(left), Some(right)) = (node.child_by_field_name("left"), node.child_by_field_name("right")) else {
            return self.children(node, d);
        };
        self.visit(right, d);
        let lefts = go::named_children(left);
        let rights = go::named_children(right);
        // The targets' own operands (`a[i] = ...`, `s.f = ...`) are uses too.
        for l in &lefts {
            if go::unparen(*l).kind_name() != "identifier" {
                self.visit(*l, d);
            }
        }
        let plain = node.child_by_field_name("operator").is_some_and(|o| text(o, self.src) == "=");
        for (i, l) in lefts.iter().enumerate() {
            let init = if plain { self.init_value(&lefts, &rights, i) } else { None };
            self.assign_to(*l, init, node);
        }
        self.right_side_escapes(&rights, &lefts);
        // A channel copied into a local that already exists (`queue = s.queue`)
        // is another name for it, and that local is not followed as an alias.
        if plain && lefts.len() == rights.len() {
            for (l, r) in lefts.iter().zip(&rights) {
                let l = go::unparen(*l);
                if Self::is_trackable(*r) && l.kind_name() == "identifier" && text(l, self.src) != "_" {
                    self.op(OpKind::Escape, self.value(*r), *r);
                }
            }
        }
    }

    /// Records that `target` is assigned `value` (None: something unknown).
    fn assign_to(&mut self, target: Node, value: Option<Value>, stmt: Node) {
        let target = go::unparen(target);
        let place = self.value(target);
        if let Value::Local(r) = place {
            let f = &mut self.facts.functions[r.func.func as usize];
            let mut declared_with = None;
            if let Some(local) = f.locals.get_mut(r.local as usize) {
                if !local.reassigned {
                    declared_with = local.init.clone().filter(|v| matches!(v, Value::Select(..) | Value::Call(..)));
                }
                local.reassigned = true;
            }
            // Once reassigned, a local no longer stands for the field (or
            // getter's result) it was declared with, and what is done with
            // it is done to that field unseen (`records := a.records` then
            // `records = nil` to turn its case off).
            if let Some(v) = declared_with {
                self.op(OpKind::Escape, v, stmt);
            }
        }
        if matches!(place, Value::Local(_) | Value::Select(..) | Value::Global(_)) {
            let mut kind = assignment_kind(value.as_ref());
            // A fresh local cancel func stored away is the cancel func itself; a
            // local channel stored away is another name for one channel (not followed).
            if kind == OpKind::Assign
                && let Some(v) = value.as_ref()
                && assignment_kind(Some(self.through_fresh_local(v))) == OpKind::AssignCancel
            {
                kind = OpKind::AssignCancel;
            }
            self.op(kind, place, stmt);
        } else if target.kind_name() == "unary_expression" {
            // `*p = v`: every field of what p points at.
            if let Some(operand) = target.child_by_field_name("operand") {
                let base = self.value(operand);
                self.op(OpKind::AssignAll, base, stmt);
            }
        }
    }

    /// A local that still holds what it was declared with stands for that value
    /// (`ctx, cancel := context.WithCancel(p); s.cancel = cancel`).
    fn through_fresh_local<'v>(&'v self, value: &'v Value) -> &'v Value {
        if let Value::Local(r) = value
            && let Some(local) =
                self.facts.functions.get(r.func.func as usize).and_then(|f| f.locals.get(r.local as usize))
            && !local.reassigned
            && let Some(init) = &local.init
        {
            return init;
        }
        value
    }

    fn for_statement(&mut self, node: Node, d: usize) {
        self.scoped(|x| {
            let func = x.current();
            let has_condition = go::named_children(node).iter().any(|c| match c.kind_name() {
                "for_clause" => c.child_by_field_name("condition").is_some(),
                "block" | "comment" | "range_clause" => false,
                _ => true,
            });
            let exits = go::loop_exits(node, x.src).iter().map(|n| n.byte_range()).collect();
            let index = x.facts.loops.len() as u32;
            x.facts.loops.push(Loop { func, range: node.byte_range(), has_condition, exits });
            for child in go::named_children(node) {
                match child.kind_name() {
                    "range_clause" => {
                        if let Some(right) = child.child_by_field_name("right") {
                            x.visit(right, d);
                            // The range itself runs once per iteration: it belongs to the loop.
                            x.loops.push((func, index));
                            x.op(OpKind::Range, x.value(right), child);
                            x.loops.pop();
                        }
                        if let Some(left) = child.child_by_field_name("left") {
                            let ranged = child.child_by_field_name("right").map(|r| Box::new(x.value(r)));
                            for (i, name) in go::named_children(left).into_iter().enumerate() {
                                if name.kind_name() == "identifier" {
                                    let init = ranged.clone().map(if i == 0 { Value::RangeKey } else { Value::Elem });
                                    x.declare(name, None, init);
                                }
                            }
                        }
                    }
                    "block" => {
                        x.loops.push((func, index));
                        x.visit(child, d);
                        x.loops.pop();
                    }
                    _ => x.visit(child, d),
                }
            }
        });
    }

    fn select(&mut self, node: Node, d: usize) {
        let func = self.current();
        let index = self.facts.selects.len() as u32;
        let in_loop = self.in_loop();
        let loop_node = go::enclosing_loop(node).filter(|l| go::enclosing_function(*l) == go::enclosing_function(node));
        let exits: Vec<std::ops::Range<usize>> =
            loop_node.map(|l| go::loop_exits(l, self.src).iter().map(|n| n.byte_range()).collect()).unwrap_or_default();
        let mut has_default = false;
        let mut cases = Vec::new();
        for case in go::named_children(node) {
            match case.kind_name() {
                "default_case" => has_default = true,
                "communication_case" => {
                    let comm = case.child_by_field_name("communication");
                    let receives = comm.and_then(|c| {
                        let recv =
                            if c.kind_name() == "receive_statement" { c.child_by_field_name("right")? } else { c };
                        go::receive_operand(go::unparen(recv)).map(|o| self.value(o))
                    });
                    let sends = comm
                        .filter(|c| c.kind_name() == "send_statement")
                        .and_then(|c| c.child_by_field_name("channel"))
                        .map(|ch| self.value(ch));
                    let body_start = comm.map(|c| c.end_byte()).unwrap_or(case.start_byte());
                    let own = case_statements(case, body_start);
                    let leaves_function = own.iter().any(|s| s.kind_name() == "return_statement");
                    let jumps = own.iter().filter(|s| {
                        matches!(
                            s.kind_name(),
                            "return_statement" | "break_statement" | "goto_statement" | "continue_statement"
                        )
                    });
                    let leaves_loop = jumps.into_iter().any(|s| exits.contains(&s.byte_range()));
                    let header_end = comm.map(|c| c.end_byte() + 1).unwrap_or(case.start_byte()).min(case.end_byte());
                    cases.push(Case {
                        range: case.start_byte()..header_end,
                        receives,
                        sends,
                        leaves_loop,
                        leaves_function,
                    });
                }
                _ => {}
            }
        }
        self.facts.selects.push(Select { func, range: node.byte_range(), has_default, cases, in_loop });
        let mut case_index = 0;
        for case in go::named_children(node) {
            match case.kind_name() {
                "communication_case" => {
                    let sc = SelectCase { select: index, case: case_index };
                    case_index += 1;
                    self.scoped(|x| {
                        for child in go::named_children(case) {
                            let is_comm = case.child_by_field_name("communication") == Some(child);
                            let was = std::mem::replace(&mut x.case, is_comm.then_some(sc));
                            x.visit(child, d);
                            x.case = was;
                        }
                    });
                }
                _ => self.visit(case, d),
            }
        }
    }

    fn call(&mut self, call: Node, mode: CallMode, d: usize) {
        // Operands first: a literal callee or argument gets its index.
        let deferred = self.deferred;
        self.deferred = false;
        self.children(call, d);
        self.deferred = deferred;
        let callee = self.callee(call);
        let args = go::call_args(call);
        let index = self.facts.calls.len() as u32;
        let group_go = matches!(&callee, Callee::Method(_, m) if m == "Go")
            && args.len() == 1
            && args[0].kind_name() == "func_literal";
        let mode = if group_go && mode == CallMode::Plain { CallMode::GroupGo } else { mode };
        match &callee {
            Callee::Name(n) if n == "close" => {
                if let Some(ch) = args.first() {
                    self.op(OpKind::Close, self.value(*ch), call);
                }
            }
            Callee::Name(n) if matches!(n.as_str(), "len" | "cap" | "make" | "new" | "append" | "panic") => {}
            Callee::Method(base, m) if is_sync_method(m) => self.op(OpKind::Method(m.clone()), base.clone(), call),
            Callee::Local(r) => self.op(OpKind::Call, Value::Local(*r), call),
            _ => {}
        }
        if let Callee::Method(base, name) = &callee {
            // `s.cancel()` may call a function-typed field: recorded as a call of the selection.
            self.op(OpKind::Call, Value::Select(Box::new(base.clone()), name.clone()), call);
        }
        let arg_values: Vec<Value> = args.iter().map(|a| self.value(*a)).collect();
        let counted =
            !matches!(&callee, Callee::Name(n) if matches!(n.as_str(), "close" | "len" | "cap" | "make" | "new"));
        if counted {
            for (i, a) in args.iter().enumerate() {
                if Self::is_trackable(*a) {
                    self.op(OpKind::Pass { call: index, index: i as u32 }, arg_values[i].clone(), *a);
                }
            }
        }
        let in_loop = self.in_loop();
        self.facts.calls.push(Call {
            callee,
            func: self.current(),
            range: call.byte_range(),
            args: arg_values,
            mode,
            in_loop,
        });
    }

    fn composite(&mut self, node: Node, d: usize) {
        self.children(node, d);
        let Some(ty) = node.child_by_field_name("type").map(|t| self.ty(t)) else { return };
        if let Some(body) = node.child_by_field_name("body") {
            self.literal_elements(body, ty, 0);
        }
    }

    /// The elements of a composite literal of type `ty`: a struct's fields
    /// set by name or all at once, or, for slices, arrays and maps, the
    /// elements whose type is elided (`[]T{{done: make(chan bool)}}`).
    fn literal_elements(&mut self, body: Node, ty: Ty, depth: usize) {
        if depth > MAX_DEPTH {
            self.facts.truncated = true;
            return;
        }
        let element_ty = ty.pointee().element();
        let fresh = Value::New(ty);
        for element in go::named_children(body) {
            let parts = go::named_children(element);
            let (key, value) = match element.kind_name() {
                "keyed_element" => (parts.first().copied(), parts.get(1).copied()),
                "literal_element" => (None, Some(element)),
                _ => continue,
            };
            let Some(value) = value.map(|v| go::named_children(v).into_iter().next().unwrap_or(v)) else { continue };
            if let Some(elem) = &element_ty {
                if value.kind_name() == "literal_value" {
                    self.literal_elements(value, elem.clone(), depth + 1);
                } else if Self::is_trackable(value) {
                    self.op(OpKind::Escape, self.value(value), value);
                }
                continue;
            }
            match key.map(|k| go::named_children(k).into_iter().next().unwrap_or(k)) {
                Some(key) if matches!(key.kind_name(), "identifier" | "field_identifier") => {
                    let target = Value::Select(Box::new(fresh.clone()), text(key, self.src).to_string());
                    let kind = assignment_kind(Some(&self.value(value)));
                    self.op(kind, target, element);
                }
                Some(_) => continue,
                None => self.op(OpKind::AssignAll, fresh.clone(), element),
            }
            if Self::is_trackable(value) {
                self.op(OpKind::Escape, self.value(value), value);
            }
        }
    }
}

/// A hash of a file's text (see [`FileFacts::source_hash`]).
pub fn source_hash(source: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x1ea6).hash_one(source)
}

/// What assigning `value` does to its target.
fn assignment_kind(value: Option<&Value>) -> OpKind {
    match value {
        Some(Value::Make(ty, capacity)) if ty.is_chan() => OpKind::Make { capacity: *capacity },
        Some(Value::Call(callee, 1)) if is_cancel_constructor(callee) => OpKind::AssignCancel,
        _ => OpKind::Assign,
    }
}

/// `context.WithCancel` and friends: their second result is a cancel func.
pub fn is_cancel_constructor(callee: &Callee) -> bool {
    matches!(callee, Callee::Imported { package, name } if package == "context"
        && matches!(name.as_str(), "WithCancel" | "WithTimeout" | "WithDeadline" | "WithCancelCause" | "WithTimeoutCause" | "WithDeadlineCause"))
}

/// Methods whose calls say something about a synchronisation object.
fn is_sync_method(name: &str) -> bool {
    matches!(name, "Stop" | "Reset" | "Add" | "Done" | "Wait" | "Go" | "Lock" | "Unlock" | "RLock" | "RUnlock")
}

/// The statements of a select case's own body (after its communication), not
/// those nested in an `if` or a loop inside it.
fn case_statements(case: Node, body_start: usize) -> Vec<Node> {
    let mut out = Vec::new();
    for child in go::named_children(case).into_iter().filter(|c| c.start_byte() >= body_start) {
        if child.kind_name() == "statement_list" {
            out.extend(go::named_children(child));
        } else {
            out.push(child);
        }
    }
    out
}
