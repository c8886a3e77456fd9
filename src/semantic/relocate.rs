//! Moving facts: the facts of one top-level declaration, read once, are reused
//! after edits elsewhere in the file moved the declaration (its offsets shift)
//! or changed what comes before it (its functions, calls, selects and loops get
//! other indices in the file).

use std::ops::Range;

use super::model::*;

/// How far a declaration's facts move: every index into the file's lists grows
/// by the length of those lists before it, every offset by `offset`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relocation {
    pub functions: u32,
    pub calls: u32,
    pub selects: u32,
    pub loops: u32,
    pub offset: isize,
}

impl Relocation {
    fn at(&self, x: usize) -> usize {
        x.checked_add_signed(self.offset).expect("a declaration moves within its file")
    }

    fn range(&self, r: &mut Range<usize>) {
        *r = self.at(r.start)..self.at(r.end);
    }

    fn func(&self, f: &mut u32) {
        *f += self.functions;
    }

    fn in_loop(&self, l: &mut Option<u32>) {
        if let Some(l) = l {
            *l += self.loops;
        }
    }

    fn case(&self, c: &mut SelectCase) {
        c.select += self.selects;
    }

    fn local(&self, r: &mut LocalRef) {
        self.func(&mut r.func.func);
    }

    fn value(&self, v: &mut Value) {
        match v {
            Value::Local(r) => self.local(r),
            Value::Select(base, _) | Value::Elem(base) | Value::RangeKey(base) => self.value(base),
            Value::Call(callee, _) => self.callee(callee),
            Value::Literal(f) => self.func(f),
            Value::Global(_)
            | Value::Make(..)
            | Value::New(_)
            | Value::Typed(_)
            | Value::Imported { .. }
            | Value::Unknown => {}
        }
    }

    fn callee(&self, c: &mut Callee) {
        match c {
            Callee::Method(base, _) => self.value(base),
            Callee::Literal(f) => self.func(f),
            Callee::Local(r) => self.local(r),
            Callee::Name(_) | Callee::Imported { .. } | Callee::Unknown => {}
        }
    }

    /// Moves every fact of `facts` (a declaration's, read on its own).
    pub fn apply(&self, facts: &mut FileFacts) {
        if *self == Relocation::default() {
            return;
        }
        for t in &mut facts.types {
            self.range(&mut t.name_range);
            for f in t.fields.iter_mut().flatten() {
                self.range(&mut f.range);
            }
        }
        for g in &mut facts.globals {
            self.range(&mut g.range);
            if let Some(init) = &mut g.init {
                self.value(init);
            }
        }
        for f in &mut facts.functions {
            if let Some(parent) = &mut f.parent {
                self.func(parent);
            }
            for l in &mut f.locals {
                self.range(&mut l.range);
                if let Some(init) = &mut l.init {
                    self.value(init);
                }
            }
            self.range(&mut f.range);
            self.range(&mut f.name_range);
            if let Some(body) = &mut f.body {
                self.range(body);
            }
            f.returns.iter_mut().for_each(|r| self.range(r));
        }
        for op in &mut facts.ops {
            self.value(&mut op.target);
            self.func(&mut op.func);
            self.range(&mut op.range);
            self.in_loop(&mut op.in_loop);
            match &mut op.kind {
                OpKind::Send { select: Some(case) } | OpKind::Receive { form: ReceiveForm::Select(case) } => {
                    self.case(case)
                }
                OpKind::Pass { call, .. } => *call += self.calls,
                _ => {}
            }
        }
        for call in &mut facts.calls {
            self.callee(&mut call.callee);
            self.func(&mut call.func);
            self.range(&mut call.range);
            call.args.iter_mut().for_each(|a| self.value(a));
            self.in_loop(&mut call.in_loop);
        }
        for select in &mut facts.selects {
            self.func(&mut select.func);
            self.range(&mut select.range);
            for case in &mut select.cases {
                self.range(&mut case.range);
                for v in [&mut case.receives, &mut case.sends].into_iter().flatten() {
                    self.value(v);
                }
            }
            self.in_loop(&mut select.in_loop);
        }
        for lp in &mut facts.loops {
            self.func(&mut lp.func);
            self.range(&mut lp.range);
            lp.exits.iter_mut().for_each(|r| self.range(r));
        }
    }
}
