"""What any message store behind the generated ``MessageStore`` shares, whatever holds its data: the rules
of the API that OMA NMS leaves to the server and this store chose (``refstore/README.md``), and the
parsing and building that do not touch a database. Nothing here imports ``sqlite3``: a second store (e.g.
PostgreSQL) reuses these modules as they are.
"""
