#!/usr/bin/env python3
"""Feeds benchmark (issue 4): 1,000 health targets on loopback checked every 10 s for 2 minutes,
first by Rampart's poller (crates/feeds/examples/bench_poller.rs: rampart_feeds' Scheduler as the
app runs it), then by Prometheus's blackbox_exporter driven by a Prometheus that scrapes /probe for
the same 1,000 targets every 10 s. CPU seconds (user + sys) and peak RSS of each; Prometheus's own
figures are printed separately. One after the other, so they never compete for the 2 cores.

Run by bench/feeds.sh. Environment: BENCH_SECONDS (default 120), BENCH_TARGETS (default 1000),
BENCH_INTERVAL (default 10), BENCH_POLLER_BIN, BLACKBOX_BIN, PROMETHEUS_BIN.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import proctree  # noqa: E402


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_http(url, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read()
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout} s")
            time.sleep(0.1)


def served(control_port):
    with urllib.request.urlopen(f"http://127.0.0.1:{control_port}/count", timeout=5) as r:
        return int(r.read())


def prom_query(port, q):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
    with urllib.request.urlopen(url, timeout=10) as r:
        res = json.load(r)["data"]["result"]
    return [float(x["value"][1]) for x in res]


def main():
    seconds = float(os.environ.get("BENCH_SECONDS", "120"))
    n = int(os.environ.get("BENCH_TARGETS", "1000"))
    interval = float(os.environ.get("BENCH_INTERVAL", "10"))
    poller_bin = os.environ["BENCH_POLLER_BIN"]
    blackbox_bin = os.environ["BLACKBOX_BIN"]
    prometheus_bin = os.environ["PROMETHEUS_BIN"]
    work = tempfile.mkdtemp(prefix="rampart-bench-feeds-")
    procs = []
    try:
        url_file = os.path.join(work, "urls.txt")
        control_file = os.path.join(work, "control-port")
        targets = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "targets.py"),
                                    str(n), url_file, control_file], stdout=subprocess.PIPE)
        procs.append(targets)
        if targets.stdout.readline().strip() != b"ready":
            raise RuntimeError("the target server did not start")
        control = int(open(control_file).read())
        urls = open(url_file).read().split()

        # ---------------------------------------------------------- Rampart
        log(f"== Rampart's poller: {n} targets every {interval:g} s for {seconds:g} s")
        before = served(control)
        r = proctree.run([poller_bin, url_file, str(seconds), str(interval)])
        rampart = json.loads(r["stdout"])
        rampart_requests = served(control) - before
        log(f"   {r['cpu']:.2f} CPU s, {r['max_proc_mb']:.1f} MB")

        # ---------------------------------------------------------- blackbox_exporter + Prometheus
        log(f"== blackbox_exporter driven by Prometheus: same targets, scrape_interval {interval:g}s, "
            f"for {seconds:g} s")
        bb_port, prom_port = free_port(), free_port()
        bb_cfg = os.path.join(work, "blackbox.yml")
        with open(bb_cfg, "w") as f:
            # The same check as Rampart's default conditions: HTTP 200 and status == "ok".
            f.write("""modules:
  health:
    prober: http
    timeout: 5s
    http:
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
      fail_if_body_not_matches_regexp: ['"status"\\s*:\\s*"ok"']
""")
        prom_cfg = os.path.join(work, "prometheus.yml")
        timeout = min(5.0, interval)
        with open(prom_cfg, "w") as f:
            f.write(f"""global:
  scrape_interval: {interval:g}s
  scrape_timeout: {timeout:g}s
  evaluation_interval: 1m
