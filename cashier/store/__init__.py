"""Several counters, one store view: each lane's journal ships its changes to PostgreSQL.

The lane's SQLite journal stays the source of truth; ``outbox.py`` reads the changes its triggers
recorded (journal schema version 5), ``shipper.py`` sends them in order on its own thread,
``central.py`` is the PostgreSQL side (the schema in ``schema.py``): upserts by natural keys and
the store-wide history and reports. Nothing at the counter waits for the store database, except
a refund, which ``refunds.py`` reserves there first (any lane's sale; bounded waits).
"""
