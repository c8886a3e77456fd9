//! Per-function summaries: what a function does with each of its parameters
//! (sends on it, receives from it, ranges over it, closes it, hands it on),
//! whether it loops forever and whether it watches a context. Summaries of the
//! files of a package let rules follow `go pkg.Drain(jobs)` into another file or
//! package without keeping that file's tree.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use super::go::NodeKind;
use super::go::{self, text};

/// What a function does with one parameter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effects {
    pub sends: bool,
    pub receives: bool,
    pub ranges: bool,
    pub closes: bool,
    /// Passed on, stored, returned or captured in a way not followed.
    pub escapes: bool,
    /// Some receive is a plain `<-p` statement or expression, not a `select`
    /// case: it waits with no other way out.
    pub blocks_receiving: bool,
    /// Some `for range p` loop has no `return`, `break` or other way out: only
    /// closing `p` ends it.
    pub ranges_until_closed: bool,
    /// The body refers to the parameter at all (a `ctx` it reads, selects on or
    /// passes on, as opposed to one it ignores).
    pub used: bool,
}

impl Effects {
    /// Only ever receives (or ranges): a consumer that needs someone else to send or close.
    pub fn only_receives(&self) -> bool {
        (self.receives || self.ranges) && !self.sends && !self.closes && !self.escapes
    }

