"""Measuring a command and its process tree without cgroups (shared by bench/backup.py and
bench/feeds.py).

run(cmd) starts `cmd` (an argv list; use ["bash", "-o", "pipefail", "-c", script] for pipelines),
waits for it and returns:
  - wall: seconds from start to exit;
  - cpu: user + sys seconds of the command and every descendant it waited for (wait4 rusage);
  - max_proc_mb: the largest peak RSS of any single process in the tree (ru_maxrss, exact). The
    command is started by /usr/bin/time, not forked from Python: a child's ru_maxrss counts the
    memory of the process it was forked from (before exec), which would add Python's ~20 MB;
  - tree_mb: the largest sum of RSS over the whole tree, sampled every `interval` seconds (a
    pipeline's processes run at once, so this is what the machine actually had to hold).
For a single-process tool the two RSS figures agree (the sampled one may miss a short spike).
"""
import os
import subprocess
import tempfile
import threading
import time

TIME = "/usr/bin/time"
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


def children_map():
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(p))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def tree(pid):
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE // 1024
    except (OSError, IndexError, ValueError):
        return 0


def hwm_kib(pid):
    """Peak RSS (VmHWM) of a running process."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid):
    """user + sys seconds of a running process so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def run(cmd, env=None, cwd=None, interval=0.1, stdout=subprocess.PIPE, check=True):
    if not os.access(TIME, os.X_OK):
        raise RuntimeError(f"{TIME} is missing: apt-get install time")
    fd, report = tempfile.mkstemp(prefix="proctree-")
    os.close(fd)
    t0 = time.monotonic()
    proc = subprocess.Popen([TIME, "-q", "-o", report, "-f", "%M %U %S", *cmd], env=env, cwd=cwd,
                            stdout=stdout, stderr=subprocess.PIPE)
    peak_tree = 0
    out_chunks = []
    # Read stdout/stderr on threads so a chatty command never blocks on a full pipe.

    def drain(stream, sink):
        for chunk in iter(lambda: stream.read(65536), b""):
            sink.append(chunk)

    err_chunks = []
    threads = []
    if proc.stdout is not None:
        threads.append(threading.Thread(target=drain, args=(proc.stdout, out_chunks), daemon=True))
    threads.append(threading.Thread(target=drain, args=(proc.stderr, err_chunks), daemon=True))
    for t in threads:
        t.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        # The tree without /usr/bin/time itself.
        peak_tree = max(peak_tree, sum(rss_kib(p) for p in tree(proc.pid)[1:]))
        time.sleep(interval)
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in threads:
        t.join()
    out = b"".join(out_chunks).decode(errors="replace")
    err = b"".join(err_chunks).decode(errors="replace")
    with open(report) as f:
        fields = f.read().split()
    os.remove(report)
    try:
        maxrss_kib, user, system = int(fields[-3]), float(fields[-2]), float(fields[-1])
    except (IndexError, ValueError):
        maxrss_kib, user, system = usage.ru_maxrss, usage.ru_utime, usage.ru_stime
    if check and proc.returncode != 0:
        raise RuntimeError(f"{cmd!r} failed with exit code {proc.returncode}:\n{err[-3000:]}")
    return {
        "wall": wall,
        "cpu": user + system,
        "max_proc_mb": maxrss_kib / 1024,
        "tree_mb": max(peak_tree, maxrss_kib) / 1024,
        "stdout": out,
        "stderr": err,
        "rc": proc.returncode,
    }
