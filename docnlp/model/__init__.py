"""The element model: a scikit-learn classifier of report sentences over the checklist.

`estimator` holds the classifier, `sentences` what it reads and its labels,
`combine` how its output meets the rules, `persist` and `card` the saved model, and
`training` what `docnlp train` runs. Nothing here is imported by `import docnlp`.
"""
