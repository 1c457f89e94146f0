"""The one spreadsheet pipeline (STYLE.md): read → map headers → validate rows → preview → commit.

- reader.py   bytes → rows of raw cells (.xlsx or .csv, detected by content), with the
              file-level refusals: not a spreadsheet, empty, too big, too many rows, zip bomb.
- columns.py  a column spec per file type and the header row → field mapping.
- writer.py   the safe .xlsx writer every export uses (formula neutralization).
- bulk.py     COPY helper for big writes.

The job, the row staging and the commit live in apps.imports; each upload kind
(roster, employer ledger) supplies an Importer with its columns and its commit.
"""
