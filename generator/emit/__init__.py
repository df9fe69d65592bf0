"""Emit: the IR (and the OpenAPI document built from it) -> ``{relative path: text}``, in memory.

One module per target (``openapi``, ``models``, ``server``, ``client``, ``conformance``, ``docs``); they read
the IR and the helpers ``render`` (Jinja and ruff) and :mod:`generator.escape`, never each other, and never
change what they read.
"""
