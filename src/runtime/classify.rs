//! Which frames are the runtime, the standard library or the program, where a
//! goroutine waits (its innermost program frame), and what it waits on.

use serde::Serialize;

use super::group::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameClass {
    /// `runtime`, `internal/runtime/...`, and runtime-printed pseudo frames.
    Runtime,
    /// Any other package whose path has no dot in its first element (`sync`,
    /// `net/http`, `internal/poll`), except `main` and workspace modules.
    Stdlib,
    /// The program and its dependencies.
    Program,
}

/// Decides frame classes. Workspace module paths always count as program code,
/// even dot-less ones (`module leakyshop`); `library_prefixes` adds package
/// prefixes to skip like the standard library when finding where goroutines wait
/// (a logging or RPC wrapper, say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameClassifier {
    pub modules: Vec<String>,
    pub library_prefixes: Vec<String>,
}

impl FrameClassifier {
    pub fn new(modules: Vec<String>) -> Self {
        FrameClassifier { modules, library_prefixes: Vec::new() }
    }

    pub fn classify(&self, function: &str) -> FrameClass {
        let package = package_path(function);
        if package == function && !function.contains('.') {
            // `panic(...)` (runtime.gopark's printed name for gopanic) and the like.
            return FrameClass::Runtime;
        }
        if package == "runtime" || package.starts_with("internal/runtime/") || package.starts_with("runtime/internal/")
        {
            return FrameClass::Runtime;
        }
        if self.modules.iter().any(|m| within(package, m)) {
            return FrameClass::Program;
        }
        if self.library_prefixes.iter().any(|p| within(package, p)) {
            return FrameClass::Stdlib;
        }
        let first = package.split('/').next().unwrap_or(package);
        if package == "main" || first.contains('.') { FrameClass::Program } else { FrameClass::Stdlib }
    }

    /// Index of the innermost program frame: where the goroutine waits.
    pub fn waiting_frame(&self, frames: &[Frame]) -> Option<usize> {
        frames.iter().position(|f| self.classify(&f.function) == FrameClass::Program)
    }
}

/// `package` equals `prefix` or is below it.
fn within(package: &str, prefix: &str) -> bool {
    package.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The package path of a printed function name: up to the first `.` after the
/// last `/` (`net/http.(*conn).serve` -> `net/http`). Type arguments are
/// skipped, since they may hold slashes of their own.
pub fn package_path(function: &str) -> &str {
    let plain_end = function.find(['[', '(']).unwrap_or(function.len());
    let head = &function[..plain_end];
    let after_slash = head.rfind('/').map_or(0, |i| i + 1);
    match head[after_slash..].find('.') {
        Some(dot) => &function[..after_slash + dot],
        None => head,
    }
}

/// What a goroutine is blocked on, from its wait reason or, when the format has
/// no state (debug=0/1), from the runtime and library frames above the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verb {
    ChanSend,
    ChanReceive,
    Select,
    SelectNoCases,
    MutexLock,
    RwMutexRLock,
    RwMutexLock,
    WaitGroupWait,
    CondWait,
    Semacquire,
    IoWait,
    Sleep,
    Syscall,
    Running,
    Runnable,
}

impl Verb {
    /// From a wait reason or status as printed in headers.
    pub fn from_reason(reason: &str) -> Option<Verb> {
        let base = reason.split(" (").next().unwrap_or(reason);
        Some(match base {
            "chan send" => Verb::ChanSend,
            "chan receive" => Verb::ChanReceive,
            "select" if reason.starts_with("select (no cases)") => Verb::SelectNoCases,
            "select" => Verb::Select,
            "sync.Mutex.Lock" => Verb::MutexLock,
            "sync.RWMutex.RLock" => Verb::RwMutexRLock,
            "sync.RWMutex.Lock" => Verb::RwMutexLock,
            "sync.WaitGroup.Wait" => Verb::WaitGroupWait,
            "sync.Cond.Wait" => Verb::CondWait,
            "semacquire" => Verb::Semacquire,
            "IO wait" => Verb::IoWait,
            "sleep" => Verb::Sleep,
            "syscall" => Verb::Syscall,
            "running" => Verb::Running,
            "runnable" => Verb::Runnable,
            _ => return None,
        })
    }

    /// From the blocking call at the top of a stack (`runtime.chansend1`,
    /// `internal/sync.runtime_SemacquireMutex`, `internal/poll.runtime_pollWait`).
    pub fn from_frames(frames: &[Frame], classifier: &FrameClassifier) -> Option<Verb> {
        frames
            .iter()
            .take_while(|f| classifier.classify(&f.function) != FrameClass::Program)
            .find_map(|f| Verb::from_function(&f.function))
    }

    fn from_function(function: &str) -> Option<Verb> {
        let name = function.strip_prefix("internal/").unwrap_or(function);
        Some(match name {
            "runtime.chansend1" | "runtime.chansend" => Verb::ChanSend,
            "runtime.chanrecv1" | "runtime.chanrecv2" | "runtime.chanrecv" => Verb::ChanReceive,
            "runtime.selectgo" => Verb::Select,
            "runtime.block" => Verb::SelectNoCases,
            "sync.runtime_SemacquireMutex" => Verb::MutexLock,
            "sync.runtime_SemacquireRWMutexR" => Verb::RwMutexRLock,
            "sync.runtime_SemacquireRWMutex" => Verb::RwMutexLock,
            "sync.runtime_SemacquireWaitGroup" => Verb::WaitGroupWait,
            "sync.runtime_notifyListWait" => Verb::CondWait,
            "sync.runtime_Semacquire" | "runtime.semacquire1" => Verb::Semacquire,
            "poll.runtime_pollWait" | "runtime.netpollblock" => Verb::IoWait,
            "time.Sleep" | "runtime.timeSleep" => Verb::Sleep,
            "syscall.Syscall" | "syscall.Syscall6" | "syscall.RawSyscall" | "runtime.cgocall" => Verb::Syscall,
            _ => return None,
        })
    }

