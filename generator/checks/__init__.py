"""The checks: ``validate`` judges the IR (one rule per function, by concern: references, naming, values,
examples, auth), ``verify`` the emitted OpenAPI document, before anything is written."""