scrape_configs:
  - job_name: health
    metrics_path: /probe
    params:
      module: [health]
    static_configs:
      - targets: {json.dumps(urls)}
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:{bb_port}
""")
        bb = subprocess.Popen([blackbox_bin, f"--config.file={bb_cfg}",
                               f"--web.listen-address=127.0.0.1:{bb_port}"],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "bb.log"), "wb"))
        procs.append(bb)
        wait_http(f"http://127.0.0.1:{bb_port}/metrics")
        before = served(control)
        t0 = time.monotonic()
        prom = subprocess.Popen([prometheus_bin, f"--config.file={prom_cfg}",
                                 f"--storage.tsdb.path={work}/tsdb",
                                 f"--web.listen-address=127.0.0.1:{prom_port}"],
                                stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "prom.log"), "wb"))
        procs.append(prom)
        time.sleep(seconds)
        bb_cpu, bb_hwm = proctree.cpu_seconds(bb.pid), proctree.hwm_kib(bb.pid) / 1024
        prom_cpu, prom_hwm = proctree.cpu_seconds(prom.pid), proctree.hwm_kib(prom.pid) / 1024
        bb_requests = served(control) - before
        window = time.monotonic() - t0
        try:
            ok = sum(prom_query(prom_port, 'probe_success{job="health"}'))
            up = sum(prom_query(prom_port, 'up{job="health"}'))
            # Prometheus's own summary of actual scrape intervals (from its /metrics; it does not
            # scrape itself here).
            with urllib.request.urlopen(f"http://127.0.0.1:{prom_port}/metrics", timeout=10) as m:
                text = m.read().decode()
            quantiles = {}
            for line in text.splitlines():
                if line.startswith("prometheus_target_interval_length_seconds{") and 'quantile="' in line:
                    q = line.split('quantile="')[1].split('"')[0]
                    quantiles.setdefault(q, []).append(float(line.rsplit(" ", 1)[1]))
            p99, p01 = quantiles.get("0.99", []), quantiles.get("0.01", [])
        except OSError as e:
            log(f"   (could not query Prometheus: {e})")
            ok = up = None
            p99 = p01 = []
        log(f"   exporter {bb_cpu:.2f} CPU s, {bb_hwm:.1f} MB; Prometheus {prom_cpu:.2f} CPU s, {prom_hwm:.1f} MB")
        for p in (prom, bb):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)

    # -------------------------------------------------------------- report
    print()
    print(f"Feeds benchmark: {n} health targets (/health -> {{\"status\":\"ok\"}}, one port each) on "
          f"loopback, checked every {interval:g} s for {seconds:g} s, {os.cpu_count()} cores.")
    print("Rampart: crates/feeds/examples/bench_poller.rs running rampart_feeds::health::Scheduler as the "
          f"app does\n(one shared client from http_client(), {rampart['concurrency']} checks in flight at "
          "most, multi-threaded tokio runtime), whole process lifetime.")
    print("blackbox_exporter: module http, status 200 + body matches \"status\":\"ok\", probed through "
          f"/probe by Prometheus\n(scrape_interval {interval:g}s); CPU over the exporter's lifetime up to "
          f"the end of a {window:.0f} s window from Prometheus's start.")
    print()
    def per(cpu, reqs):
        return f"{1000 * cpu / reqs:.3f}" if reqs else "-"

    print(f"{'':38} {'CPU s':>7} {'peak RSS MB':>12} {'requests':>9} {'CPU ms/req':>11} {'checks ok':>10}")
    print(f"{'Rampart poller':38} {r['cpu']:7.2f} {r['max_proc_mb']:12.1f} {rampart_requests:9d} "
          f"{per(r['cpu'], rampart_requests):>11} {rampart['checks'] - rampart['down']:10d}")
    okf = "-" if ok is None else f"{ok:.0f} now"
    print(f"{'blackbox_exporter':38} {bb_cpu:7.2f} {bb_hwm:12.1f} {bb_requests:9d} "
          f"{per(bb_cpu, bb_requests):>11} {okf:>10}")
    print(f"{'(Prometheus driving it, not compared)':38} {prom_cpu:7.2f} {prom_hwm:12.1f} {'':9} "
          f"{per(prom_cpu, bb_requests):>11} {'' if up is None else f'{up:.0f} up':>10}")
    print("requests: /health requests the target server answered in each run; checks ok: Rampart's "
          "passing checks,\nfor blackbox the targets whose last probe_success is 1 (Prometheus keeps "
          "no per-probe count).")
    print()
    print(f"Rampart: {rampart['checks']} checks of {rampart['targets_checked']}/{rampart['targets']} targets, "
          f"{rampart['down']} down{' (' + rampart['first_down_reason'] + ')' if rampart['down'] else ''}; "
          f"lateness against first check + k x interval: max {rampart['max_late_ms']:.0f} ms, "
          f"p99 {rampart['p99_late_ms']:.0f} ms, {rampart['late_over_1s']} checks late by > 1 s; "
          f"slowest check {rampart['max_latency_ms']} ms")
    if p99:
        print(f"Prometheus scrape intervals (its own summary): p1 {min(p01):.3f} s, p99 {max(p99):.3f} s")
    print()

    def verdict(good):
        return "MET" if good else "NOT MET"

    print("Targets (issue 4):")
    print(f"  less CPU than blackbox_exporter:  {r['cpu']:.2f} s vs {bb_cpu:.2f} s  {verdict(r['cpu'] < bb_cpu)}")
    print(f"  RSS under 60 MB:                  {r['max_proc_mb']:.1f} MB  {verdict(r['max_proc_mb'] < 60)}")
    print(f"  no check late by more than 1 s:   {rampart['late_over_1s']} late, max {rampart['max_late_ms']:.0f} ms  "
          f"{verdict(rampart['late_over_1s'] == 0)}")


if __name__ == "__main__":
    sys.exit(main())
