"""Answering from the operator's FAQ: analysis, retrieval, abstention, wording."""
