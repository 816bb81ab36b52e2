"""Writes and workflows of templates: create/update/delete your own, instantiate any."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from strategy_api.models import Strategy, StrategyStatus, VersionSource
from strategy_api.services import strategy_create
from strategy_api.services.specs import spec_compile, spec_normalised, spec_validate
from templates_api import parameters as template_parameters
from templates_api.models import StrategyTemplate

_UNSET: Any = object()


def _check_parameters(spec: dict[str, Any], parameters: list[dict[str, Any]]) -> None:
    """Each parameter's path must address a number in the spec, and its default must fit."""
    fields: dict[str, list[str]] = {}
    for index, parameter in enumerate(parameters):
        problem = template_parameters.path_problem(spec, parameter["path"])
        if problem:
            fields[f"parameters.{index}.path"] = [problem]
        try:
            template_parameters.coerce(parameter, parameter["default"])
        except template_parameters.ParameterError as exc:
            fields[f"parameters.{index}.default"] = [str(exc)]
    if fields:
        raise ValidationError(fields)


def _checked(spec: Any, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """The normalised spec, once it and the parameters' paths are valid."""
    normalised = spec_normalised(spec_validate(data=spec, field_prefix="spec."))
    _check_parameters(normalised, parameters)
    return normalised


def _save(template: StrategyTemplate, *, creating: bool) -> StrategyTemplate:
    try:
        with transaction.atomic():
            if creating:
                template.save(force_insert=True)
            else:
                template.save()
    except IntegrityError:
        raise ValidationError(
            {"slug": [f"You already have a template with the slug {template.slug!r}."]}
        ) from None
    return template


def _writable(template: StrategyTemplate) -> StrategyTemplate:
    if template.builtin:
        raise PermissionDenied(
            "Built-in templates are read-only; instantiate it, or create your own template "
            "from its spec."
        )
    return template


def template_create(
    *,
    owner: User,
    name: str,
    spec: dict[str, Any],
    parameters: list[dict[str, Any]] | None = None,
    slug: str = "",
    description: str = "",
    category: str = "other",
) -> StrategyTemplate:
    """Create one of ``owner``'s templates; the spec is stored normalised."""
    parameters = list(parameters or [])
    template = StrategyTemplate(
        owner=owner,
        builtin=False,
        slug=slug or slugify(name)[:80] or "template",
        name=name,
        description=description,
        category=category,
        spec=_checked(spec, parameters),
        parameters=parameters,
    )
    return _save(template, creating=True)


def template_update(
    *,
    template: StrategyTemplate,
    name: str = _UNSET,
    spec: dict[str, Any] = _UNSET,
    parameters: list[dict[str, Any]] = _UNSET,
    slug: str = _UNSET,
    description: str = _UNSET,
    category: str = _UNSET,
) -> StrategyTemplate:
    """Change fields of a user's own template; spec and parameters are re-checked together."""
    _writable(template)
    changes = {
        "name": name,
        "slug": slug,
        "description": description,
        "category": category,
        "parameters": parameters,
    }
    for field, value in changes.items():
        if value is not _UNSET:
            setattr(template, field, value)
    if not template.slug:
        template.slug = slugify(template.name)[:80] or "template"
    if spec is not _UNSET or parameters is not _UNSET:
        template.spec = _checked(
            template.spec if spec is _UNSET else spec, list(template.parameters)
        )
    return _save(template, creating=False)


def template_delete(*, template: StrategyTemplate) -> None:
    """Delete a user's own template (strategies made from it are kept)."""
    _writable(template).delete()


def template_instantiate(
    *,
    template: StrategyTemplate,
    owner: User,
    values: dict[str, Any],
    name: str | None = None,
) -> Strategy:
    """Create a strategy from the template with the given parameter values (others: defaults).

    Values are type- and range-checked per parameter (400 naming it), the resulting spec is
    validated and compiled, and the strategy starts at version 1 with status "generated".
    """
    spec, problems = template_parameters.apply(template.spec, template.parameters, values)
    if problems:
        raise ValidationError({f"parameters.{key}": messages for key, messages in problems.items()})
    if name:
        spec["name"] = name
    validated, code = spec_compile(data=spec, field_prefix="spec.")
    return strategy_create(
        owner=owner,
        name=name or template.name,
        description=template.description,
        code=code,
        source=VersionSource.TEMPLATE,
        status=StrategyStatus.GENERATED,
        spec=spec_normalised(validated),
    )
