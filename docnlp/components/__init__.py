"""spaCy components of the docnlp pipeline, one module per step."""
