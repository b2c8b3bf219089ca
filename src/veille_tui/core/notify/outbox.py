"""The notifications of a fetch: the new matches put in one message per target (queued in the
database, in the transaction that moves the target's mark), then every waiting message sent.

Delivery: a message is claimed before it is sent (state `sending`, a token naming the process)
and marked sent in the transaction that records the target's answer. A fetch killed before the
claim leaves it queued (the next fetch sends it); killed between the claim and the answer, it is
taken over by the next fetch as soon as the process that claimed it is gone (or after STALE
seconds) and sent again: nothing is lost. The one window where a message can arrive twice is
between the moment the target has the request and our commit of `sent` (its handling, the
answer's way back, one SQLite commit: milliseconds on a healthy target, as long as a slow one
takes to answer); the generic webhooks get an X-Veille-Message header, the same for both sends,
so that a receiver can drop the second. Exactly once is not possible without a
receiver that drops duplicates: at least once is the choice (a summary that arrives twice is
better than one lost)."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from veille_tui.core import alerts
from veille_tui.core.errors import NotifyError
from veille_tui.core.models import Asset, NotifyOutcome, NotifyTarget
from veille_tui.core.notify.message import compose
from veille_tui.core.notify.secret import target_url
from veille_tui.core.query import compile_sql, parse

if TYPE_CHECKING:
    from veille_tui.core.store import Store
    from veille_tui.core.store.notify import OutboxRow

STALE = 300.0  # a message claimed this long ago by a process still alive is taken over
SENT_KEPT = 30 * 86400


def prepare(store: Store, targets: Sequence[NotifyTarget]) -> None:
    """Before a fetch: a target seen for the first time starts from the alerts as they are now
    (it gets what this fetch and the next bring, not the history)."""
    with store.transaction():
        now = alerts.mark_now(store)
        for target in targets:
            if store.notify_mark(target.key) is None:
                store.set_notify_mark(target.key, now)


def queue(store: Store, targets: Sequence[NotifyTarget], assets: Sequence[Asset]) -> int:
    """After a fetch: the new matches of each target in one message, queued; how many messages."""
    queued = 0
    with store.transaction():
        for target in targets:
            mark = store.notify_mark(target.key) or alerts.mark_now(store)
            new_mark, matches = alerts.since(store, mark, assets, target.on)
            if matches and target.query:
                where, params = compile_sql(parse(target.query))
                keep = store.matching_ids(where, params, [m.id for m in matches])
                matches = [m for m in matches if m.id in keep]
            if matches:
                store.queue_message(target.key, *compose(matches), time.time())
                queued += 1
            store.set_notify_mark(target.key, new_mark)
    return queued


def _pid_alive(token: str | None) -> bool:
    try:
        pid = int((token or "").split(":", 1)[0])
    except ValueError:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: alive
    return True


def _claimable(row: OutboxRow, now: float) -> bool:
    if row.state == "queued":
        return True
    return not _pid_alive(row.token) or (row.last_try or 0) < now - STALE


def flush(store: Store, targets: Sequence[NotifyTarget]) -> list[NotifyOutcome]:
    """Every waiting message sent to its target, oldest first; a target that fails keeps its
    messages (and the later ones wait behind it). One outcome per target that had any."""
    from veille_tui.core.notify.send import send

    outcomes = []
    for target in targets:
        waiting = store.waiting_messages(target.key)
        if not waiting:
            continue
        try:
            url = target_url(target)
        except NotifyError as exc:
            outcomes.append(NotifyOutcome(target.label, False, str(exc), 0, len(waiting)))
            continue
        sent, detail, ok = 0, "", True
        for row in waiting:
            now = time.time()
            if not _claimable(row, now):
                continue  # another veille-tui is sending it
            token = f"{os.getpid()}:{secrets.token_hex(8)}"
            with store.transaction():
                if not store.claim_message(row.id, row.token, token, now):
                    continue
            ok, detail = send(url, row.title, row.body, message_id=f"{target.key}-{row.id}")
            with store.transaction():
                store.finish_message(row.id, token, ok, detail, time.time())
            if not ok:
                break
            sent += 1
        left = len(store.waiting_messages(target.key))
        outcomes.append(NotifyOutcome(target.label, ok, detail, sent, left))
    with store.transaction():
        store.prune_outbox(time.time() - SENT_KEPT)
    return outcomes


def test(targets: Sequence[NotifyTarget]) -> list[NotifyOutcome]:
    """A test message to each target, straight (not through the outbox), and what each answered."""
    from veille_tui.core.notify.send import send

    outcomes = []
    for target in targets:
        try:
            url = target_url(target)
        except NotifyError as exc:
            outcomes.append(NotifyOutcome(target.label, False, str(exc)))
            continue
        ok, detail = send(url, "veille-tui: test", f"A test message from veille-tui to {target.label}.")
        outcomes.append(NotifyOutcome(target.label, ok, detail, 1 if ok else 0))
    return outcomes
