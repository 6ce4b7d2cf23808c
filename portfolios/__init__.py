"""Securities, prices, accounts, transactions, the lot projection, imports and exports."""
