//! What a function declaration refers to in the rest of its file: the edges an
//! edit spreads along.
//!
//! The rules look across functions only through names: a called function by
//! its name, a method by its name on a value of its receiver type, a type's
//! methods through the type. Matching bare words makes every method named
//! `Stop` or `lookup` depend on every other, and every function using a local
//! called `ctx` depend on every other, so in real code an edit redid the whole
//! file. These references keep what binds a name: locals and parameters are
//! nobody else's business, `s.lookup()` with `s *Store` reaches `Store.lookup`
//! only, and a value of another package's type reaches none of this file's
//! methods. Where the kind of a value is not known, a reference reaches every
//! method of that name.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::analysis::go::{self, NodeKind, text};
use crate::analysis::summary::base_type_name;

/// The names a declaration uses and the members it selects.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct References {
    /// Identifiers and type names it uses without binding them itself, sorted.
    pub free: Vec<String>,
    /// `x.name` selections with what `x` is, sorted.
    pub members: Vec<(String, Operand)>,
    /// The names it binds itself (parameters, locals, labels), sorted.
    pub bound: Vec<String>,
}

/// What the operand of a selection is, as far as the declaration itself says.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operand {
    /// A value of this declared type (base name, `pkg.T` for another package's).
    Typed(String),
    /// `x.field` for an `x` of this declared type: a value of the field's type.
    FieldOf(String, String),
    /// A name the declaration does not bind: a package, a type or a package variable.
    Free(String),
    /// A local holding the result of `pkg.F(...)` or `pkg.T{}` for a name `pkg`
    /// the declaration does not bind: another package's value when `pkg` is an import.
    ResultOf(String),
    Unknown,
}

impl References {
    pub fn of(decl: Node, src: &str) -> References {
        let bindings = &mut HashMap::new();
        let mut used: Vec<&str> = Vec::new();
        let mut selections: Vec<(&str, Node)> = Vec::new();
        // The ancestors come with the walk: tree-sitter's parent of every
        // identifier descended from the root.
        go::walk_with_ancestors(decl, |n, ancestors| {
            let up = |i: usize| ancestors.len().checked_sub(i).map(|at| ancestors[at]);
            match n.kind_name() {
                "identifier" | "type_identifier" => {
                    if declares(n, up(1), up(2)) {
                        bind(bindings, text(n, src), local_kind(up(1), up(2), src));
                    } else {
                        used.push(text(n, src));
                    }
                }
                "label_name" => bind(bindings, text(n, src), None),
                // A method's own name is no selection.
                "field_identifier" if decl.child_by_field_name("name") == Some(n) => {}
                "field_identifier" => {
                    if let Some(sel) = up(1).filter(|p| p.kind_name() == "selector_expression")
                        && let Some(operand) = sel.child_by_field_name("operand")
                    {
                        selections.push((text(n, src), operand));
                    } else {
                        selections.push((text(n, src), n));
                    }
                }
                _ => {}
            }
        });
        let mut free: Vec<String> =
            used.iter().filter(|u| !bindings.contains_key(**u)).map(|u| u.to_string()).collect();
        free.sort_unstable();
        free.dedup();
        let mut members: Vec<(String, Operand)> = selections
            .into_iter()
            .map(|(name, operand)| {
                let what = match operand.kind_name() {
                    "identifier" => match bindings.get(text(operand, src)) {
                        Some(Some(kind)) => kind.clone(),
                        Some(None) => Operand::Unknown,
                        None => Operand::Free(text(operand, src).to_string()),
                    },
                    "selector_expression" => field_of(operand, src, bindings),
                    _ => Operand::Unknown,
                };
                (name.to_string(), what)
            })
            .collect();
        members.sort_unstable();
        members.dedup();
        let mut bound: Vec<String> = bindings.keys().map(|b| b.to_string()).collect();
        bound.sort_unstable();
        References { free, members, bound }
    }
}

/// `x.field` as an operand, for an `x` of a declared type.
fn field_of(selection: Node, src: &str, bindings: &HashMap<&str, Option<Operand>>) -> Operand {
    let x = selection.child_by_field_name("operand").filter(|o| o.kind_name() == "identifier");
    let field = selection.child_by_field_name("field");
    match (x.and_then(|x| bindings.get(text(x, src))), field) {
        (Some(Some(Operand::Typed(ty))), Some(field)) => Operand::FieldOf(ty.clone(), text(field, src).to_string()),
        _ => Operand::Unknown,
    }
}

/// A second binding of a name with another kind leaves its kind unknown.
fn bind<'s>(bindings: &mut HashMap<&'s str, Option<Operand>>, name: &'s str, kind: Option<Operand>) {
    if name == "_" {
        return;
    }
    bindings
        .entry(name)
        .and_modify(|k| {
            if *k != kind {
                *k = None
            }
        })
        .or_insert(kind);
}

/// Whether an identifier (with its parent and grandparent) is the name a local
/// declaration binds.
fn declares(n: Node, parent: Option<Node>, grandparent: Option<Node>) -> bool {
    let Some(parent) = parent else { return false };
    let names = |p: Node| {
        let mut cursor = p.walk();
        p.children_by_field_name("name", &mut cursor).any(|c| c == n)
    };
    match parent.kind_name() {
        "parameter_declaration" | "variadic_parameter_declaration" | "var_spec" | "const_spec" => names(parent),
        "type_spec" | "type_alias" | "type_parameter_declaration" => names(parent),
        "expression_list" => grandparent.is_some_and(|gp| {
            let left = gp.child_by_field_name("left").is_some_and(|l| l == parent);
            match gp.kind_name() {
                "short_var_declaration" | "range_clause" => left,
                // `case v := <-ch`, but not `case v = <-ch`.
                "receive_statement" => left && next_child(gp, parent).is_some_and(|t| t.kind() == ":="),
                "type_switch_statement" => gp.child_by_field_name("alias").is_some_and(|a| a == parent),
                _ => false,
            }
        }),
        _ => false,
    }
}

