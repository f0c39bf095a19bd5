"""Exports a person asks for, and the guarded import that reads a file back. One module per format:

- `answers_json`: KetaCheck's own answer file (`to_json` / `from_json`), versioned.
- `fhir`: FHIR R4 Questionnaires (SDC scoring, LOINC for AUDIT-C) and QuestionnaireResponses;
  `fhir_import` reads a response back.
- `summary`: the printable summary's content, worked out once; `html` and `pdf` draw it.
- `csv_row`: one check as a CSV row with English ids as headers, for spreadsheets and records.
- `import_guard`: `load_import`, the one entry point for an uploaded file.

Plain Python, no Streamlit. Nothing here writes to disk or the network: every function returns a
value and the caller decides what to do with it (a download button, the command line).
"""

from typing import TYPE_CHECKING

from ketacheck import lazy

# Each name is imported from its module on first use (PEP 562), so a caller pays only for the
# format it uses: reading an answer file (the `score` command, the tab's copy) never loads the
# summary's charts, and so never plotly.
_WHERE = {
    "EXPORT_KEYS": "answers_json", "KIND": "answers_json", "SCHEMA_VERSION": "answers_json",
    "from_json": "answers_json", "to_json": "answers_json",
    "summary_csv": "csv_row",
    "ITEM_SYSTEM": "fhir", "ORDINAL_VALUE": "fhir", "PRESCRIBED_LINK_ID": "fhir", "QUESTIONNAIRE_IDS": "fhir",
    "fhir_questionnaire": "fhir", "fhir_questionnaire_response": "fhir", "questionnaire_url": "fhir",
    "from_fhir": "fhir_import",
    "summary_html": "html",
    "MAX_DEPTH": "import_guard", "MAX_NUMBER": "import_guard", "MAX_PROBLEMS": "import_guard",
    "from_data": "import_guard", "guarded": "import_guard", "load_import": "import_guard", "read_json": "import_guard",
    "summary_pdf": "pdf",
}
__all__ = sorted(_WHERE)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .answers_json import EXPORT_KEYS, KIND, SCHEMA_VERSION, from_json, to_json  # noqa: F401
    from .csv_row import summary_csv  # noqa: F401
    from .fhir import (  # noqa: F401
        ITEM_SYSTEM,
        ORDINAL_VALUE,
        PRESCRIBED_LINK_ID,
        QUESTIONNAIRE_IDS,
        fhir_questionnaire,
        fhir_questionnaire_response,
        questionnaire_url,
    )
    from .fhir_import import from_fhir  # noqa: F401
    from .html import summary_html  # noqa: F401
    from .import_guard import MAX_DEPTH, MAX_NUMBER, MAX_PROBLEMS, from_data, guarded, load_import, read_json  # noqa: F401
    from .pdf import summary_pdf  # noqa: F401


__getattr__, __dir__ = lazy.names(__name__, _WHERE, globals())
