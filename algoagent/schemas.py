"""Typed API models (pydantic) that are also the OpenAPI schema.

Job payloads and job results are :class:`ApiModel` subclasses, one module per app
(``<app>/payloads.py``): the handler builds the model, the job stores ``model.to_json()``, and the
view documents the same class with ``extend_schema(responses=Model)``. pydantic writes JSON
Schema 2020-12; :class:`ApiModelExtension` rewrites it into the OpenAPI 3.0 dialect this
project's schema uses (``nullable`` instead of ``{"type": "null"}``, boolean exclusive bounds).
"""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import model_json_schema

__all__ = ["ApiModel", "ApiModelExtension", "to_openapi_30"]


class ApiModel(BaseModel):
    """Base of every typed payload/result: unknown keys are refused, never dropped."""

    model_config = ConfigDict(extra="forbid")

    def to_json(self) -> dict[str, Any]:
        """The JSON a job stores and a client receives."""
        return self.model_dump(mode="json")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def to_openapi_30(schema: Any) -> Any:
    """Rewrite a pydantic JSON Schema (sub)tree into OpenAPI 3.0's schema dialect."""
    if isinstance(schema, list):
        return [to_openapi_30(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: to_openapi_30(value) for key, value in schema.items()}
    for key in ("anyOf", "oneOf"):
        members = out.get(key)
        if isinstance(members, list) and {"type": "null"} in members:
            rest = [m for m in members if m != {"type": "null"}]
            del out[key]
            if len(rest) == 1:
                out = {**_nullable(rest[0]), **out}
            else:
                out = {**out, key: rest, "nullable": True}
    if "const" in out:
        out["enum"] = [out.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[plain] = value
            out[bound] = True
    out.pop("examples", None)
    return out


class ApiModelExtension(OpenApiSerializerExtension):
    """drf-spectacular: document ``ApiModel`` subclasses from their own JSON Schema."""

    target_class = "algoagent.schemas.ApiModel"
    match_subclasses = True
    priority = 1  # before drf-spectacular's generic pydantic contrib

    def get_name(self, auto_schema: Any, direction: str) -> str:
        return self.target.__name__

    def get_identity(self, auto_schema: Any, direction: str) -> Any:
        # Models nested in another model's "$defs" are registered under their name (below), so
        # the same model used directly must compare equal to that.
        return self.target.__name__

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        mode: Literal["validation", "serialization"] = (
            "validation" if direction == "request" else "serialization"
        )
        schema = model_json_schema(
            self.target, ref_template="#/components/schemas/{model}", mode=mode
        )
        for name, sub in schema.pop("$defs", {}).items():
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=to_openapi_30(sub)
            )
            auto_schema.registry.register_on_missing(component)
        return to_openapi_30(schema)
