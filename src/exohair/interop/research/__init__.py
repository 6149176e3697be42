"""Research exports: de-identified tables as CSV or Parquet with their data dictionary, and REDCap's layouts."""
