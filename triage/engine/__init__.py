"""The triage engine: tokeniser, classifier, training, evaluation, model registry and misconduct detector.

Pure Python and scikit-learn: nothing here imports Flask or the database, so the engine runs in the CLI, the
worker, the benchmarks and the tests alike.
"""
