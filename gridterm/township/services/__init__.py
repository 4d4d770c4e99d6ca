"""The township service's work, without HTTP: each module takes a session (or a session
factory) and plain values, returns plain data and raises the typed errors of
:mod:`~gridterm.township.services.errors`.  The routes in :mod:`gridterm.township.api` call
them; so do the admin CLI, the demo and the benchmarks."""
