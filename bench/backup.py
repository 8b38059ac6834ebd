#!/usr/bin/env python3
"""Backup benchmark (issue 3): Rampart's backup engine beside restic, the guide's tar.gz + aws s3 cp,
the stock tar | zstd | age | aws s3 cp pipeline and the compression floor, all against one local
Garage S3 node in one run; then restores (Rampart vs restic, plus the stock-tools restore), then
Rampart again on the data set doubled, for RSS flatness. Prints a table and the issue's targets.

Run by bench/backup.sh (which checks the tools and builds the example). Environment:
  BENCH_SCALE        fraction of the full ~600 MB data set (default 1; e.g. 0.05 for a dry run)
  RAMPART_BENCH_DATA where the generated data set is cached (default /tmp/rampart-bench-data)
  BENCH_BACKUP_BIN   the release build of crates/backup/examples/bench_backup.rs
"""
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import proctree  # noqa: E402

MB = 1024 * 1024
DATA_VERSION = 1
BUCKET = "bench"
REGION = "garage"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data set


def gen_json_dump(path, size):
    """A mongoexport-like dump: one JSON document per line, realistic-ish fields."""
    rng = random.Random(42)
    first = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
             "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter"]
    last = ["smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "moore", "taylor",
            "thomas", "martin", "lee", "walker", "hall", "young", "king", "wright", "scott"]
    events = ["login", "logout", "password_change", "order_created", "order_paid", "order_shipped",
              "cart_add", "cart_remove", "profile_update", "2fa_enabled", "api_call", "export"]
    agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0",
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
              "okhttp/4.12.0", "python-requests/2.32.3", "curl/8.8.0"]
    countries = ["DE", "FR", "US", "GB", "NL", "ES", "IT", "PL", "SE", "BR", "IN", "JP"]
    written = 0
    n = 0
    t = 1_700_000_000
    with open(path, "w") as f:
        while written < size:
            lines = []
            for _ in range(2000):
                n += 1
                t += rng.randint(0, 30)
                fn, ln = rng.choice(first), rng.choice(last)
                line = (
                    f'{{"_id":{{"$oid":"{rng.getrandbits(96):024x}"}},"seq":{n},'
                    f'"ts":{{"$date":"{time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))}.'
                    f'{rng.randint(0, 999):03d}Z"}},"event":"{rng.choice(events)}",'
                    f'"user":{{"id":{rng.randint(1, 250000)},"name":"{fn} {ln}",'
                    f'"email":"{fn}.{ln}{rng.randint(1, 999)}@example.com",'
                    f'"country":"{rng.choice(countries)}"}},'
                    f'"ip":"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.'
                    f'{rng.randint(1, 254)}","ua":"{rng.choice(agents)}",'
                    f'"amount":{rng.randint(0, 500000) / 100},"currency":"EUR",'
                    f'"ok":{"true" if rng.random() < 0.97 else "false"},'
                    f'"latency_ms":{rng.randint(3, 900)},'
                    f'"session":"{rng.getrandbits(128):032x}",'
                    f'"tags":["{rng.choice(events)}","{rng.choice(countries).lower()}"]}}\n'
                )
                lines.append(line)
            chunk = "".join(lines)
            f.write(chunk)
            written += len(chunk)


