#!/usr/bin/env python3
"""Health targets for the feeds benchmark: one asyncio process listening on N loopback ports,
each answering `GET /health` with `{"status":"ok"}` (HTTP/1.1, keep-alive honoured). It is not
measured; at 100 requests a second it idles.

usage: targets.py N URL_FILE CONTROL_PORT_FILE
Writes one URL per line to URL_FILE, the port of a control listener to CONTROL_PORT_FILE
(`GET /count` there returns how many /health requests were served), then prints "ready".
"""
import asyncio
import resource
import sys

BODY = b'{"status":"ok"}'
OK = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
      + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)
served = 0


class Http(asyncio.Protocol):
    def __init__(self, control=False):
        self.control = control
        self.buf = b""

    def connection_made(self, transport):
        self.t = transport

    def data_received(self, data):
        global served
        self.buf += data
        while b"\r\n\r\n" in self.buf:
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            line = head.split(b"\r\n", 1)[0]
            close = b"connection: close" in head.lower()
            if self.control:
                body = str(served).encode()
                self.t.write(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(body)).encode()
                             + b"\r\nConnection: close\r\n\r\n" + body)
                self.t.close()
                return
            if line.startswith(b"GET /health"):
                served += 1
                self.t.write(OK)
            else:
                self.t.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            if close:
                self.t.close()
                return


async def main():
    n, url_file, control_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 3 * n + 100:
        sys.exit(f"targets.py: the open-file limit ({hard}) is too low for {n} targets")
    loop = asyncio.get_running_loop()
    urls = []
    for _ in range(n):
        server = await loop.create_server(Http, "127.0.0.1", 0, backlog=256)
        urls.append(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/health")
    control = await loop.create_server(lambda: Http(control=True), "127.0.0.1", 0)
    with open(url_file, "w") as f:
        f.write("\n".join(urls) + "\n")
    with open(control_file, "w") as f:
        f.write(str(control.sockets[0].getsockname()[1]))
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
