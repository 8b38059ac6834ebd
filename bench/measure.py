#!/usr/bin/env python3
"""Start-up, memory and idle-CPU figures of a desktop app under Xvfb, process tree included.

usage: measure.py NAME BINARY [--ready-log FILE --ready-text TEXT] [--idle SECONDS] [--starts N]
Prints one line of JSON: ms to the window being mapped, ms to the ready log line (if asked),
each the median over N start-ups (each start-up's figure listed too),
PSS in MB of the app and of its WebKit children (from /proc/PID/smaps_rollup) after settling
and again after the idle window (growth), and CPU seconds used over the idle window.
"""
import argparse, datetime, json, os, subprocess, sys, time

TICK = os.sysconf("SC_CLK_TCK")


def tree(pid):
    """pid and all its descendants."""
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(p))
            except OSError:
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def logged_at(log_dir, text, since):
    """Unix time of the first JSON log line holding `text` stamped at or after `since`: the
    line's own timestamp, so the figure does not depend on how often this script polls or
    when the app's log writer flushes, and lines of an earlier run are skipped."""
    for name in sorted(os.listdir(log_dir)):
        with open(os.path.join(log_dir, name), errors="ignore") as f:
            for line in f:
                if text not in line:
                    continue
                try:
                    stamp = json.loads(line)["timestamp"].replace("Z", "+00:00")
                    at = datetime.datetime.fromisoformat(stamp).timestamp()
                except (ValueError, KeyError):
                    continue
                if at >= since:
                    return at
    return None


def start(a):
    """Starts the app; returns (process, ms to mapped, ms to the ready line or None)."""
    t0, wall0 = time.monotonic(), time.time()
    proc = subprocess.Popen([a.binary], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mapped = ready = None
    deadline = t0 + 60
    while time.monotonic() < deadline and (mapped is None or (a.ready_log and ready is None)):
        if proc.poll() is not None:
            # It exited before showing a window (seen here now and then, bare Tauri too, when
            # started right after the previous one ended): no figure from this start-up.
            print(f"{a.name}: start-up exited with {proc.returncode} before its window was mapped",
                  file=sys.stderr)
            break
        if mapped is None:
            r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", a.title],
                               capture_output=True)
            if r.returncode == 0 and r.stdout.strip():
                mapped = (time.monotonic() - t0) * 1000
        if a.ready_log and ready is None:
            try:
                at = logged_at(a.ready_log, a.ready_text, wall0)
                if at is not None:
                    ready = (at - wall0) * 1000
            except OSError:
                pass
        time.sleep(0.005)
    return proc, mapped, ready


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def median(values):
    """The median of the figures taken (None when none was), rounded to a ms."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return round(values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("binary")
    ap.add_argument("--title", required=True)
    ap.add_argument("--ready-log")
    ap.add_argument("--ready-text")
    ap.add_argument("--settle", type=float, default=10)
    ap.add_argument("--idle", type=float, default=60)
    ap.add_argument("--starts", type=int, default=1,
                    help="start-ups timed (the median is reported); the last one stays for "
                         "the memory and idle figures")
    a = ap.parse_args()

    starts = max(a.starts, 1)
    mapped_all, ready_all, died = [], [], 0
    while len(mapped_all) < starts:
        proc, mapped, ready = start(a)
        if proc.poll() is not None:
            died += 1
            if died > starts:
                sys.exit(f"{a.name}: {died} start-ups exited before their window was mapped")
            time.sleep(1)
            continue
        mapped_all.append(mapped)
        ready_all.append(ready)
        if len(mapped_all) < starts:
            stop(proc)
            time.sleep(1)

    time.sleep(a.settle)
    pids = tree(proc.pid)
    pss = {}
    for p in pids:
        pss[comm(p)] = pss.get(comm(p), 0) + pss_kb(p)
    before = {p: cpu_ticks(p) for p in pids}
    c0 = sum(before.values())
    time.sleep(a.idle)
    pids = tree(proc.pid)
    after = {p: cpu_ticks(p) for p in pids}
    c1 = sum(after.values())
    cpu_by = {}
    for p, t in after.items():
        cpu_by[comm(p)] = cpu_by.get(comm(p), 0) + t - before.get(p, 0)
    pss_after = sum(pss_kb(p) for p in pids)
    stop(proc)
    ms = lambda values: [None if v is None else round(v) for v in values]
    print(json.dumps({
        "name": a.name,
        "window_mapped_ms": median(mapped_all),
        "first_code_list_ms": median(ready_all),
        "window_mapped_ms_each": ms(mapped_all),
        "first_code_list_ms_each": ms(ready_all),
        "start_ups_exited_early": died,
        "pss_mb_total": round(sum(pss.values()) / 1024, 1),
        "pss_mb_by_process": {k: round(v / 1024, 1) for k, v in sorted(pss.items())},
        "idle_cpu_seconds": round((c1 - c0) / TICK, 2),
        "idle_cpu_by_process": {k: round(v / TICK, 2) for k, v in sorted(cpu_by.items())},
        "pss_mb_after_idle": round(pss_after / 1024, 1),
        "idle_window_s": a.idle,
    }))


if __name__ == "__main__":
    sys.exit(main())
