"""The settlement app's HTML pages (``/settlement/``), one module per surface: ``portal``
(the merchant's statements, deposit and credit), ``back_office`` (the statements list for
finance, the general manager and recruiters, with the reconciliation export) and
``card_import`` (finance's upload of card transactions). ``common`` holds what they share."""
