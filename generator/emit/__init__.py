"""Emit: the IR (and the OpenAPI document built from it) -> ``{relative path: text}``, in memory.

One module per target that realises the model (``openapi``, ``models``, ``server``, ``client``,
``conformance``); each takes the index (:mod:`generator.ir.index`) and reads only the IR and the helpers
``render`` (Jinja and ruff) and :mod:`generator.escape`: never another emitter, never a later stage, and it
never changes what it reads (``tests/project/test_architecture.py`` checks the imports).
"""
