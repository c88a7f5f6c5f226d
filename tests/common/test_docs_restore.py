"""The restore procedure of the documentation site is the one the point-in-time test runs.

``docs/backup-restore.md`` tells an operator which ``scripts/pg-pitr.sh`` commands to
run; ``tests/e2e/test_pg_point_in_time.py`` runs them on a throwaway cluster. These
tests read the commands from the page's fenced blocks and from the e2e test's source
(its calls of ``run(PITR, ...)``, its ``archive_command``) and fail when the two part:
a subcommand the test runs that the page does not give, another number of arguments,
arguments in another role (the archive the WAL goes to is the one restored from), the
script's own usage, or the nightly unit's commands.
"""

from __future__ import annotations

import ast
import re
import shlex
import textwrap
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "backup-restore.md"
E2E = ROOT / "tests" / "e2e" / "test_pg_point_in_time.py"
SCRIPT = ROOT / "scripts" / "pg-pitr.sh"
UNIT = ROOT / "deploy" / "systemd" / "salw-pg-basebackup.service"
SUBCOMMANDS = ("archive-wal", "base-backup", "restore", "prune")
MOMENT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00")

Invocations = dict[str, list[list[str]]]


def fenced_blocks(markdown: str) -> list[str]:
    """The text of every fenced code block, list items' (indented) ones included."""
    blocks, lines = [], markdown.splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^(\s*)```", lines[index])
        index += 1
        if opening is None:
            continue
        indent, body = opening.group(1), []
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index])
            index += 1
        index += 1
        blocks.append(textwrap.dedent("\n".join(line.removeprefix(indent) for line in body)))
    return blocks


def commands(block: str) -> list[list[str]]:
    """The block's commands as words: continuations joined, ``&&`` chains split, a
    configuration line's quoted value (``archive_command = '...'``) and a unit's
    ``ExecStart=`` read as commands."""
    found = []
    for line in block.replace("\\\n", " ").splitlines():
        line = line.strip()
        setting = re.fullmatch(r"\w+ = '(.*)'", line)
        if setting:
            line = setting.group(1)
        line = line.removeprefix("ExecStart=")
        if not line or line.startswith("#"):
            continue
        for part in line.split("&&"):
            found.append(shlex.split(part, comments=True))
    return found


def pitr_calls(words_list: list[list[str]]) -> Invocations:
    """``pg-pitr.sh SUBCOMMAND args...`` wherever the script is the command run."""
    calls: Invocations = defaultdict(list)
    for words in words_list:
        for at, word in enumerate(words[:-1]):
            if word.endswith("pg-pitr.sh") and words[at + 1] in SUBCOMMANDS:
                calls[words[at + 1]].append(words[at + 2 :])
                break
    return calls


def documented() -> Invocations:
    return pitr_calls([c for block in fenced_blocks(PAGE.read_text()) for c in commands(block)])


def _word(node: ast.expr) -> str:
    """A call argument as the test writes it: a literal, or ``{name}`` for a variable."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "{" + ast.unparse(node) + "}"


def rehearsed() -> Invocations:
    """The test's ``run(PITR, "subcommand", ...)`` calls and its ``archive_command``, the
    variables named ``{name}``."""
    calls: Invocations = defaultdict(list)
    tree = ast.parse(E2E.read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "run"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "PITR"
        ):
            subcommand, *args = [_word(a) for a in node.args[1:]]
            calls[subcommand].append(args)
        if isinstance(node, ast.JoinedStr):
            written = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                for v in node.values
                if isinstance(v, ast.Constant | ast.FormattedValue)
            )
            for line in written.splitlines():
                calls_here = pitr_calls(commands(line.replace("{PITR}", "pg-pitr.sh")))
                for subcommand, found in calls_here.items():
                    calls[subcommand].extend(found)
    return calls


def usage_arity() -> dict[str, int]:
    """How many arguments the script itself requires of each subcommand."""
    return {
        name: int(count)
        for count, name in re.findall(
            r'\[ \$# = (\d) \] \|\| die "usage: ([\w-]+)', SCRIPT.read_text()
        )
    }


def test_every_pg_pitr_command_the_test_runs_is_on_the_page_with_as_many_arguments() -> None:
    docs, test, script = documented(), rehearsed(), usage_arity()
    assert set(test) == set(SUBCOMMANDS), test
    assert set(docs) == set(SUBCOMMANDS), docs
    for subcommand in SUBCOMMANDS:
        arities = {len(args) for args in docs[subcommand] + test[subcommand]}
        assert arities == {script[subcommand]}, (subcommand, docs[subcommand], test[subcommand])


def test_the_page_and_the_test_give_each_argument_the_same_role() -> None:
    docs, test = documented(), rehearsed()
    for calls in (docs, test):
        [(wal, archived)] = {tuple(args) for args in calls["archive-wal"]}
        assert wal == "%p"
        archive = archived.removesuffix("/%f")
        assert archived == f"{archive}/%f"
        backups = {args[0] for args in calls["base-backup"]}
        assert len(backups) == 1
        [folder] = backups
        for backup, wal_archive, _data, _moment in calls["restore"]:
            # Restored from a base backup of that folder, with the WAL archived there.
            assert wal_archive == archive, calls["restore"]
            assert backup.startswith(folder + "/") or backup == "{backup}", backup
        for kept_in, wal_archive, keep in calls["prune"]:
            assert (kept_in, wal_archive) == (folder, archive), calls["prune"]
            assert keep.isdigit(), keep
    [(*_, documented_moment)] = docs["restore"]
    assert MOMENT.fullmatch(documented_moment), documented_moment
    # The test's moment, as its SQL formats it, has the same shape.
    sample = "YYYY-MM-DD HH24:MI:SS.US+00"
    assert sample in E2E.read_text()
    for token, digits in (("YYYY", "2026"), ("HH24", "14"), ("MM", "12"), ("DD", "05")):
        sample = sample.replace(token, digits)
    sample = sample.replace("MI", "30").replace("SS", "00").replace("US", "000001")
    assert MOMENT.fullmatch(sample), sample


def test_the_nightly_unit_runs_the_commands_the_page_shows() -> None:
    unit = [line.removeprefix("ExecStart=") for line in UNIT.read_text().splitlines()]
    executed = pitr_calls([shlex.split(line) for line in unit if "pg-pitr.sh" in line])
    docs = documented()
    assert executed
    for subcommand, calls in executed.items():
        for args in calls:
            assert args in docs[subcommand], (subcommand, args)


def test_the_page_proves_the_restored_log_with_the_options_the_test_uses() -> None:
    page = PAGE.read_text()
    verify = [
        words
        for block in fenced_blocks(page)
        for words in commands(block)
        if words[:3] == ["regctl", "log", "verify"]
    ]
    assert verify, "the page runs regctl log verify after the restore"
    source = E2E.read_text()
    for words in verify:
        for option in (w for w in words if w.startswith("--")):
            assert f'"{option}"' in source, option
    # Open for writes again: the page's check and the test's wait ask the same question.
    assert "pg_is_in_recovery()" in page
    assert "pg_is_in_recovery()" in source
    # The page is on the documentation site, in the operator's guides.
    assert "backup-restore.md" in (ROOT / "mkdocs.yml").read_text()
    assert "](backup-restore.md)" in (ROOT / "docs" / "operator.md").read_text()
