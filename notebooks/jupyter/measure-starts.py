"""Starts a Jupyter kernel N times and counts the clean starts (a measuring tool, not part of CI).

    notebooks/jupyter/run-notebooks.sh --setup-only [--no-fix]     # writes the kernel spec(s)
    JUPYTER_PATH=notebooks/target/jupyter JUPYTER_RUNTIME_DIR=notebooks/target/jupyter/runtime \\
        /usr/bin/python3 notebooks/jupyter/measure-starts.py vbp-java 20 20 kernel.log

Each start: launch the kernel, wait for its kernel_info reply on the shell channel (what nbconvert waits for,
startup timeout 20 s by default), execute one cell, check the heartbeat, then ask it to shut down over the control
channel and time how long it takes to exit. A start is clean when all four work; the summary gives the count and the
times (median and worst). Run it with the Python that /usr/bin/jupyter uses (it needs jupyter_client).
"""
import statistics
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager


def one_start(kernel, startup_timeout, log):
    km = KernelManager(kernel_name=kernel)
    km.shutdown_wait_time = 10.0
    t0 = time.monotonic()
    km.start_kernel(stdout=log, stderr=log)
    kc = km.client()
    kc.start_channels()
    result = {"ready": None, "execute": False, "heartbeat": False, "shutdown": None}
    try:
        try:
            kc.wait_for_ready(timeout=startup_timeout)
            result["ready"] = time.monotonic() - t0
        except RuntimeError:
            return result
        reply = kc.execute_interactive("1 + 1", timeout=20, output_hook=lambda msg: None)
        result["execute"] = reply["content"]["status"] == "ok"
        deadline = time.monotonic() + 5.0  # the client's heartbeat thread needs a ping or two to see the kernel
        while not kc.hb_channel.is_beating() and time.monotonic() < deadline:
            time.sleep(0.1)
        result["heartbeat"] = kc.hb_channel.is_beating()
    finally:
        kc.stop_channels()
        t1 = time.monotonic()
        # graceful: shutdown_request on the control channel, then up to shutdown_wait_time for the process to exit
        km.shutdown_kernel(now=False)
        result["shutdown"] = time.monotonic() - t1
    return result


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: measure-starts.py KERNEL_NAME N [STARTUP_TIMEOUT_S [KERNEL_LOG]]")
    kernel, n = sys.argv[1], int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    log = open(sys.argv[4], "a") if len(sys.argv) > 4 else subprocess.DEVNULL
    ready, shutdowns, clean = [], [], 0
    for i in range(1, n + 1):
        r = one_start(kernel, timeout, log)
        ok = r["ready"] is not None and r["execute"] and r["heartbeat"] and r["shutdown"] < 5.0
        clean += ok
        if r["ready"] is not None:
            ready.append(r["ready"])
        shutdowns.append(r["shutdown"])
        ready_s = f"{r['ready']:.2f} s" if r["ready"] is not None else f"NO REPLY in {timeout:.0f} s"
        print(f"{kernel} start {i:3d}: kernel_info reply {ready_s}, execute {'ok' if r['execute'] else 'FAILED'}, "
              f"heartbeat {'ok' if r['heartbeat'] else 'FAILED'}, shutdown {r['shutdown']:.2f} s"
              f"{'' if ok else '   <- not clean'}", flush=True)
    summary = f"{kernel}: {clean}/{n} clean starts"
    if ready:
        summary += (f"; kernel_info reply median {statistics.median(ready):.2f} s, worst {max(ready):.2f} s"
                    f"; shutdown median {statistics.median(shutdowns):.2f} s, worst {max(shutdowns):.2f} s")
    print(summary)


if __name__ == "__main__":
    main()