def gen_small(root, count, rng):
    words = ("service config timeout retry backend frontend database cache redis mongo queue "
             "worker cron deploy release version environment production staging health metrics "
             "alert threshold latency error warning info debug trace user session token").split()
    for i in range(count):
        d = os.path.join(root, f"d{i // 100:03d}")
        os.makedirs(d, exist_ok=True)
        kind = i % 10
        if kind < 6:  # config/text files
            n = rng.randint(20, 600)
            body = " ".join(rng.choice(words) for _ in range(n)) + "\n"
            name = f"file-{i:05d}.txt"
            data = body.encode()
        elif kind < 9:  # small JSON documents
            doc = {"id": i, "name": rng.choice(words), "enabled": rng.random() < 0.5,
                   "values": [rng.randint(0, 10_000) for _ in range(rng.randint(5, 200))]}
            name = f"doc-{i:05d}.json"
            data = json.dumps(doc, indent=2).encode()
        else:  # small binaries (icons, keys, thumbnails)
            name = f"blob-{i:05d}.bin"
            data = os.urandom(rng.randint(512, 16384))
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def data_set(scale):
    base = os.environ.get("RAMPART_BENCH_DATA", "/tmp/rampart-bench-data")
    root = os.path.join(base, f"backup-v{DATA_VERSION}-scale{scale:g}")
    data = os.path.join(root, "data")
    doubled = os.path.join(root, "doubled")
    marker = os.path.join(root, ".complete")
    if os.path.exists(marker):
        log(f"== data set: cached at {root}")
        return data, doubled
    log(f"== data set: generating under {root} (cached for the next runs)")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(data, "dump"))
    os.makedirs(os.path.join(data, "random"))
    os.makedirs(os.path.join(data, "small"))
    t0 = time.monotonic()
    gen_json_dump(os.path.join(data, "dump", "app-dump.json"), int(400 * MB * scale))
    rand_total = int(200 * MB * scale)
    n_rand = max(2, min(20, rand_total // MB))
    for i in range(n_rand):
        with open(os.path.join(data, "random", f"media-{i:02d}.bin"), "wb") as f:
            left = rand_total // n_rand
            while left:
                k = min(left, 4 * MB)
                f.write(os.urandom(k))
                left -= k
    gen_small(os.path.join(data, "small"), max(100, int(5000 * scale)), random.Random(7))
    # The doubled set: the same tree twice, as hard links (no extra disk). Rampart's tar writer
    # reads both copies in full (its plaintext size shows it), so twice the bytes go through.
    os.makedirs(doubled)
    for half in ("one", "two"):
        subprocess.run(["cp", "-al", data, os.path.join(doubled, half)], check=True)
    open(marker, "w").write(f"scale {scale}\n")
    log(f"   generated in {time.monotonic() - t0:.0f} s")
    return data, doubled


def tree_size(path):
    files = total = 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            p = os.path.join(dirpath, n)
            if os.path.isfile(p) and not os.path.islink(p):
                files += 1
                total += os.path.getsize(p)
    return files, total


# ---------------------------------------------------------------- Garage


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Garage:
    def __init__(self, work, garage_bin):
        self.bin = garage_bin
        self.dir = os.path.join(work, "garage")
        os.makedirs(self.dir)
        rpc, self.s3, admin = free_port(), free_port(), free_port()
        self.config = os.path.join(self.dir, "garage.toml")
        with open(self.config, "w") as f:
            f.write(f"""metadata_dir = "{self.dir}/meta"
data_dir = "{self.dir}/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secrets.token_hex(32)}"

[s3_api]
s3_region = "{REGION}"
api_bind_addr = "127.0.0.1:{self.s3}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin}"
admin_token = "{secrets.token_hex(16)}"
""")
        self.log = open(os.path.join(self.dir, "garage.log"), "ab")
        self.proc = subprocess.Popen([self.bin, "-c", self.config, "server"], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log,
                                     env={**os.environ, "RUST_LOG": "garage=warn"})
        deadline = time.monotonic() + 30
        while subprocess.run([self.bin, "-c", self.config, "status"], capture_output=True).returncode:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"garage did not start; see {self.dir}/garage.log")
            time.sleep(0.1)
        node = self.cli("node", "id", "-q").strip().split("@")[0]
        self.cli("layout", "assign", "-z", "dc1", "-c", "10G", node)
        self.cli("layout", "apply", "--version", "1")
        self.key_id = "GK" + secrets.token_hex(12)
        self.secret = secrets.token_hex(32)
        self.cli("key", "import", "--yes", "-n", "bench", self.key_id, self.secret)
        self.cli("bucket", "create", BUCKET)
        self.cli("bucket", "allow", "--read", "--write", "--owner", BUCKET, "--key", self.key_id)
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.s3), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("garage's S3 port never opened")
                time.sleep(0.05)
        self.endpoint = f"http://127.0.0.1:{self.s3}"

    def cli(self, *args):
        r = subprocess.run([self.bin, "-c", self.config, *args], capture_output=True, text=True)
        if r.returncode:
            # garage prints no secrets on failure of these commands, but keep only its stderr tail
            raise RuntimeError(f"garage {args[0]} {args[1] if len(args) > 1 else ''} failed: "
                               f"{r.stderr[-500:]}")
        return r.stdout

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ---------------------------------------------------------------- the run


