"""Grading: the deterministic rubric grader (and, with a model, the LLM judge)."""
