"""Policy knowledge base: answers simple social-insurance questions from reviewed YAML entries."""
from .answer import KbAnswer
from .kb import KnowledgeBase, load_kb

__all__ = ["KbAnswer", "KnowledgeBase", "load_kb"]
