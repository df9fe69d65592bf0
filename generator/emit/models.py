"""Stage 5c — emit the pydantic models: the OpenAPI document -> ``<package>/models.py`` (+ base).

The models come from datamodel-code-generator (pinned) run in memory on a *view* of the document in
which the xsd:choice keywords (``not``, ``minProperties``/``maxProperties``, built from ``x-nmsgen-choices``)
are left out: the document keeps the exact JSON Schema, while the models carry the groups in ``x-nmsgen-choices`` and
enforce them in the generated base class (``_base.NmsModel``), so a choice stays one class with
optional members instead of numbered variant classes.
"""

from __future__ import annotations

import copy
import json
import warnings
from typing import Any

from ..incremental import cache
from ..ir.index import Index
from ..ir.names import CHOICES_KEY, DEFAULT_KEY, NULLABLE_KEY, RULES_KEY
from .render import Unformatted, format_python, render

HEADER = "# generated from spec/ by nmsgen - do not edit"


def models_view(document: dict[str, Any]) -> dict[str, Any]:
    """What datamodel-code-generator reads of the document (its default scope: the component schemas), without
    the choice keywords of component schemas that declare choices, and with the defaults of absent fields
    (``x-nmsgen-default``) as ``default``: the models apply them. Paths, parameters and texts outside the
    schemas are left out, so that the cache (by this view) still holds when only they change."""
    view = {
        "openapi": document["openapi"],
        "info": document["info"],
        "components": {"schemas": copy.deepcopy(document.get("components", {}).get("schemas", {}))},
    }
    for schema in view["components"]["schemas"].values():
        if CHOICES_KEY in schema or RULES_KEY in schema:
            for key in ("oneOf", "not", "allOf", "minProperties", "maxProperties"):
                schema.pop(key, None)
        for prop in schema.get("properties", {}).values():
            if DEFAULT_KEY in prop:
                prop["default"] = prop.pop(DEFAULT_KEY)
    return view


def cached(document: dict[str, Any], package: str) -> str | None:
    """The models module of :func:`generate_models` when the cache holds it, else None."""
    found = cache.get("models", _models_key(json.dumps(models_view(document)), package))
    return None if found is None else found.decode("utf-8", "surrogatepass")


def generate_models(document: dict[str, Any], package: str) -> str:
    """The models module, from the cache when datamodel-code-generator (the same version, run by the same
    generator code) saw the same view before: it takes about a second per 50 types. Made once when two processes
    ask at the same time (the two sides of an impact report)."""
    view = json.dumps(models_view(document))
    made = cache.made_once(
        "models", _models_key(view, package), lambda: _datamodel_codegen(view, package).encode("utf-8", "surrogatepass")
    )
    return made.decode("utf-8", "surrogatepass")


def _models_key(view: str, package: str) -> str:
    return cache.key(cache.version("datamodel-code-generator"), cache.source_digest(), package, view)


def preload() -> None:
    """Import datamodel-code-generator now (a child forked next inherits it: 0.3 s of its work)."""
    import datamodel_code_generator  # noqa: F401, PLC0415


def _datamodel_codegen(view: str, package: str) -> str:
    import datamodel_code_generator as dcg  # noqa: PLC0415  # a heavy import, only on a cache miss
    from datamodel_code_generator.enums import DataModelType, InputFileType  # noqa: PLC0415
    from datamodel_code_generator.format import Formatter, PythonVersion  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        code = dcg.generate(
            view,
            input_file_type=InputFileType.OpenAPI,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            base_class=f"{package}._base.NmsModel",
            model_extra_keys={CHOICES_KEY, NULLABLE_KEY, RULES_KEY},
            use_annotated=True,
            use_standard_collections=True,
            use_union_operator=True,
            field_constraints=True,
            disable_timestamp=True,
            use_double_quotes=True,
            use_schema_description=True,
            strict_nullable=True,
            set_default_enum_member=True,
            formatters=[Formatter.BUILTIN],
            custom_file_header=HEADER + "\n# pydantic v2 models of the NMS types, made by datamodel-code-generator.\n",
        )
    assert isinstance(code, str)
    return _open_enums(code, package)


def _open_enums(code: str, package: str) -> str:
    """Every enumeration on the generated base ``NmsEnum`` (``_base.py``): a client reading an answer inside
    ``tolerant()`` keeps a value it does not know instead of failing."""
    base_import = f"from {package}._base import NmsModel\n"
    if "(StrEnum):" not in code:
        return code
    assert "from enum import StrEnum\n" in code and base_import in code, "datamodel-code-generator output changed"
    code = code.replace("from enum import StrEnum\n", "").replace("(StrEnum):", "(NmsEnum):")
    return code.replace(base_import, f"from {package}._base import NmsEnum, NmsModel\n")


def emit(ix: Index, document: dict[str, Any]) -> dict[str, str]:
    return format_python(sources(ix, document))


def sources(ix: Index, document: dict[str, Any], models: str | None = None) -> Unformatted:
    """The files before formatting (``format_python`` formats the files of every emitter at once); ``models``: the
    models module, made before (:func:`generate_models`)."""
    model = ix.model
    package, folder = model.api.package, model.package_dir
    return Unformatted(
        {
            f"{folder}/__init__.py": render("models/__init__.py.jinja", title=model.api.title, has_server=False),
            f"{folder}/_base.py": render(
                "models/_base.py.jinja", choices_key=CHOICES_KEY, nullable_key=NULLABLE_KEY, rules_key=RULES_KEY
            ),
            f"{folder}/models.py": models if models is not None else generate_models(document, package),
            f"{folder}/py.typed": "",
        },
        package,
    )