def main():
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    rampart_bin = os.environ["BENCH_BACKUP_BIN"]
    garage_bin = os.environ["GARAGE_BIN"]
    aws = os.environ["AWS_BIN"]
    data, doubled = data_set(scale)
    files, total = tree_size(data)
    log(f"   {files} files, {total / MB:.0f} MB")

    work = tempfile.mkdtemp(prefix="rampart-bench-backup-")
    garage = None
    try:
        garage = Garage(work, garage_bin)
        ep = garage.endpoint
        aws_cfg = os.path.join(work, "aws-config")
        with open(aws_cfg, "w") as f:
            f.write(f"[default]\nregion = {REGION}\ns3 =\n    addressing_style = path\n")
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": garage.key_id,
            "AWS_SECRET_ACCESS_KEY": garage.secret,
            "AWS_CONFIG_FILE": aws_cfg,
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(work, "none"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
            "RESTIC_PASSWORD": secrets.token_hex(16),
            "RESTIC_CACHE_DIR": os.path.join(work, "restic-cache"),
            "RAMPART_BENCH_ENDPOINT": ep,
            "RAMPART_BENCH_BUCKET": BUCKET,
            "RAMPART_BENCH_REGION": REGION,
        }
        key = os.path.join(work, "key.txt")
        recipient = os.path.join(work, "recipient.txt")
        subprocess.run(["age-keygen", "-o", key], check=True, capture_output=True)
        with open(recipient, "w") as f:
            f.write(subprocess.run(["age-keygen", "-y", key], check=True, capture_output=True,
                                   text=True).stdout)
        repo = f"s3:{ep}/{BUCKET}/restic"
        restic = ["restic", "-r", repo, "-o", f"s3.region={REGION}", "--quiet"]
        subprocess.run(restic + ["init"], env=env, check=True, capture_output=True)

        def sh(script):
            return ["bash", "-o", "pipefail", "-c", script]

        def settle():
            subprocess.run(["sync"], check=True)
            time.sleep(1)

        rows = {}

        def measure(name, cmd):
            settle()
            log(f"   {name} ...")
            g0 = proctree.cpu_seconds(garage.proc.pid)
            r = proctree.run(cmd, env=env)
            r["garage_cpu"] = proctree.cpu_seconds(garage.proc.pid) - g0
            rows[name] = r
            log(f"      {r['wall']:.2f} s, {r['max_proc_mb']:.0f} MB")
            return r

        log("== warming the page cache (every tool then reads the data set from memory)")
        proctree.run(sh(f"tar -C '{data}' -cf - . | cat > /dev/null"))
        proctree.run(sh(f"tar -C '{doubled}' -cf - . | cat > /dev/null"))

        log(f"== backups of {total / MB:.0f} MB into Garage at {ep}")
        measure("read: tar -cf - | cat > /dev/null", sh(f"tar -C '{data}' -cf - . | cat > /dev/null"))
        measure("floor: tar | zstd -3 -T0 > /dev/null",
                sh(f"tar -C '{data}' -cf - . | zstd -3 -T0 -q > /dev/null"))
        r = measure("Rampart backup", [rampart_bin, "backup", "data", data, recipient])
        rampart_backup = json.loads(r["stdout"])
        measure("restic backup (first)", restic + ["backup", data])
        measure("tar | zstd | age | aws s3 cp -", sh(
            f"tar -C '{data}' -cf - . | zstd -3 -T0 -q | age -R '{recipient}' | "
            f"'{aws}' --endpoint-url {ep} s3 cp --only-show-errors - s3://{BUCKET}/stock/data.tar.zst.age"))
        measure("guide: tar -czf + aws s3 cp", sh(
            f"tar -C '{data}' -czf '{work}/guide.tar.gz' . && "
            f"'{aws}' --endpoint-url {ep} s3 cp --only-show-errors '{work}/guide.tar.gz' "
            f"s3://{BUCKET}/guide/data.tar.gz"))
        os.remove(os.path.join(work, "guide.tar.gz"))

        log("== restores")
        checks = {}

        def restored(name, path):
            got = tree_size(path)
            checks[name] = got == (files, total)
            if not checks[name]:
                log(f"   !! {name}: restored {got[0]} files / {got[1]} bytes, "
                    f"expected {files} / {total}")
            shutil.rmtree(path)

        out = os.path.join(work, "restore-rampart")
        r = measure("Rampart restore", [rampart_bin, "restore", "data", out, key])
        restored("Rampart restore", out)
        out = os.path.join(work, "restore-restic")
        measure("restic restore latest", restic + ["restore", "latest", "--target", out])
        restored("restic restore latest", os.path.join(out, data.lstrip("/")))
        shutil.rmtree(out)
        out = os.path.join(work, "restore-stock")
        os.makedirs(out)
        measure("aws s3 cp - | age -d | zstd -d | tar -x", sh(
            f"'{aws}' --endpoint-url {ep} s3 cp --only-show-errors s3://{BUCKET}/stock/data.tar.zst.age - | "
            f"age -d -i '{key}' | zstd -d -q | tar -C '{out}' -xf -"))
        restored("aws s3 cp - | age -d | zstd -d | tar -x", out)

        log("== Rampart on the data set doubled (RSS flatness)")
        r = measure("Rampart backup, data set doubled", [rampart_bin, "backup", "doubled", doubled, recipient])
        rampart_doubled = json.loads(r["stdout"])
        # Peak RSS depends on timing (parts waiting for the upload), so the flatness verdict
        # uses repeats of both runs (not timed rows).
        repeats = int(os.environ.get("BENCH_RSS_REPEATS", "3"))
        rss_single = [rows["Rampart backup"]["max_proc_mb"]]
        rss_doubled = [r["max_proc_mb"]]
        for i in range(repeats - 1):
            for name, src, out in [(f"data{i}", data, rss_single), (f"doubled{i}", doubled, rss_doubled)]:
                settle()
                out.append(proctree.run([rampart_bin, "backup", name, src, recipient], env=env)["max_proc_mb"])
        log(f"   peak RSS, data set: {rss_single}; doubled: {rss_doubled}")

        # Stored sizes (not timed).
        stored = {}
        for name, prefix in [("Rampart backup", "rampart/data/"), ("restic backup (first)", "restic/"),
                             ("tar | zstd | age | aws s3 cp -", "stock/"),
                             ("guide: tar -czf + aws s3 cp", "guide/"),
                             ("Rampart backup, data set doubled", "rampart/doubled/")]:
            ls = subprocess.run([aws, "--endpoint-url", ep, "s3", "ls", "--recursive", "--summarize",
                                 f"s3://{BUCKET}/{prefix}"], env=env, capture_output=True, text=True,
                                check=True).stdout
            size = [ln for ln in ls.splitlines() if "Total Size:" in ln]
            stored[name] = int(size[0].split(":")[1]) / MB if size else None
    finally:
        if garage:
            garage.stop()
        shutil.rmtree(work, ignore_errors=True)

    # ------------------------------------------------------------ report
    print()
    print(f"Backup benchmark: {files} files, {total / MB:.0f} MB (a {400 * scale:.0f} MB JSON dump, "
          f"{200 * scale:.0f} MB of random files, {max(100, int(5000 * scale))} small files), "
          f"one local Garage node on loopback, {os.cpu_count()} cores.")
    print("Rampart rows: crates/backup/examples/bench_backup.rs driving rampart_backup::Engine with "
          "default options,\nthe same engine the `rampart backup` CLI calls (directory -> tar -> zstd-3 "
          "-> age -> S3 multipart).")
    print("Peak RSS: 'largest process' is exact (wait4 ru_maxrss); 'whole pipeline' sums the RSS of "
          "every process\nin the tree, sampled every 100 ms (for pipelines the processes run at once).")
    print("CPU s: user + sys of the command's processes; Garage CPU s: the S3 server's, during that row "
          "(same 2 cores).")
    print()
    hdr = f"{'':44} {'wall s':>8} {'CPU s':>7} {'RSS MB':>8} {'RSS MB':>9} {'stored MB':>10} {'Garage':>7}"
    print(hdr)
    print(f"{'':44} {'':>8} {'':>7} {'largest':>8} {'pipeline':>9} {'':>10} {'CPU s':>7}")
    for name, r in rows.items():
        st = stored.get(name)
        st = "-" if st is None else f"{st:.0f}"
        if name == "Rampart restore":
            print()
        print(f"{name:44} {r['wall']:8.2f} {r['cpu']:7.2f} {r['max_proc_mb']:8.1f} {r['tree_mb']:9.1f} {st:>10} "
              f"{r['garage_cpu']:7.2f}")
    print()
    bad = [k for k, ok in checks.items() if not ok]
    print("restored trees match the source (file count and bytes): " +
          ("yes, all three" if not bad else "NO: " + ", ".join(bad)))
    print(f"Rampart plaintext: {rampart_backup['plaintext_bytes'] / MB:.0f} MB -> "
          f"{rampart_backup['ciphertext_bytes'] / MB:.0f} MB in {rampart_backup['parts']} parts; doubled: "
          f"{rampart_doubled['plaintext_bytes'] / MB:.0f} MB -> {rampart_doubled['ciphertext_bytes'] / MB:.0f} MB")
    print()

    rb, rr = rows["Rampart backup"], rows["Rampart restore"]
    floor, rs, rsr = rows["floor: tar | zstd -3 -T0 > /dev/null"], rows["restic backup (first)"], \
        rows["restic restore latest"]
    peak = max(max(rss_single), rr["max_proc_mb"], max(rss_doubled))
    flat = max(rss_doubled) <= max(rss_single) * 1.10 + 2

    def verdict(ok):
        return "MET" if ok else "NOT MET"

    print("Targets (issue 3):")
    print(f"  backup within 2x of the floor:        {rb['wall']:.2f} s vs 2 x {floor['wall']:.2f} s "
          f"= {2 * floor['wall']:.2f} s ({rb['wall'] / floor['wall']:.2f}x)  "
          f"{verdict(rb['wall'] <= 2 * floor['wall'])}")
    print(f"  >= 2x faster than restic's first:     restic {rs['wall']:.2f} s / Rampart {rb['wall']:.2f} s "
          f"= {rs['wall'] / rb['wall']:.2f}x  {verdict(rs['wall'] >= 2 * rb['wall'])}")
    print(f"  restore no slower than restic:        Rampart {rr['wall']:.2f} s vs restic {rsr['wall']:.2f} s  "
          f"{verdict(rr['wall'] <= rsr['wall'])}")
    def mbs(v):
        return "/".join(f"{x:.1f}" for x in v)

    print(f"  peak RSS under 64 MB:                 backup {mbs(rss_single)}, restore "
          f"{rr['max_proc_mb']:.1f}, doubled {mbs(rss_doubled)} MB  {verdict(peak < 64)}")
    print(f"  RSS flat as the data set doubles:     max {max(rss_single):.1f} MB -> max {max(rss_doubled):.1f} MB "
          f"over {len(rss_single)} runs each (flat = within 10% + 2 MB)  {verdict(flat)}")


if __name__ == "__main__":
    sys.exit(main())
