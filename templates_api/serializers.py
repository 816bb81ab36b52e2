"""Input and output shapes of the template endpoints."""

from __future__ import annotations

import numbers
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from algoagent.serializers import StrictSerializer
from templates_api.models import StrategyTemplate, TemplateCategory

MAX_PARAMETERS = 50


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """An int or float kept as given (10 stays 10); booleans and strings are refused."""

    default_error_messages = {"invalid": "A number is required."}

    def to_internal_value(self, data: Any) -> int | float:
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            self.fail("invalid")
        return data  # type: ignore[return-value]

    def to_representation(self, value: Any) -> Any:
        return value


class StrategyTemplateParameterSerializer(StrictSerializer):
    """One tunable value of the template's spec."""

    name = serializers.RegexField(
        r"^[a-z][a-z0-9_]{0,39}$",
        help_text="Lower-case identifier used in `instantiate` (e.g. fast_period).",
    )
    path = serializers.CharField(
        max_length=200,
        help_text="Dotted path of a number in the spec: indicators.<id>.params.<name>, "
        "rules.entry.conditions.0.right, stop_loss_pct ...",
    )
    type = serializers.ChoiceField(choices=["int", "float"])
    default = NumberField()
    min = NumberField(required=False, allow_null=True, default=None)
    max = NumberField(required=False, allow_null=True, default=None)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )

    def validate(self, attrs):
        low, high = attrs.get("min"), attrs.get("max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max": ["`max` must not be below `min`."]})
        return attrs


class StrategyTemplateSerializer(serializers.ModelSerializer):
    """A template with its spec and parameters."""

    parameters = StrategyTemplateParameterSerializer(many=True, read_only=True)

    class Meta:
        model = StrategyTemplate
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "category",
            "builtin",
            "spec",
            "parameters",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StrategyTemplateInputSerializer(StrictSerializer):
    """Create (all required fields) or update (any subset with PATCH) your own template."""

    name = serializers.CharField(max_length=100)
    slug = serializers.SlugField(
        required=False, allow_blank=True, max_length=80, help_text="Default: from the name."
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    category = serializers.ChoiceField(choices=TemplateCategory.choices, required=False)
    spec = serializers.JSONField(help_text="A canonical strategy spec (version 1.0).")
    parameters = StrategyTemplateParameterSerializer(  # type: ignore[call-arg]  # many=True
        many=True, required=False, max_length=MAX_PARAMETERS
    )

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()

    def validate_spec(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("The spec must be a JSON object.")
        return value

    def validate_parameters(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # PATCH makes nested fields optional; a parameter still needs all of these.
        for index, parameter in enumerate(value):
            missing = [key for key in ("name", "path", "type") if key not in parameter]
            if missing:
                raise serializers.ValidationError(
                    f"Parameter {index} is missing {', '.join(missing)}."
                )
        names = [p["name"] for p in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise serializers.ValidationError(
                f"Duplicate parameter names: {', '.join(duplicates)}."
            )
        return value


class TemplateInstantiateInputSerializer(StrictSerializer):
    name = serializers.CharField(
        required=False, max_length=100, help_text="Strategy name (default: the template's)."
    )
    parameters = serializers.DictField(
        required=False,
        default=dict,
        help_text="{parameter name: value}; parameters left out take their defaults.",
    )