/// The child of `parent` after `child`.
fn next_child<'t>(parent: Node<'t>, child: Node<'t>) -> Option<Node<'t>> {
    let mut cursor = parent.walk();
    let mut children = parent.children(&mut cursor);
    children.find(|c| *c == child)?;
    children.next()
}

/// What a local declaration binds the identifier under `parent` (under `grandparent`) to, when it says.
fn local_kind(parent: Option<Node>, grandparent: Option<Node>, src: &str) -> Option<Operand> {
    let parent = parent?;
    if matches!(parent.kind_name(), "var_spec" | "parameter_declaration" | "variadic_parameter_declaration") {
        return parent.child_by_field_name("type").map(|t| Operand::Typed(base_type_name(text(t, src)).to_string()));
    }
    // `x := pkg.F(...)`, `x := &pkg.T{...}`, `x := pkg.T{...}` with one name on each side.
    let stmt = grandparent.filter(|s| s.kind_name() == "short_var_declaration")?;
    let (left, right) = (go::named_children(parent), go::named_children(stmt.child_by_field_name("right")?));
    if left.len() != 1 || right.len() != 1 {
        return None;
    }
    let mut value = go::unparen(right[0]);
    if value.kind_name() == "unary_expression" {
        value = go::unparen(value.child_by_field_name("operand")?);
    }
    let head = match value.kind_name() {
        "call_expression" => value.child_by_field_name("function")?,
        "composite_literal" => value.child_by_field_name("type")?,
        _ => return None,
    };
    let package = match head.kind_name() {
        "selector_expression" => head.child_by_field_name("operand").filter(|o| o.kind_name() == "identifier")?,
        "qualified_type" => head.child_by_field_name("package")?,
        _ => return None,
    };
    Some(Operand::ResultOf(text(package, src).to_string()))
}

/// What the file declares at top level, for resolving references.
pub struct FileScope {
    /// Function, type, variable and constant names declared at top level.
    pub top_level: HashSet<String>,
    /// Local names of the file's imports.
    pub imports: HashSet<String>,
    /// (receiver base type, method name) of every method.
    pub methods: HashSet<(String, String)>,
    /// The base type of each named field of the file's struct types, by (type, field).
    pub fields: HashMap<(String, String), String>,
}

/// A function declaration as the edges see it.
pub struct Declared {
    pub name: String,
    /// The receiver's base type, for a method.
    pub receiver: Option<String>,
    pub references: References,
}

impl Declared {
    pub fn of(decl: Node, src: &str) -> Declared {
        let name = go::function_name(decl, src).unwrap_or_default().to_string();
        let receiver = go::receiver(decl, src).map(|r| base_type_name(r.ty).to_string());
        Declared { name, receiver, references: References::of(decl, src) }
    }
}

impl FileScope {
    /// Whether a selection of `name` on `operand` may reach the method `name` of `receiver`.
    fn may_select(&self, operand: &Operand, receiver: &str, name: &str) -> bool {
        let typed = |ty: &str| {
            // Another package's type has no methods here; a type of this file without
            // its own `name` may have it promoted from anywhere.
            !ty.contains('.') && (ty == receiver || !self.methods.contains(&(ty.to_string(), name.to_string())))
        };
        match operand {
            Operand::Typed(ty) => typed(ty),
            Operand::FieldOf(owner, field) => {
                self.fields.get(&(owner.clone(), field.clone())).is_none_or(|ty| typed(ty))
            }
            Operand::Free(x) if self.imports.contains(x) && !self.top_level.contains(x) => false,
            Operand::Free(x) if self.top_level.contains(x) && self.methods.iter().any(|(t, _)| t == x) => typed(x),
            Operand::ResultOf(p) => !self.imports.contains(p) || self.top_level.contains(p),
            Operand::Free(_) | Operand::Unknown => true,
        }
    }

    /// Whether `from` refers to `to`: calls or names it, or selects it as a member.
    pub fn refers(&self, from: &Declared, to: &Declared) -> bool {
        let uses = |name: &str| from.references.free.binary_search_by(|f| f.as_str().cmp(name)).is_ok();
        match to.receiver.as_deref() {
            None => uses(&to.name),
            Some(receiver) => {
                // Naming the type reaches its methods (a rule may look at all of them).
                uses(receiver)
                    || selections(&from.references, &to.name).any(|(m, operand)| self.may_select(operand, receiver, m))
            }
        }
    }

    /// Whether a changed name `name` of an edited declaration matters to `decl`.
    pub fn mentions(&self, decl: &Declared, name: &str) -> bool {
        decl.name == name
            || decl.receiver.as_deref() == Some(name)
            || decl.references.free.binary_search_by(|f| f.as_str().cmp(name)).is_ok()
            || selections(&decl.references, name).next().is_some()
    }

    /// Whether a name bound in an edited declaration is its own business: bound
    /// there and not a top-level name of the file it may also mean.
    pub fn is_local(&self, references: &References, name: &str) -> bool {
        references.bound.binary_search_by(|b| b.as_str().cmp(name)).is_ok() && !self.top_level.contains(name)
    }
}

/// The members named `name` that `references` selects (members are sorted by name).
fn selections<'r>(references: &'r References, name: &'r str) -> impl Iterator<Item = &'r (String, Operand)> + 'r {
    let members = &references.members;
    let from = members.partition_point(|(m, _)| m.as_str() < name);
    members[from..].iter().take_while(move |(m, _)| m == name)
}
