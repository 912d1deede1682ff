"""Keeping the gettext catalogs in step with the code: `slvie-kiosk texts check|update|compile|import-pairs`.

The code names its texts by key (`texts("home.offer")`, `CardError("error.household.…")`,
`Text("staff.password_rule")`, `fr("fleet.page.title")` in a page template). A key is *used* when the code
writes it as a string, or builds it from a written prefix (`texts(f"mine.state.{state.value}")`) or a written suffix
(`texts(key + ".hint")`, `texts(f"{state}.word")`); a key written in the code must be in every catalog, and a catalog
entry no code uses is dead. `check` says both, and the test suite runs it (tests/unit/test_i18n.py).
"""

from __future__ import annotations

import argparse
import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from kiosk.i18n import LANGUAGES, SOURCE_LANGUAGE, catalog_path, compile_catalogs

SOURCE_ROOTS = (Path(__file__).parent, Path(__file__).parent.parent / "sync")
# A key: lower-case dotted words, at least two ("home.offer", "error.household.card_digits").
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# A key quoted in a page template (`fr("fleet.page.title")`), or a prefix it completes (`"fleet.page.count." ~ state`).
TEMPLATE_KEY = re.compile(r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\.?)["']""")
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
WIDTH = 120


def read_catalog(language: str) -> Catalog:
    with catalog_path(language).open("rb") as source:
        return read_po(source)


def write_catalog(language: str, catalog: Catalog) -> None:
    """Sorted by key, so that two branches adding texts seldom touch the same lines."""
    with catalog_path(language).open("wb") as out:
        write_po(out, catalog, width=WIDTH, sort_output=True, omit_header=False, ignore_obsolete=True)


@dataclass(frozen=True)
class CodeKeys:
    """What the code says about keys: those it asks a text for (given to `texts`, `Text` or an error, or
    named "error.…"), those it writes anywhere, and the prefixes and suffixes it builds keys from."""

    asked: frozenset[str]
    written: frozenset[str]
    calls: tuple[tuple[str, frozenset[str], str], ...]  # (key, the values given, where) of each call naming a key
    prefixes: frozenset[str]
    suffixes: frozenset[str]

    def uses(self, key: str) -> bool:
        base = key.rsplit(".", 1)[0] if key.rsplit(".", 1)[-1] in PLURAL_FORMS else key
        if base in self.written or key in self.written or any(key.startswith(p) for p in self.prefixes):
            return True
        return any(base.endswith(s) and base.removesuffix(s) in self.written for s in self.suffixes)


def _source_files() -> Iterator[Path]:
    for root in SOURCE_ROOTS:
        yield from sorted(root.rglob("*.py"))


def _templates() -> Iterator[Path]:
    for root in SOURCE_ROOTS:
        yield from sorted(root.rglob("*.html"))


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """The names of KioskError and of every class deriving from it."""
    names = {"KioskError"}
    grown = True
    while grown:
        grown = False
        for tree in trees:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in names
                    and any(_name(base) in names for base in node.bases)
                ):
                    names.add(node.name)
                    grown = True
    return names


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def code_keys() -> CodeKeys:
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in _source_files()]
    asking = _error_classes(trees) | {"texts", "Text"}
    asked: set[str] = set()
    calls: list[tuple[str, frozenset[str], str]] = []
    written: set[str] = set()
    prefixes: set[str] = set()
    suffixes: set[str] = set()
    for path, tree in zip(_source_files(), trees, strict=True):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in asking:
                asked |= {
                    str(c.value)
                    for arg in node.args
                    for c in ast.walk(arg)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str) and KEY.match(c.value)
                }
                key = _constant(node.args[0]) if node.args else ""
                if KEY.match(key) and all(k.arg is not None for k in node.keywords):
                    given = frozenset(str(k.arg) for k in node.keywords)
                    calls.append((key, given, f"{path.name}:{node.lineno}"))
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KEY.match(node.value):
                    written.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                head, tail = _constant(node.values[0]), _constant(node.values[-1])
                if head.endswith(".") and KEY.match(head + "x"):
                    prefixes.add(head)
                if tail.startswith(".") and KEY.match("x" + tail):
                    suffixes.add(tail)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                head, tail = _constant(node.left), _constant(node.right)
                if head.endswith(".") and KEY.match(head + "x"):
                    prefixes.add(head)
                if tail.startswith(".") and KEY.match("x" + tail):
                    suffixes.add(tail)
    for template in _templates():
        for quoted in TEMPLATE_KEY.findall(template.read_text(encoding="utf-8")):
            if quoted.endswith("."):
                prefixes.add(quoted)
            else:
                written.add(quoted)
                asked.add(quoted)
    asked |= {key for key in written if key.startswith("error.")}
    return CodeKeys(frozenset(asked), frozenset(written), tuple(calls), frozenset(prefixes), frozenset(suffixes))


