"""Evaluation harness: question sets, metrics, reports, comparisons, the CI gate."""
