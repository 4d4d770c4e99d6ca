"""``gridterm sync``'s progress bar for the photos (issue 16): the upload counts bytes (shown in
KiB) under its own name, started by a big upload even when no record was pushed, and a small
one in a log (not a terminal) stays quiet as a small push does."""

from __future__ import annotations

from gridterm.cli.sync import _Progress
from gridterm.core import i18n
from gridterm.core.i18n import t

MiB = 1024 * 1024


def test_a_big_upload_shows_its_own_bar_in_kib():
    i18n.set_language("en")
    progress = _Progress(enabled_for_tty=False)
    try:
        progress("upload", 0, 5 * MiB)
        progress("upload", 2 * MiB + 10, 5 * MiB)
        assert progress.progress is not None
        [task] = progress.progress.tasks
        assert task.description == t("evidence.progress.upload")
        assert (task.completed, task.total) == (2048, 5120)
    finally:
        progress.stop()
        i18n.set_language("zh_CN")


def test_after_the_push_bar_the_upload_gets_a_bar_of_its_own():
    progress = _Progress(enabled_for_tty=True)
    try:
        progress("push", 3, 3)
        progress("upload", 300 * 1024, 300 * 1024 + 1)
        descriptions = [task.description for task in progress.progress.tasks]
        assert descriptions == [t("sync.progress.push"), t("evidence.progress.upload")]
        assert progress.progress.tasks[1].total == 301  # a started KiB counts
    finally:
        progress.stop()


def test_a_small_upload_in_a_log_stays_quiet():
    progress = _Progress(enabled_for_tty=False)
    progress("upload", 0, 100 * 1024)
    progress("pull", 0, 10)
    assert progress.progress is None