def _constant(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def problems() -> list[str]:
    """Every way the catalogs and the code disagree, one line each; empty when all is well."""
    keys = code_keys()
    catalogs = {language: read_catalog(language) for language in LANGUAGES}
    source = catalogs[SOURCE_LANGUAGE]
    known = {str(message.id) for message in source if message.id}
    found = []
    for key in sorted(keys.asked):
        plural = any(f"{key}.{form}" in known for form in PLURAL_FORMS)
        if key not in known and not plural and not _is_prefix(key, known):
            found.append(f"missing: {key} is used by the code but is in no catalog")
    for key, given, where in keys.calls:
        texts = [str(source[k].string) for k in (key, *(f"{key}.{form}" for form in PLURAL_FORMS)) if k in known]
        needed = set().union(*(_fields(text) for text in texts)) - {"count"} if texts else set()
        if needed - given:
            found.append(f"values: {where} gives {key} no {', '.join(sorted(needed - given))}")
    for key in sorted(known):
        if not keys.uses(key):
            found.append(f"unused: {key} is in the catalogs but no code uses it")
    for language, catalog in catalogs.items():
        ids = {str(message.id) for message in catalog if message.id}
        found += [f"{language}: {key} is missing" for key in sorted(known - ids)]
        found += [f"{language}: {key} is not in the {SOURCE_LANGUAGE} catalog" for key in sorted(ids - known)]
        for message in catalog:
            if not message.id:
                continue
            text = str(message.string)
            if not text.strip():
                found.append(f"{language}: {message.id} is not translated")
            elif message.id in known and _fields(text) != _fields(str(source[message.id].string)):
                found.append(f"{language}: {message.id} has other placeholders than in {SOURCE_LANGUAGE}")
    return found


def _is_prefix(key: str, known: set[str]) -> bool:
    """A key the code completes (`"access.read"` + ".name"), not a text of its own."""
    return any(other.startswith(key + ".") for other in known)


def update() -> tuple[list[str], list[str]]:
    """Add the keys the code uses to every catalog (empty, to translate) and drop those no code uses."""
    keys = code_keys()
    source = read_catalog(SOURCE_LANGUAGE)
    known = {str(message.id) for message in source if message.id}
    added = sorted(
        k
        for k in keys.asked - known
        if not _is_prefix(k, known) and not any(f"{k}.{form}" in known for form in PLURAL_FORMS)
    )
    dropped = sorted(k for k in known if not keys.uses(k))
    for language in LANGUAGES:
        catalog = read_catalog(language)
        for key in added:
            catalog.add(key, "")
        for key in dropped:
            catalog.delete(key)
        write_catalog(language, catalog)
    return added, dropped


def import_pairs(path: Path) -> list[str]:
    """Add the entries of a `TEXTS = {key: (french, english)}` dict in a Python file (the way texts were
    written before the catalogs; a branch written then merges through this) that the catalogs lack."""
    pairs: dict[str, tuple[str, str]] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "TEXTS" for t in targets):
                pairs = ast.literal_eval(node.value)
    catalogs = {language: read_catalog(language) for language in LANGUAGES}
    added = [key for key in pairs if key not in catalogs[SOURCE_LANGUAGE]]
    for language, catalog in catalogs.items():
        for key in added:
            french, english = pairs[key]
            catalog.add(key, {"fr": french, "en": english}.get(language, ""))
        write_catalog(language, catalog)
    return added


def add_texts_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    texts = commands.add_parser("texts", help="keep the translation catalogs (kiosk/locale) in step with the code")
    actions = texts.add_subparsers(dest="texts_command", required=True)
    actions.add_parser(
        "check", help="list texts the code uses that a catalog lacks, and entries no code uses"
    ).set_defaults(handler=_check)
    actions.add_parser("update", help="add the code's new keys to every catalog, drop the unused ones").set_defaults(
        handler=_update
    )
    actions.add_parser("compile", help="compile every .po catalog to its .mo").set_defaults(handler=_compile)
    pairs = actions.add_parser("import-pairs", help="add the entries of a TEXTS = {key: (fr, en)} dict in FILE")
    pairs.add_argument("file", type=Path)
    pairs.set_defaults(handler=_import_pairs)


def _check(args: argparse.Namespace) -> int:
    found = problems()
    print("\n".join(found) if found else "The catalogs match the code.")
    return 1 if found else 0


def _update(args: argparse.Namespace) -> int:
    added, dropped = update()
    for key in added:
        print(f"added (to translate): {key}")
    for key in dropped:
        print(f"dropped: {key}")
    return 0


def _compile(args: argparse.Namespace) -> int:
    for path in compile_catalogs():
        print(path)
    return 0


def _import_pairs(args: argparse.Namespace) -> int:
    for key in import_pairs(args.file):
        print(f"added: {key}")
    return 0
