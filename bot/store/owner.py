"""Who holds a message claim, and whether that process still lives.

A lease alone cannot tell a dead worker from a live one whose renewals wait behind another
process's write lock: both stop renewing. On the machine the claim was made on, the
process table can tell, at once and for certain; for claims made elsewhere (several hosts
on PostgreSQL) the lease decides as before."""
from __future__ import annotations

import os
import secrets
import socket

_TOKEN = secrets.token_hex(4)
"""Tells this run of the server from an earlier one that had the same process id (a
container restarted: its server is process 1 again)."""


def _machine() -> str:
    """The host name and the process-id namespace: two containers with one host name do not
    share process ids."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").split("[")[-1].rstrip("]")
    except OSError:
        namespace = "-"
    return f"{socket.gethostname()}/{namespace}"


_MACHINE = _machine()


def current_owner() -> str:
    """This process, as stored with its claims (``getpid`` each time: workers are forked)."""
    return f"{_MACHINE}:{os.getpid()}:{_TOKEN}"


def owner_gone(owner: str | None) -> bool | None:
    """True if the process that wrote ``owner`` is dead, False if it lives, None if this
    machine cannot know (another host, or a claim written without an owner)."""
    parts = (owner or "").rsplit(":", 2)
    if len(parts) != 3 or parts[0] != _MACHINE or not parts[1].isdigit():
        return None
    pid, token = int(parts[1]), parts[2]
    if pid == os.getpid():
        return token != _TOKEN
    return not _alive(pid)


def _alive(pid: int) -> bool:
    """A zombie (killed, not yet reaped by its parent) counts as dead."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
