"""The catalogue of messages docnlp shows people: errors, warnings and gap texts."""

from __future__ import annotations


class DocnlpError(ValueError):
    """An input, rule file or argument docnlp cannot use; the message says which."""


class DocnlpWarning(UserWarning):
    """Something docnlp could work around but a user should know about."""


class Errors:
    """Error templates. Fill them with `.format(**fields)`; codes are stable."""

    E001 = "[E001] Cannot read rule file {path}: {problem}"
    E002 = "[E002] Rule file {path} is invalid at {where}: {problem}"
    E003 = (
        "[E003] No checklist for code {code!r}. Known codes: {known}. Add a file "
        "<code>.json under docnlp/resources/checklists/ to support it."
    )
    E004 = "[E004] Checklist {path} is invalid at {where}: {problem}"
    E010 = "[E010] {source}: no such file or folder."
    E011 = "[E011] {source}: the folder holds no .txt, .jsonl or .csv reports."
    E012 = "[E012] {source}: the report is empty or only white space."
    E013 = (
        "[E013] {source}: the file looks binary (it holds NUL bytes or control "
        "characters), not a text report."
    )
    E014 = "[E014] {source}: cannot decode the text as UTF-8, UTF-16 or cp1252."
    E015 = "[E015] {source}: line {line} is not valid JSON ({problem})."
    E016 = (
        "[E016] {source}: line {line} needs a string field {field!r} "
        "(found keys: {keys})."
    )
    E017 = (
        "[E017] {source}: the CSV has no column {column!r}. Columns are: {columns}. "
        "Name the right one with --text-column / --id-column."
    )
    E018 = "[E018] {source}: row {row} has no text in column {column!r}."
    E019 = (
        "[E019] {source}: unsupported input type {suffix!r}; use .txt, .jsonl or .csv."
    )
    E020 = "[E020] {source}: checking the report failed ({problem})."
    E021 = "[E021] {source}: cannot read the file ({problem})."
    E060 = "[E060] {source}: the report text must be a string, not {kind}."
    E061 = (
        "[E061] {source}: the report is {size:,} characters long; the limit is "
        "{limit:,} characters (the pipeline's nlp.max_length). On the command line, "
        "split the report into parts and check each; from Python, check it with a "
        "pipeline whose nlp.max_length is raised, if the machine has the memory."
    )
    E062 = "[E062] {source}: a record must be a docnlp.Record or a string, not {kind}."
    E022 = "[E022] {path}: cannot write the output ({problem})."
    E023 = (
        "[E023] No input: give one or more PATHs, '-' for standard input, or "
        "--example for the bundled report."
    )
    E024 = "[E024] Unknown output format {format!r}; use one of {known}."
    E025 = (
        "[E025] {source}: the CSV row ending at line {line} cannot be parsed "
        "({problem}); an unbalanced quote joins the rows it spans into this one. "
        "The rows from there on were not read: fix the quoting and check the file "
        "again."
    )
    E029 = (
        "[E029] {source}: the file holds no report (no {what}); an empty export "
        "usually means the step before this one failed."
    )
    # Checking in worker processes (docnlp.parallel, --jobs).
    E026 = "[E026] {name}={value}: give a whole number, 1 or more."
    E027 = (
        "[E027] A pipeline passed as nlp cannot be shared with {jobs} worker "
        "processes: leave nlp out (each worker builds its own) or use jobs=1."
    )
    E028 = (
        "[E028] {source}: checking the report failed in a worker process and again "
        "in the batch's own process ({problem})."
    )
    # Evaluation against gold records and labelled corpora (docnlp.evaluate).
    E030 = "[E030] Gold file {pattern}: no such file, or the pattern matches none."
    E031 = (
        "[E031] Gold report {key} is annotated twice with different records "
        "(again in {source}). Pass only one of the files that hold it."
    )
    E032 = "[E032] --corpus {spec!r}: write it as NAME=PATH, e.g. synthetic=reports/."
    E033 = (
        "[E033] Corpus {source}: give a .jsonl of records or a folder of <id>.txt "
        "files."
    )
    E034 = (
        "[E034] Gold report {key} has no inline text and no corpus {corpus!r} was "
        "given. Add --corpus {corpus}=PATH."
    )
    E035 = "[E035] Gold report {key}: no text with that id in {paths}."
    E036 = (
        "[E036] {source}: the CSV lacks the column(s) {missing}; expected the "
        "Indiana chest X-ray layout with columns {expected}."
    )
    E037 = "[E037] Nothing to evaluate: give --gold FILE, --indiana CSV, or both."
    E038 = (
        "[E038] {path}: none of its {found} results has the id of a gold report "
        "(e.g. {example!r}). Result ids must be <corpus>/<id>, as gold.py inputs "
        "writes them; or let docnlp evaluate check the texts with --corpus."
    )
    E039 = (
        "[E039] {source}: line {line} is not UTF-8 text (byte {byte} cannot be "
        "decoded); docnlp evaluate reads gold, corpus, results and Indiana files as "
        "UTF-8. Check that it is the file you meant, or save it as UTF-8 (e.g. "
        "iconv -f cp1252 -t utf-8)."
    )
    E070 = "[E070] {what} {source} is a folder; give {expected}."
    # The element model (docnlp.model, docnlp_model, docnlp train).
    E040 = (
        "[E040] Model {path}: its sha256 is {got}, but {card} says {expected}. The "
        "file was changed or replaced; run `docnlp train` again to rebuild both."
    )
    E041 = "[E041] The element classifier needs {what} as {expected}; got {got}."
    E042 = (
        "[E042] Element {element!r} has sentences of only one class in the training "
        "data; the classifier needs positive and negative sentences for each element."
    )
    E043 = (
        "[E043] Model {path} holds types docnlp does not trust: {types}. It was not "
        "loaded; only scikit-learn and docnlp types on docnlp's allow-list load."
    )
    E044 = "[E044] Model {path}: cannot read it ({problem})."
    E045 = (
        "[E045] Training corpus {path}: no gold.jsonl or gold.part-*.jsonl files, "
        "or no reports folder beside them."
    )
    E046 = "[E046] docnlp_model: unknown element(s) {names}; choose from {known}."
    E047 = (
        "[E047] docnlp is installed in {path}, not checked out: training there would "
        "replace the installed model. Give --output a folder to write the model to."
    )
    # Benchmarks (docnlp.bench).
    E050 = (
        "[E050] {path}: no readable report to measure. Give --corpus a folder of "
        ".txt reports, or a .jsonl or .csv of them."
    )
    # Spark (docnlp.spark).
    E051 = (
        "[E051] pyspark is not installed. Install the extra with "
        "pip install 'docnlp[spark]'; Spark also needs a Java runtime (17 or newer)."
    )
    E052 = (
        "[E052] The reports have no column {column!r}. Columns are: {columns}. "
        "Name the right one with --text-column / --id-column."
    )
    E053 = (
        "[E053] {path}: cannot tell the input format from the suffix. Use one of "
        "{known}, or name it with --input-format."
    )
    E054 = "[E054] Spark failed: {problem}"


class Warnings:
    """Warning templates, shown through `warnings.warn` with `DocnlpWarning`."""

    W001 = (
        "[W001] Report {source} is {size} characters long; reports over {limit} "
        "characters are checked but may be slow."
    )
    W002 = (
        "[W002] No element model at {path}: docnlp_model adds nothing. Run `docnlp "
        "train`, or build the pipeline with model=False."
    )
