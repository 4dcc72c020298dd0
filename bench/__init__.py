"""Benchmarks of the Leanafy channel against the Leanafy sandbox (``python -m bench``).

- :mod:`bench.run`: the command; prints the table and checks the targets.
- :mod:`bench.worker`: one scenario in a fresh process, measured.
- :mod:`bench.scenarios`: what each scenario sets up and measures.
- :mod:`bench.measure`: wall time, client CPU time and peak RSS growth.
- :mod:`bench.naive_baseline`: the sequential ``requests.post`` loop compared against.
- :mod:`bench.sandbox_process`: the sandbox in its own process, and its admin API.
- ``bench/sandbox_throughput.py``: how fast the sandbox itself serves.

Results and the method: ``docs/benchmarks.md``.
"""
