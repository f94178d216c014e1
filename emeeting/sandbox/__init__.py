"""The sandbox: worker processes that run jobs on hostile input, so that a job costs a worker, never the server.

What it owns: the worker processes (pool.py: started, given jobs in arrival order, killed at a
phase's time limit, replaced when lost, closed), the limits each worker sets on itself
(limits.py: memory, signals, dying with the server), the messages between the two sides
(wire.py: length-prefixed JSON, never pickle), the registry of jobs (registry.py: names the
callers give their job functions, which the worker imports; the sandbox names no caller), one
way to run a file-to-file job (files.py), and its own error types (errors.py).

What it does not own: what a job does or what its failures mean to people. The document
pipeline (emeeting/documents/pool.py: inspect, render) and the export endpoints (annotated
papers, the minutes PDF) register their jobs and turn ``SandboxError`` into their own words.

    pool = Pool(2, {"render": "emeeting.documents.jobs:render_page"}, memory=1 << 30, config=caps.to_wire())
    await pool.start()
    reply = await pool.run(Job("render", args, {"page": 10.0}, "page", parse))
"""

from emeeting.sandbox.errors import Reason, Refused, SandboxError
from emeeting.sandbox.files import file_job, remove, run_file_job, sentence
from emeeting.sandbox.pool import Job, Pool, default_workers
from emeeting.sandbox.wire import WireError

__all__ = [
    "Job",
    "Pool",
    "Reason",
    "Refused",
    "SandboxError",
    "WireError",
    "default_workers",
    "file_job",
    "remove",
    "run_file_job",
    "sentence",
]
