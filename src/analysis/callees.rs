//! What a goroutine started by `go f(args)` or `go pkg.F(args)` does with its
//! arguments, when `f` lives in another file of the package or in another
//! package of the module: answered from package summaries, without that file's tree.

use tree_sitter::Node;

use super::go::NodeKind;
use super::go::{self, text};
use super::rules::FileContext;
use super::summary::FunctionSummary;

/// The summary of the function a `go` statement starts, when it is a plain
/// call of a package-level function declared outside this file (in this package
/// or an imported one of the module), with the call's arguments.
pub struct RemoteGoroutine<'t> {
    pub function: FunctionSummary,
    pub arguments: Vec<Node<'t>>,
}

impl RemoteGoroutine<'_> {
    /// The parameter summary for argument `i` (the last parameter takes the rest when variadic).
    pub fn param(&self, i: usize) -> Option<&super::summary::ParamSummary> {
        self.function.params.get(i)
    }
}

/// The arguments of the call a `go` statement makes.
fn go_arguments(go_stmt: Node) -> Vec<Node> {
    go::go_call(go_stmt).map(go::call_args).unwrap_or_default()
}

/// Resolves `go_stmt`'s callee through the package summaries. Functions of this
/// very file are left to the rules' own tree-based analysis, so None for them.
pub fn remote_goroutine<'t>(cx: &FileContext<'t>, go_stmt: Node<'t>) -> Option<RemoteGoroutine<'t>> {
    let src = cx.source;
    let call = go::go_call(go_stmt)?;
    let function = call.child_by_field_name("function").map(go::unparen)?;
    let arguments = go::call_args(call);
    let function = match function.kind_name() {
        "identifier" => {
            let name = text(function, src);
            let declared_here = go::named_children(cx.tree.root_node())
                .into_iter()
                .any(|d| d.kind_name() == "function_declaration" && go::function_name(d, src) == Some(name));
            if declared_here {
                return None;
            }
            cx.package_function(name)?
        }
        "selector_expression" => {
            let operand = function.child_by_field_name("operand")?;
            let field = function.child_by_field_name("field")?;
            if operand.kind_name() != "identifier" {
                return None;
            }
            cx.imported_function(text(operand, src), text(field, src))?
        }
        _ => return None,
    };
    // A variadic or mismatched call is not followed.
    if function.params.len() != arguments.len() || function.params.iter().any(|p| p.ty.starts_with("...")) {
        return None;
    }
    Some(RemoteGoroutine { function, arguments })
}

/// A fresh channel handed to a goroutine of another file that only ever receives
/// from it: `go audit.Await(id, make(chan struct{}))`. Nobody else holds the
/// channel, so nothing can send or close: the goroutine blocks forever.
pub struct StarvedArgument<'t> {
    pub remote: RemoteGoroutine<'t>,
    pub index: usize,
}

pub fn starved_argument<'t>(cx: &FileContext<'t>, go_stmt: Node<'t>) -> Option<StarvedArgument<'t>> {
    // Summarising a package costs a parse of its files: only when an argument could matter.
    if !go_arguments(go_stmt).iter().any(|a| is_make_chan(*a, cx.source)) {
        return None;
    }
    let remote = remote_goroutine(cx, go_stmt)?;
    let index = remote.arguments.iter().enumerate().position(|(i, arg)| {
        is_make_chan(*arg, cx.source)
            && remote.param(i).is_some_and(|p| p.effects.only_receives() && p.effects.blocks_receiving)
    })?;
    Some(StarvedArgument { remote, index })
}

fn is_make_chan(node: Node, src: &str) -> bool {
    let node = go::unparen(node);
    node.kind_name() == "call_expression"
        && matches!(go::callee(node, src), Some((None, "make")))
        && go::call_args(node).first().is_some_and(|t| t.kind_name() == "channel_type")
}

/// A local channel handed to a goroutine of another file that ranges over it,
/// in a function that never closes it: `jobs := make(chan Job)` then
/// `go queue.Drain(jobs)` and sends, but no `close(jobs)`.
pub struct UnclosedRange<'t> {
    pub remote: RemoteGoroutine<'t>,
    pub index: usize,
    /// The `make(chan ...)` of the channel.
    pub make: Node<'t>,
    pub name: String,
    /// Every send on the channel is in the owning function's own body (no other
    /// goroutine sends), so closing it when the owner returns is safe.
    pub single_producer: bool,
}

