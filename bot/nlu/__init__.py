"""Chinese NLU for payer messages: intent, dispute category, severity and entities."""
from .parser import NluParser, load_parser
from .types import Entity, NluResult

__all__ = ["Entity", "NluParser", "NluResult", "load_parser"]
