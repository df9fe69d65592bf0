"""Incremental generation: the manifest of a run's inputs and outputs (``--check`` answers from hashes when
nothing changed), the on-disk cache of work done before (keyed by what decides it), and background children
that emit the other side of each impact report meanwhile."""
