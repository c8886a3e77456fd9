#!/usr/bin/env python3
"""Peak memory of loading goroutine dumps whose stacks are all distinct (README, "Dump memory").

  scripts/dump-memory.py dump SIZE_MB OUT [--frames args|noargs|inlined]
      writes a debug=2 traceback of SIZE_MB megabytes in which every goroutine has its own stack
  scripts/dump-memory.py workspace DIR
      writes the Go module the frames point into (example.com/shop), for mapping
  scripts/dump-memory.py editor LEAKLS WORKSPACE DUMP
      runs `LEAKLS serve` on WORKSPACE, loads DUMP with leakls.loadDump, prints the server's VmHWM

`leakls dump` is measured with `/usr/bin/time -v leakls dump --root WORKSPACE DUMP`.
"""
import json, os, random, subprocess, sys

PACKAGES = ["orders", "search", "batch", "stream", "cache", "billing", "auth", "mail", "queue", "store",
            "metrics", "rpc", "session", "inventory", "pricing", "ledger", "notify", "audit", "gateway", "jobs"]
FILES, FUNCTIONS, LINES = 6, 12, 1000
STD = [("net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go", 2157),
       ("net/http.HandlerFunc.ServeHTTP", "/usr/local/go/src/net/http/server.go", 2358),
       ("net/http.(*ServeMux).ServeHTTP", "/usr/local/go/src/net/http/server.go", 2923)]
PARKED = [("chan send", "runtime.chansend1", "/usr/local/go/src/runtime/chan.go", 161),
          ("chan receive", "runtime.chanrecv1", "/usr/local/go/src/runtime/chan.go", 506),
          ("select", "runtime.selectgo", "/usr/local/go/src/runtime/select.go", 351),
          ("sync.WaitGroup.Wait", "sync.runtime_SemacquireWaitGroup", "/usr/local/go/src/runtime/sema.go", 114)]


def dump(size_mb, out_path, frames="args"):
    rng = random.Random(7)
    functions = []
    for p in PACKAGES:
        for f in range(FILES):
            for k in range(FUNCTIONS):
                name = rng.choice([f"(*Service{k}).Handle{f}", f"process{f}_{k}", f"(*worker).run{k}.func{f}",
                                   f"First[...].func{k}"])
                functions.append((f"example.com/shop/internal/{p}.{name}", f"/app/shop/internal/{p}/{p}_{f}.go",
                                  rng.randrange(20, 900)))

    def hexarg():
        return "0x%x" % rng.randrange(0x1f3325000000, 0x1f3327000000)

    def frame(function, path, line):
        if frames == "inlined":
            return f"{function}(...)\n\t{path}:{line}\n"
        args = "()" if frames == "noargs" else f"({hexarg()}, {{{hexarg()}, {hexarg()}}})"
        return f"{function}{args}\n\t{path}:{line} +0x{rng.randrange(16, 4096):x}\n"

    target, written, gid = int(size_mb * 1e6), 0, 1
    with open(out_path, "w") as out:
        while written < target:
            state, function, path, line = rng.choice(PARKED)
            minutes = rng.choice(["", "", f", {rng.randrange(1, 90)} minutes"])
            text = f"goroutine {gid} [{state}{minutes}]:\n"
            text += frame("runtime.gopark", "/usr/local/go/src/runtime/proc.go", 460) + frame(function, path, line)
            for _ in range(rng.randrange(4, 28)):
                name, path, base = rng.choice(functions)
                text += frame(name, path, base + rng.randrange(0, 60))
            if rng.random() < 0.5:
                text += "".join(frame(*f) for f in STD)
            name, path, base = rng.choice(functions)
            text += f"created by {name} in goroutine {rng.randrange(1, gid + 1)}\n"
            text += f"\t{path}:{base + rng.randrange(0, 60)} +0x{rng.randrange(16, 4096):x}\n\n"
            out.write(text)
            written += len(text)
            gid += 1
    print(f"{gid - 1} goroutines, {written} bytes", file=sys.stderr)


def workspace(root):
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "go.mod"), "w") as f:
        f.write("module example.com/shop\n\ngo 1.27\n")
    body = "".join(f"// line {i}\n" for i in range(LINES))
    for p in PACKAGES:
        os.makedirs(os.path.join(root, "internal", p), exist_ok=True)
        for n in range(FILES):
            with open(os.path.join(root, "internal", p, f"{p}_{n}.go"), "w") as f:
                f.write(f"package {p}\n{body}")


def editor(binary, root, dump_path):
    server = subprocess.Popen([binary, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(message):
        body = json.dumps(message).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def receive():
        length = None
        while True:
            line = server.stdout.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(server.stdout.read(length))

    def request(id, method, params):
        send({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
        while True:
            message = receive()
            if message.get("id") == id and "method" not in message:
                return message
            if "method" in message and "id" in message:
                send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    uri = "file://" + os.path.abspath(root)
    request(1, "initialize", {"processId": None, "rootUri": uri, "capabilities": {},
                              "workspaceFolders": [{"uri": uri, "name": "workspace"}]})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    loaded = request(2, "workspace/executeCommand",
                     {"command": "leakls.loadDump", "arguments": [os.path.abspath(dump_path)]})
    with open(f"/proc/{server.pid}/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM"))
    print(json.dumps(loaded.get("result") or loaded.get("error")), peak.strip())
    request(3, "shutdown", None)
    send({"jsonrpc": "2.0", "method": "exit"})
    server.wait()


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "dump":
        frames = args[args.index("--frames") + 1] if "--frames" in args else "args"
        dump(float(args[0]), args[1], frames)
    elif command == "workspace":
        workspace(args[0])
    elif command == "editor":
        editor(*args)
    else:
        sys.exit(__doc__)
