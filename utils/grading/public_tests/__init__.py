"""Public tests of the graded functions, one module per notebook.

Each test takes the learner's function, runs it on several seeded cases,
compares with an independent reference (TensorFlow ops where they exist) and
prints "All tests passed." or raises ``utils.grading.checks.CheckFailed``.
"""
