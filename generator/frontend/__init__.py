"""The front end: model files on disk -> one IR.

load (YAML with positions) -> overlay (change requests) -> parse (input schema) -> build (the IR of
:mod:`generator.ir`); ``sources`` says where a model comes from for ``nmsgen diff`` (a folder or a git
revision).
"""
