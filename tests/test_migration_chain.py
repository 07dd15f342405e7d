"""The migrations form one unbroken chain: one base, one head, every file on it.

File numbers are not the apply order (0013 -> 0019 -> 0015 -> ...: revisions written on
branches were chained at merge, and deployed databases store the revision ids in
`alembic_version`, so no file is renamed). The order is the chain of `down_revision`s,
listed in migrations/README.md. This test reads it with Alembic's own `ScriptDirectory`.
"""

import shutil
import warnings
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError

from portal.database import MIGRATIONS_DIR


def chain_problems(directory: str) -> list[str]:
    """What is wrong with the chain of the migrations in `directory` ([] when nothing)."""
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        try:
            script = ScriptDirectory(directory)
            heads, bases = script.get_heads(), script.get_bases()
            chain = [r.revision for r in script.walk_revisions()]
        except (CommandError, RevisionError, KeyError) as error:
            return [f"the chain does not load: {error!r}", *(str(w.message) for w in warned)]
    # Alembic only warns of a down_revision that names no revision (a gap).
    problems = [str(w.message) for w in warned]
    if len(heads) != 1:
        problems.append(f"{len(heads)} heads {sorted(heads)}: chain the newest to one another")
    if len(bases) != 1:
        problems.append(f"{len(bases)} bases {sorted(bases)}: a revision lost its down_revision (a gap)")
    files = {p.stem for p in Path(directory, "versions").glob("*.py") if not p.stem.startswith("_")}
    if files - set(chain):
        problems.append(f"files that are no revision of the chain: {sorted(files - set(chain))}")
    wrong = [r for r in chain if r not in files]
    if wrong:
        problems.append(f"revision ids that are not their file's name: {wrong}")
    return problems


def test_the_shipped_migrations_form_one_chain():
    assert chain_problems(MIGRATIONS_DIR) == []


def copy_with(tmp_path, name: str, down_revision: str) -> str:
    """The shipped migrations plus one more revision `name` after `down_revision`."""
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory, ignore=shutil.ignore_patterns("__pycache__"))
    (directory / "versions" / f"{name}.py").write_text(
        f"revision = {name!r}\ndown_revision = {down_revision!r}\n\n\n"
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n",
        encoding="utf-8",
    )
    return str(directory)


def head() -> str:
    return ScriptDirectory(MIGRATIONS_DIR).get_current_head()


def test_a_second_head_is_found(tmp_path):
    """Mutant: two helpers' migrations both after the same revision (not re-chained)."""
    parent = ScriptDirectory(MIGRATIONS_DIR).get_revision(head()).down_revision
    problems = chain_problems(copy_with(tmp_path, "9998_branch", parent))
    assert any("2 heads" in p for p in problems), problems


@pytest.mark.parametrize("down_revision", ["0023_never_written", None])
def test_a_gap_in_the_chain_is_found(tmp_path, down_revision):
    """Mutants: a revision after one that does not exist, and one that starts a second chain."""
    assert chain_problems(copy_with(tmp_path, "9999_gap", down_revision))


def test_a_revision_named_unlike_its_file_is_found(tmp_path):
    directory = copy_with(tmp_path, "9999_next", head())
    path = Path(directory, "versions", "9999_next.py")
    path.rename(path.with_name("9999_renamed.py"))
    assert any("not their file's name" in p for p in chain_problems(directory))
