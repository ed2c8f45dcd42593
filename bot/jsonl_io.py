"""The stdin → stdout contract of the JSONL commands (``nlu parse``, ``kb ask``): output
line N answers input line N, whatever the input bytes are."""
from __future__ import annotations

import json
import sys
from typing import Any


class InputLines:
    """The lines of a JSONL command's input, without their line ends. Read as bytes when the
    stream has them: bytes that are not UTF-8 become U+FFFD (the locale's decoder would stop
    with a traceback, or pass them through and make the output invalid UTF-8). The first
    such line is reported on stderr, and ``status`` becomes 1. A byte-order mark opening the
    input is dropped, so the first question reads like the others."""

    def __init__(self, stream: Any, command: str) -> None:
        self.stream, self.command, self.status = stream, command, 0

    def __iter__(self):
        binary = getattr(self.stream, "buffer", None)
        for number, line in enumerate(binary if binary is not None else self.stream, 1):
            if isinstance(line, bytes):
                line = self._decode(line, number)
            if number == 1:  # a file saved on Windows starts with a byte-order mark: not text
                line = line.removeprefix("\ufeff")
            yield line.rstrip("\r\n")

    def _decode(self, line: bytes, number: int) -> str:
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            if self.status == 0:
                self._bad(number)
            return line.decode("utf-8", errors="replace")

    def _bad(self, number: int) -> None:
        self.status = 1
        print(f"disputebot {self.command}: line {number} is not UTF-8; its bad bytes are "
              f"answered as U+FFFD (convert the input, e.g. iconv -f GBK -t UTF-8)",
              file=sys.stderr)


_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def jsonl_line(record: dict) -> str:
    """One JSON object and a newline. NEL, U+2028 and U+2029 are escaped as JSON allows:
    left raw, a reader splitting on Unicode line breaks (Python's ``splitlines``) would see
    one answer as two lines."""
    text = json.dumps(record, ensure_ascii=False)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return text + "\n"