    /// The wait reason the runtime prints for this verb.
    pub fn reason(self) -> &'static str {
        match self {
            Verb::ChanSend => "chan send",
            Verb::ChanReceive => "chan receive",
            Verb::Select => "select",
            Verb::SelectNoCases => "select (no cases)",
            Verb::MutexLock => "sync.Mutex.Lock",
            Verb::RwMutexRLock => "sync.RWMutex.RLock",
            Verb::RwMutexLock => "sync.RWMutex.Lock",
            Verb::WaitGroupWait => "sync.WaitGroup.Wait",
            Verb::CondWait => "sync.Cond.Wait",
            Verb::Semacquire => "semacquire",
            Verb::IoWait => "IO wait",
            Verb::Sleep => "sleep",
            Verb::Syscall => "syscall",
            Verb::Running => "running",
            Verb::Runnable => "runnable",
        }
    }

    /// A phrase for messages: "blocked sending on a channel".
    pub fn describe(self) -> &'static str {
        match self {
            Verb::ChanSend => "blocked sending on a channel",
            Verb::ChanReceive => "blocked receiving from a channel",
            Verb::Select => "blocked in select",
            Verb::SelectNoCases => "parked forever in select {}",
            Verb::MutexLock => "waiting to lock a sync.Mutex",
            Verb::RwMutexRLock => "waiting to read-lock a sync.RWMutex",
            Verb::RwMutexLock => "waiting to lock a sync.RWMutex",
            Verb::WaitGroupWait => "waiting in sync.WaitGroup.Wait",
            Verb::CondWait => "waiting on a sync.Cond",
            Verb::Semacquire => "waiting on a semaphore",
            Verb::IoWait => "waiting for network or file I/O",
            Verb::Sleep => "sleeping",
            Verb::Syscall => "in a system call",
            Verb::Running => "running",
            Verb::Runnable => "runnable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(function: &str) -> Frame {
        Frame { function: function.into(), file: Default::default(), line: 1, inlined: false }
    }

    #[test]
    fn package_paths() {
        assert_eq!(package_path("net/http.(*conn).serve"), "net/http");
        assert_eq!(package_path("main.init.0.func1"), "main");
        assert_eq!(
            package_path("example.com/leakyshop/internal/search.First[...].func1"),
            "example.com/leakyshop/internal/search"
        );
        assert_eq!(
            package_path("example.com/leakyshop/internal/codec%2ev2.StreamDecode.func1"),
            "example.com/leakyshop/internal/codec%2ev2"
        );
        assert_eq!(package_path("pool.(*Pool[go.shape.[]example.com/x.Hit]).worker"), "pool");
    }

    #[test]
    fn classes() {
        let c = FrameClassifier::new(vec!["leakyshop".into()]);
        assert_eq!(c.classify("runtime.gopark"), FrameClass::Runtime);
        assert_eq!(c.classify("internal/runtime/syscall.Syscall6"), FrameClass::Runtime);
        assert_eq!(c.classify("panic"), FrameClass::Runtime);
        assert_eq!(c.classify("runtime/pprof.Do"), FrameClass::Stdlib);
        assert_eq!(c.classify("internal/sync.(*Mutex).lockSlow"), FrameClass::Stdlib);
        assert_eq!(c.classify("main.main"), FrameClass::Program);
        assert_eq!(c.classify("leakyshop/internal/orders.Place"), FrameClass::Program);
        assert_eq!(c.classify("github.com/lib/pq.(*conn).recv"), FrameClass::Program);
        let wrapped = FrameClassifier { library_prefixes: vec!["github.com/lib".into()], ..c };
        assert_eq!(wrapped.classify("github.com/lib/pq.(*conn).recv"), FrameClass::Stdlib);
    }

    #[test]
    fn verbs_from_runtime_leaves() {
        let c = FrameClassifier::default();
        let stack = [frame("runtime.gopark"), frame("runtime.chansend1"), frame("main.worker")];
        assert_eq!(Verb::from_frames(&stack, &c), Some(Verb::ChanSend));
        let stack = [frame("internal/sync.runtime_SemacquireMutex"), frame("sync.(*Mutex).Lock"), frame("main.f")];
        assert_eq!(Verb::from_frames(&stack, &c), Some(Verb::MutexLock));
        // A program frame ends the search: deeper library calls are not the wait.
        let stack = [frame("main.f"), frame("time.Sleep")];
        assert_eq!(Verb::from_frames(&stack, &c), None);
        assert_eq!(Verb::from_reason("chan receive (nil chan)"), Some(Verb::ChanReceive));
        assert_eq!(Verb::from_reason("select (no cases)"), Some(Verb::SelectNoCases));
        assert_eq!(Verb::from_reason("sync.WaitGroup.Wait (durable)"), Some(Verb::WaitGroupWait));
        assert_eq!(Verb::from_reason("GC worker (idle)"), None);
    }
}