pub fn unclosed_range<'t>(cx: &FileContext<'t>, owner: Node<'t>, go_stmt: Node<'t>) -> Option<UnclosedRange<'t>> {
    let src = cx.source;
    let body = go::body(owner)?;
    // Summarising a package costs a parse of its files: only when an argument could matter.
    let made_here = |a: &Node| a.kind_name() == "identifier" && local_make(body, src, text(*a, src)).is_some();
    if !go_arguments(go_stmt).iter().any(made_here) {
        return None;
    }
    let remote = remote_goroutine(cx, go_stmt)?;
    for (index, arg) in remote.arguments.iter().enumerate() {
        if arg.kind_name() != "identifier" {
            continue;
        }
        let effects = remote.param(index)?.effects;
        if !effects.ranges_until_closed || effects.closes || effects.escapes || effects.sends {
            continue;
        }
        let name = text(*arg, src);
        let Some(make) = local_make(body, src, name) else { continue };
        let mut single_producer = true;
        let mut followed = true;
        for ident in go::idents_named(body, src, name) {
            if ident == *arg || ident.start_byte() < make.end_byte() && go::contains(make.parent()?, ident) {
                continue;
            }
            let parent = ident.parent()?;
            let in_goroutine = go::enclosing_function(ident) != Some(owner);
            match parent.kind_name() {
                "send_statement" if parent.child_by_field_name("channel") == Some(ident) => {
                    single_producer &= !in_goroutine;
                }
                "expression_list" if parent.parent().is_some_and(|p| p.kind_name() == "short_var_declaration") => {}
                // A close anywhere, a hand-off, a store: someone else may close it.
                _ => followed = false,
            }
        }
        if followed {
            return Some(UnclosedRange { remote, index, make, name: name.to_string(), single_producer });
        }
    }
    None
}

/// The `make(chan ...)` that declares `name` in `body` (not in nested functions).
fn local_make<'t>(body: Node<'t>, src: &str, name: &str) -> Option<Node<'t>> {
    let mut found = None;
    go::walk_own(body, |n| {
        if found.is_none() && matches!(n.kind_name(), "short_var_declaration" | "var_declaration") {
            for (ident, value) in go::declared(n) {
                if go::is_ident(ident, src, name) && value.is_some_and(|v| is_make_chan(v, src)) {
                    found = value.map(go::unparen);
                }
            }
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::packages::Packages;
    use crate::syntax::parse_go;

    #[test]
    fn follows_go_statements_into_other_files_and_packages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("go.mod", "module example.com/app\n\ngo 1.22\n");
        write("internal/queue/q.go", "package queue\n\nfunc Drain(jobs <-chan int) {\n\tfor range jobs {\n\t}\n}\n");
        write("cmd/app/worker.go", "package main\n\nfunc await(done chan struct{}) {\n\t<-done\n}\n");
        let main = "package main\n\nimport \"example.com/app/internal/queue\"\n\nfunc local(c chan int) {}\n\nfunc main() {\n\tjobs := make(chan int)\n\tgo queue.Drain(jobs)\n\tgo await(make(chan struct{}))\n\tjobs <- 1\n\tgo local(make(chan int))\n}\n";
        write("cmd/app/main.go", main);
        let path = root.join("cmd/app/main.go");
        let tree = parse_go(main, None);
        let packages = Packages::default();
        let cx = FileContext::new(main, &tree, Some(&path), None, Some(&packages));
        let found: Vec<_> = cx.go_statements().iter().map(|g| remote_goroutine(&cx, *g)).collect();
        let drain = found[0].as_ref().unwrap();
        assert_eq!(drain.function.name, "Drain");
        assert!(drain.param(0).unwrap().effects.ranges);
        assert!(drain.function.file.ends_with("internal/queue/q.go"));
        let awaited = found[1].as_ref().unwrap();
        assert!(awaited.param(0).unwrap().effects.only_receives());
        assert!(found[2].is_none(), "functions of this file are the rules' own business");

        let starved: Vec<_> = cx.go_statements().iter().map(|g| starved_argument(&cx, *g).map(|s| s.index)).collect();
        assert_eq!(starved, vec![None, Some(0), None]);
        let owner = cx.functions().iter().copied().find(|f| go::function_name(*f, main) == Some("main")).unwrap();
        let unclosed = unclosed_range(&cx, owner, cx.go_statements()[0]).unwrap();
        assert_eq!((unclosed.name.as_str(), unclosed.index, unclosed.single_producer), ("jobs", 0, true));
        assert!(unclosed.remote.function.file.ends_with("internal/queue/q.go"));
    }
}
