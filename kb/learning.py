"""When a client's "This helped" teaches the matcher their words.

The question becomes an alias of the article only when the article was not already the first
result: then the next client who words it so gets it first. Measured on the dev halves of
both evaluation bases (learn from one half's "helped", ask the other half's questions):
learning from every "helped" raised the calibrated threshold (aliases make the no-answer
questions score higher too) and cost 2 points of hit@3 on distinct new questions; learning
only where the article was not first left both bases' figures unchanged, while a repeated
wording still hits.
"""

from __future__ import annotations

from collections.abc import Sequence

# Fewer words than this say too little to be the client's own wording of a problem.
MIN_WORDS = 2


def worth_learning(question: str, shown: Sequence[str], article_id: str) -> bool:
    """Whether `question` should become an alias of `article_id`, which the client said
    helped, given the articles `shown` for it (best first)."""
    if len(question.split()) < MIN_WORDS or article_id not in shown:
        return False
    return shown[0] != article_id
