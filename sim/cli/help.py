"""Readable ``--help``: the placeholders people write (``N``, ``FILE.html``), not Python types.

Typer shows each parameter's Python type (``<list[Path]>``, ``<bool>``) beside it and braces
around required arguments (``{scenario}``). These classes show an argument by its metavar, a
flag by its name alone and an option by its metavar, and write required arguments plainly.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


class _Argument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.metavar is not None else super().display_type_rich(ctx)

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name if self.nargs == 1 or name.endswith("...") else f"{name}..."


class _Option(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag:
            return None
        return super().display_type_rich(ctx)


def _readable(params: list[Any]) -> list[Any]:
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif type(param) is TyperOption:
            param.__class__ = _Option
    return params


class Command(TyperCommand):
    """A command whose help shows readable placeholders."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, shown with readable placeholders."""
        return _readable(super().get_params(ctx))


class Group(TyperGroup):
    """The root command group, with the same readable help."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, shown with readable placeholders."""
        return _readable(super().get_params(ctx))


def example(*lines: str) -> str:
    """An ``Example`` epilog, kept line by line in the help text."""
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)
