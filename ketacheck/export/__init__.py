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

from .answers_json import EXPORT_KEYS, KIND, SCHEMA_VERSION, from_json, to_json
from .csv_row import summary_csv
from .fhir import (
    ITEM_SYSTEM,
    ORDINAL_VALUE,
    PRESCRIBED_LINK_ID,
    QUESTIONNAIRE_IDS,
    fhir_questionnaire,
    fhir_questionnaire_response,
    questionnaire_url,
)
from .fhir_import import from_fhir
from .html import summary_html
from .import_guard import MAX_DEPTH, MAX_NUMBER, MAX_PROBLEMS, from_data, guarded, load_import, read_json
from .pdf import summary_pdf

__all__ = [
    "EXPORT_KEYS", "ITEM_SYSTEM", "KIND", "MAX_DEPTH", "MAX_NUMBER", "MAX_PROBLEMS", "ORDINAL_VALUE",
    "PRESCRIBED_LINK_ID", "QUESTIONNAIRE_IDS", "SCHEMA_VERSION", "fhir_questionnaire",
    "fhir_questionnaire_response", "from_data", "from_fhir", "from_json", "guarded", "load_import", "read_json",
    "questionnaire_url", "summary_csv", "summary_html", "summary_pdf", "to_json",
]
