"""Writes a folder beside its destination and moves it into place only once it is complete and
checked, so that a tool that fails (or is killed) leaves nothing that looks like a finished folder.
Needs only the standard library."""
import os
import shutil
import tempfile


def refuse_non_empty(out):
    """Exits when out exists and is not an empty folder: a tool never mixes its files with others."""
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise SystemExit(f"--out {out} exists and is not an empty folder: remove it or name another")


def write(out, fill):
    """Calls fill(staging) on a new hidden folder beside out, then renames it to out; on any error
    the staging folder is removed and the error goes on. Prints what was written."""
    refuse_non_empty(out)
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix="." + os.path.basename(os.path.abspath(out)) + ".partial-", dir=parent)
    try:
        fill(staging)
        if os.path.isdir(out):
            os.rmdir(out)  # empty, as refuse_non_empty found it
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(f"wrote {out}: {sorted(os.listdir(out))}")