    /// Only ever sends: a producer that needs someone else to receive.
    pub fn only_sends(&self) -> bool {
        self.sends && !self.receives && !self.ranges && !self.closes && !self.escapes
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSummary {
    pub name: String,
    pub ty: String,
    pub effects: Effects,
    /// The first send, receive or range on the parameter: where a goroutine blocks.
    pub blocking_site: Option<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSummary {
    pub name: String,
    /// The receiver's type name without `*`, for methods.
    pub receiver: Option<String>,
    pub params: Vec<ParamSummary>,
    /// Shared: every function of a file names the same path.
    pub file: Arc<Path>,
    /// The function's name in its file, for related locations.
    pub name_range: Range<usize>,
}

/// The summaries of one package (one directory and package clause).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageSummary {
    pub name: String,
    pub functions: Vec<FunctionSummary>,
}

impl PackageSummary {
    /// The package-level function `name` (not a method), if declared exactly once.
    pub fn function(&self, name: &str) -> Option<&FunctionSummary> {
        let mut found = self.functions.iter().filter(|f| f.receiver.is_none() && f.name == name);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Whether both say the same of the same functions, wherever they are in the file.
    pub fn same_facts(&self, other: &PackageSummary) -> bool {
        fn same(a: &FunctionSummary, b: &FunctionSummary) -> bool {
            (&a.name, &a.receiver, &a.file) == (&b.name, &b.receiver, &b.file)
                && a.params.len() == b.params.len()
                && a.params
                    .iter()
                    .zip(&b.params)
                    .all(|(p, q)| (&p.name, &p.ty, p.effects) == (&q.name, &q.ty, q.effects))
        }
        self.name == other.name
            && self.functions.len() == other.functions.len()
            && self.functions.iter().zip(&other.functions).all(|(a, b)| same(a, b))
    }

    /// Adds one file's summaries.
    pub fn add_file(&mut self, source: &str, tree: &Tree, path: &Path) {
        let root = tree.root_node();
        if self.name.is_empty() {
            self.name = go::package_name(root, source).unwrap_or_default().to_string();
        }
        for decl in go::named_children(root) {
            if matches!(decl.kind_name(), "function_declaration" | "method_declaration") {
                self.functions.push(summarize_function(decl, source, path));
            }
        }
    }
}

/// The type name of a receiver or parameter type: `*Queue` and `Queue[T]` give `Queue`.
pub fn base_type_name(ty: &str) -> &str {
    let ty = ty.trim_start_matches('*');
    ty.split('[').next().unwrap_or(ty).trim()
}

pub fn summarize_function(decl: Node, src: &str, path: &Path) -> FunctionSummary {
    let name_node = decl.child_by_field_name("name");
    let params = go::params(decl, src);
    let names: Vec<&str> = params.iter().map(|p| p.name).filter(|n| *n != "_").collect();
    let mut effects = match go::body(decl) {
        Some(body) => param_effects(body, src, &names),
        None => HashMap::new(),
    };
    let params = params
        .into_iter()
        .map(|p| {
            let (effects, blocking_site) =
                if p.name == "_" { Default::default() } else { effects.remove(p.name).unwrap_or_default() };
            ParamSummary { name: p.name.to_string(), ty: p.ty.to_string(), effects, blocking_site }
        })
        .collect();
    FunctionSummary {
        name: name_node.map(|n| text(n, src).to_string()).unwrap_or_default(),
        receiver: go::receiver(decl, src).map(|r| base_type_name(r.ty).to_string()),
        params,
        file: Arc::from(path),
        name_range: name_node.map(|n| n.byte_range()).unwrap_or(0..0),
    }
}

/// How the code in `body` (nested closures included) uses each of the
/// variables `names`, and where it first blocks on it: one walk for all of
/// them, with each identifier's ancestors at hand (tree-sitter's parent
/// descends from the root).
fn param_effects<'n>(body: Node, src: &str, names: &[&'n str]) -> HashMap<&'n str, (Effects, Option<Range<usize>>)> {
    let mut out: HashMap<&str, (Effects, Option<Range<usize>>)> = HashMap::new();
    go::walk_with_ancestors(body, |ident, ancestors| {
        if ident.kind_name() != "identifier" {
            return;
        }
        let Some(&name) = names.iter().find(|n| **n == text(ident, src)) else { return };
        // A closure parameter of the same name is another variable.
        if let Some(f) = ancestors.iter().rev().find(|a| go::is_function(**a))
            && f.kind_name() == "func_literal"
            && go::shadows_as_param(*f, src, name)
        {
            return;
        }
        let (effects, site) = out.entry(name).or_default();
        effects.used = true;
        let Some(&parent) = ancestors.last() else { return };
        let grandparent = ancestors.len().checked_sub(2).map(|i| ancestors[i]);
        let mut blocking = None;
        match parent.kind_name() {
            "send_statement" if parent.child_by_field_name("channel") == Some(ident) => {
                effects.sends = true;
                blocking = Some(parent.byte_range());
            }
            "unary_expression" if go::receive_operand(parent) == Some(ident) => {
                effects.receives = true;
                let in_select =
                    grandparent.is_some_and(|p| matches!(p.kind_name(), "receive_statement" | "communication_case"));
                effects.blocks_receiving |= !in_select;
                blocking = Some(parent.byte_range());
            }
            "range_clause" if parent.child_by_field_name("right") == Some(ident) => {
                effects.ranges = true;
                effects.ranges_until_closed |= grandparent.is_some_and(|f| go::loop_exits(f, src).is_empty());
                blocking = grandparent.map(|f| f.byte_range());
            }
            "argument_list" => {
                if grandparent.is_some_and(|c| matches!(go::callee(c, src), Some((None, "close")))) {
                    effects.closes = true;
                } else if !grandparent.is_some_and(|c| matches!(go::callee(c, src), Some((None, "len" | "cap")))) {
                    effects.escapes = true;
                }
            }
            // `x.f`: a field or method of the parameter, not the channel itself.
            "selector_expression" => {}
            _ => effects.escapes = true,
        }
        if let Some(b) = blocking
            && site.as_ref().is_none_or(|s| b.start < s.start)
        {
            *site = Some(b);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_go;

    const QUEUE: &str = r#"package queue

type Queue struct {
	jobs chan int
	done chan struct{}
}

func Drain(jobs <-chan int, handle func(int)) {
	for j := range jobs {
		handle(j)
	}
}

func Produce(out chan<- int, n int) {
	for i := 0; i < n; i++ {
		out <- i
	}
	close(out)
}

func Await(id string, ready chan struct{}) {
	<-ready
}

func Forward(in chan int, sink func(chan int)) {
	sink(in)
}

func (q *Queue) Close() { close(q.jobs) }

func (q *Queue) Run() {
	for {
		select {
		case j := <-q.jobs:
			_ = j
		}
	}
}
"#;

    fn summary() -> PackageSummary {
        let tree = parse_go(QUEUE, None);
        let mut pkg = PackageSummary::default();
        pkg.add_file(QUEUE, &tree, Path::new("queue.go"));
        pkg
    }

    #[test]
    fn summarizes_parameter_effects() {
        let pkg = summary();
        assert_eq!(pkg.name, "queue");
        let drain = pkg.function("Drain").unwrap();
        assert!(drain.params[0].effects.only_receives());
        assert!(drain.params[0].effects.ranges && drain.params[0].effects.ranges_until_closed);
        assert!(pkg.function("Await").unwrap().params[1].effects.blocks_receiving);
        let produce = pkg.function("Produce").unwrap();
        assert!(produce.params[0].effects.sends && produce.params[0].effects.closes);
        assert!(!produce.params[0].effects.only_sends());
        assert!(pkg.function("Await").unwrap().params[1].effects.only_receives());
        assert!(pkg.function("Forward").unwrap().params[0].effects.escapes);
        assert!(pkg.function("Await").unwrap().params[1].effects.used);
        assert!(!pkg.function("Await").unwrap().params[0].effects.used);
    }
}
