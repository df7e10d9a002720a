#!/usr/bin/env python3
"""Prints the side-by-side table (Markdown) for one bench/run.sh results folder.

    python3 bench/report.py bench/results/<stamp>
"""
import json
import os
import re
import sys

d = sys.argv[1]


def load(stem):
    p = os.path.join(d, stem + ".json")
    if not os.path.exists(p):
        return None
    try:
        with open(p) as f:
            return json.load(f)
    except ValueError:
        return None


def best(stem):
    r = load(stem)
    return r.get("best") if r else None


def k(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return "%.2f M" % (v / 1e6)
    if v >= 1e3:
        return "%.0f k" % (v / 1e3)
    return "%.0f" % v


def ratio(a, b, lower_is_better=False):
    if a is None or b is None or a == 0 or b == 0:
        return "—"
    ra, rb = isinstance(a, Below), isinstance(b, Below)
    if ra and rb:
        return "—"
    prefix = "< " if ra else ("> " if rb else "")
    return "%s%.2f×" % (prefix, (b / a) if lower_is_better else (a / b))


def verdict(ok):
    return "—" if ok is None else ("yes" if ok else "**no**")


rows = []
servers = ["parley", "uws", "ws", "nchan"]
names = {"parley": "parley", "uws": "uWS", "ws": "ws", "nchan": "nchan"}


class Below(float):
    """An upper bound: the lowest rate tried already failed."""


def fanout_cell(b, stem):
    r = load(stem)
    if r is None:
        return "—", None
    if b is None:
        steps = r.get("steps") or []
        if not steps:
            return "failed", None
        s = steps[0]
        return ("< %s (p99 %.0f ms at the lowest rate)" % (k(s["offered_deliveries_per_s"]), s["p99_ms"]),
                Below(s["offered_deliveries_per_s"]))
    return "%s/s (p99 %.0f ms)" % (k(b["deliveries_per_s"]), b["p99_ms"]), b["deliveries_per_s"]


# 1. Broadcast
for transport, peers_here in (("ws", servers), ("sse", ["parley", "nchan"])):
    cells, vals = {}, {}
    for s in peers_here:
        stem = "broadcast-%s-%s" % (transport, s)
        cells[s], vals[s] = fanout_cell(best(stem), stem)
    p = vals.get("parley")
    if transport == "ws":
        target = "≥ 1.2× uWS, ≥ 10× ws, nchan"
        ok = None
        if p is not None and vals.get("uws"):
            ok = not isinstance(p, Below) and p >= 1.2 * vals["uws"] and all(
                p >= 10 * vals[x] for x in ("ws", "nchan") if vals.get(x))
    else:
        target = "≥ 10× nchan"
        ok = None if p is None or not vals.get("nchan") else (not isinstance(p, Below) and p >= 10 * vals["nchan"])
    n = (load("broadcast-%s-parley" % transport) or {}).get("conns", "?")
    rows.append(("Broadcast %s, %s subs in one room, highest sustained deliveries/s (p99 ≤ 200 ms, nothing lost)"
                 % (transport.upper(), n),
                 cells, {s: ratio(p, vals.get(s)) for s in servers if s != "parley"}, target, verdict(ok)))

# Server CPU per delivery at the first (lowest, common) rate: the figure least moved
# by other load on a shared machine.
for transport, peers_here in (("ws", servers), ("sse", ["parley", "nchan"])):
    cells, v = {}, {}
    for s in peers_here:
        r = load("broadcast-%s-%s" % (transport, s))
        st = (r or {}).get("steps") or []
        if st and st[0].get("server_cpu_ns_per_delivery"):
            v[s] = st[0]["server_cpu_ns_per_delivery"]
            cells[s] = "%.1f µs (at %s/s)" % (v[s] / 1000, k(st[0]["offered_deliveries_per_s"]))
        else:
            cells[s] = "—"
    rows.append(("Broadcast %s: server CPU per delivery" % transport.upper(), cells,
                 {s: ratio(v.get("parley"), v.get(s), lower_is_better=True) for s in servers if s != "parley"},
                 "", "—"))

# 2. Small rooms
cells, p99 = {}, {}
for s in servers:
    r = load("small-ws-%s" % s)
    st = (r or {}).get("steps") or []
    if st:
        x = st[-1]
        cells[s] = "%.1f / %.1f ms%s" % (x["p50_ms"], x["p99_ms"], "" if x["lost"] == 0 else " lost %d" % x["lost"])
        p99[s] = x["p99_ms"]
    else:
        cells[s] = "—"
ok = None if "parley" not in p99 or "uws" not in p99 else p99["parley"] <= p99["uws"]
rows.append(("Small rooms, 100 subs × 1,000 msg/s: p50 / p99", cells,
             {s: ratio(p99.get("parley"), p99.get(s), lower_is_better=True) for s in servers if s != "parley"},
             "p99 ≤ uWS p99", verdict(ok)))

# 3. Idle
for transport, here in (("ws", servers), ("sse", ["parley", "nchan"])):
    cells, v = {}, {}
    for s in here:
        r = load("idle-%s-%s" % (transport, s))
        if r:
            v[s] = r["rss_per_conn_bytes"]
            cells[s] = "%.2f KB (%d conns)" % (v[s] / 1024, r["ready"])
        else:
            cells[s] = "—"
    ok = None
    if transport == "ws" and "parley" in v and "uws" in v:
        ok = v["parley"] <= v["uws"]
    rows.append(("Idle %s: server RSS per connection" % transport.upper(), cells,
                 {s: ratio(v.get("parley"), v.get(s), lower_is_better=True) for s in servers if s != "parley"},
                 "≤ uWS (~1.25 KB)" if transport == "ws" else "", verdict(ok)))

# 4. Ingest
r = load("ingest-parley")
if r:
    cells = {"parley": "%s/s (ack p50 %.1f, p99 %.1f ms; %s)" % (
        k(r["msgs_per_s"]), r["ack_p50_ms"], r["ack_p99_ms"],
        "every ack stored" if r["verified"] else "STORED ≠ ACKED")}
    rows.append(("Ingest: durable sends/s (WS send → SQLite commit → ack), %d conns, %d rooms" % (r["conns"], r["rooms"]), cells, {},
                 "≥ 50 k/s", verdict(r["msgs_per_s"] >= 50000 and r["verified"])))
hp = os.path.join(d, "history-parley.txt")
if os.path.exists(hp):
    txt = open(hp).read()
    m = re.search(r"Requests/sec:\s*([\d.]+)", txt)
    lat = re.search(r"Latency\s+(\S+)", txt)
    non2 = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", txt)
    if m:
        cell = "%s/s (mean latency %s)%s" % (k(float(m.group(1))), lat.group(1) if lat else "?",
                                              " NON-2xx %s" % non2.group(1) if non2 else "")
        rows.append(("REST history reads/s (wrk, 64 conns, limit=50)", {"parley": cell}, {}, "", "—"))

# 5. Many rooms
cells, vals = {}, {}
for s in ["parley", "nchan"]:
    stem = "many-ws-%s" % s
    cells[s], vals[s] = fanout_cell(best(stem), stem)
mr = load("many-ws-parley") or {}
rows.append(("Many rooms: %s subs in %s rooms, each busy: highest sustained deliveries/s (p99 ≤ 200 ms)"
             % (mr.get("conns", "?"), mr.get("rooms", "?")), cells,
             {s: ratio(vals.get("parley"), vals.get(s)) for s in ["nchan"]}, "", "—"))

meta = os.path.join(d, "meta.txt")
if os.path.exists(meta):
    for line in open(meta):
        print("    " + line.rstrip())
    print()
print("| scenario | parley | uWS | ws | nchan | parley÷uWS | parley÷ws | parley÷nchan | target | met |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for name, cells, ratios, target, met in rows:
    if all(v in ("—", None) for v in cells.values()):
        continue  # a scenario this run did not include
    print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        name, cells.get("parley", "—"), cells.get("uws", "—"), cells.get("ws", "—"), cells.get("nchan", "—"),
        ratios.get("uws", "—"), ratios.get("ws", "—"), ratios.get("nchan", "—"), target or "—", met))
print()
print("Ratios: throughput parley ÷ peer; latency and memory peer ÷ parley (above 1× = parley better).")

m = os.path.join(d, "micro.json")
if os.path.exists(m):
    try:
        mj = json.load(open(m))
        print()
        print("| micro-benchmark | CPU time per op | items/s |")
        print("| --- | --- | --- |")
        for b in mj.get("benchmarks", []):
            ips = b.get("items_per_second")
            print("| %s | %.0f %s | %s |" % (b["name"], b["cpu_time"], b["time_unit"], k(ips) if ips else "—"))
    except ValueError:
        pass
