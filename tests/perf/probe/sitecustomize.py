"""Loaded by Python at start (site) when this folder is on PYTHONPATH: arms the start probe of the P1 benchmark
in a process started as the caseworker starts it (``assist-desktop --db …``). Without ASSIST_PROBE_OUT it
does nothing."""

import os

if os.environ.get("ASSIST_PROBE_OUT"):
    import start_probe

    start_probe.arm()
