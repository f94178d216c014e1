"""The limits every worker runs under, set by the worker on itself before it reads anything.

(A converter that a job starts, LibreOffice, gets a jail of its own on top: documents/jail.py.)
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1


def initialise(memory: int) -> None:
    """Limits and signals, before any document is read: the worker's "initializer".

    - The address-space limit (``memory`` bytes) makes a runaway allocation fail (MemoryError,
      or MuPDF's failed malloc) inside this process instead of calling the kernel's OOM killer on
      the machine. Only the soft limit is set, so a child (LibreOffice) can be given its own.
    - Ctrl-C in the server's terminal goes to the server, which closes the pool; the workers
      ignore it instead of dying with a traceback mid-job.
    - If the server dies without closing the pool, the kernel kills the worker (Linux).
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the server was already gone before the line above
            sys.exit(0)
