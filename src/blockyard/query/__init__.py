"""The query engine: filters and sorts on data-source rows, compiled to SQL over a typed index."""
