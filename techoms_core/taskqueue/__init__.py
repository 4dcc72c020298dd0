"""Recurring jobs on many workers: ``techoms worker``, on Procrastinate.

The embedded default runs jobs in one process on SQLite (``techoms jobs
run``). Beyond one machine, jobs run on `Procrastinate`_, a task queue kept in
the same PostgreSQL database as the store:

* a periodic *dispatcher* task (every few seconds, deferred once per tick
  whichever worker defers it, and run before any waiting job) reads the jobs
  set with ``techoms jobs set`` that are due, and defers one
  ``techoms.run_job`` per due (channel, option) that is neither waiting nor
  running;
* each such job carries Procrastinate's ``queueing_lock`` and ``lock`` named
  after its (channel, option): at most one waits, at most one runs, and the
  store's run lock holds as well. A job whose run lock another holder has (a
  run started by hand, a dead worker's lock on another machine) is tried
  again when that lock expires, still due, instead of being recorded refused;
* the dispatcher also recovers the jobs of workers that stopped sending
  heartbeats (killed, machine lost): such a job is queued again ahead of the
  waiting ones. When a newer job of the same (channel, option) already waits
  (the retry would collide with its queueing lock), the newer one is
  cancelled, so the work keeps its place in the queue. No job stays ``doing``
  for longer than the stall timeout, a dispatcher tick and the wait for a
  free slot;
* SIGTERM (or Ctrl-C) stops fetching jobs and asks the runs in progress to stop
  after their current batch or page; the worker exits once they have.

Modules: :mod:`~techoms_core.taskqueue.app` (the Procrastinate app and its
schema), :mod:`~techoms_core.taskqueue.tasks` (the dispatcher and the job task),
:mod:`~techoms_core.taskqueue.recovery` (stalled jobs),
:mod:`~techoms_core.taskqueue.worker` (running a worker).

.. _Procrastinate: https://procrastinate.readthedocs.io/
"""
