#!/usr/bin/env python3
"""Checks the module include graph of src/ against the layering of DESIGN.md.

Each folder under src/ is a module; a file's `#include "other/..."` is an edge
module -> other. The test fails when an edge is not in ALLOWED (a module reaching
up or sideways) or when the graph has a cycle, and prints every offending include
with its file and line. The build already refuses most of these (each module's
headers are on the include path only of the modules that link it); this test
names the rule and catches what a PUBLIC link would let through.

  check_layering.py SRC_DIR
"""
import pathlib
import re
import sys

# module -> the modules its files may include (besides its own). Keep in step with
# DESIGN.md and src/CMakeLists.txt.
ALLOWED = {
    "chat": set(),
    "metrics": set(),
    "csprng": set(),
    "text": {"chat"},
    "auth": {"chat", "csprng"},
    "store": {"chat", "csprng"},
    "bus": {"chat"},
    "hub": set(),
    "service": {"chat", "text", "auth", "store", "bus", "hub", "metrics"},
    "transport": {"chat", "text", "auth", "store", "bus", "hub", "metrics", "service"},
    "http": {"chat", "hub", "metrics", "service", "transport"},
    "web": {"chat", "text", "auth", "store", "bus", "hub", "metrics", "service", "transport"},
    "app": {"chat", "csprng", "text", "auth", "store", "bus", "hub", "metrics", "service",
            "transport", "http", "web"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')

# Transports and pages call the services, never the store (DESIGN.md): no Store
# object is named or called in these modules, even though they may include store/
# for its value types (HistoryPage, AppendResult).
NO_STORE = {"transport", "web", "http"}
STORE_CALL = re.compile(r"\bstore::Store\b|\.store\s*[.(]|\bstore_call\s*<")


def edges(src: pathlib.Path):
    for path in sorted(src.rglob("*")):
        if path.suffix not in {".hpp", ".cpp", ".h", ".in"} or not path.is_file():
            continue
        module = path.relative_to(src).parts[0]
        for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if m and m.group(1) != module and (src / m.group(1)).is_dir():
                yield module, m.group(1), path.relative_to(src.parent), lineno
            if module in NO_STORE and STORE_CALL.search(line.split("//")[0]):
                yield module, None, path.relative_to(src.parent), lineno


def find_cycle(graph):
    """A cycle of the graph as a list of modules, or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src").resolve()
    modules = {p.name for p in src.iterdir() if p.is_dir()}
    problems = []
    for m in sorted(modules - ALLOWED.keys()):
        problems.append(f"src/{m}: a module this test does not know; add it to ALLOWED")
    graph = {}
    for module, target, path, lineno in edges(src):
        if target is None:
            problems.append(f"{path}:{lineno}: {module} calls the store; call a service")
            continue
        graph.setdefault(module, set()).add(target)
        if module in ALLOWED and target not in ALLOWED[module]:
            problems.append(f"{path}:{lineno}: {module} may not include {target}/")
    cycle = find_cycle(graph)
    if cycle:
        problems.append("cycle: " + " -> ".join(cycle))
    for p in problems:
        print(p)
    shown = ", ".join(f"{m} -> {' '.join(sorted(graph.get(m, ())))}" for m in sorted(graph))
    print(f"modules: {len(modules)}; edges: {shown}")
    print(f"{0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
