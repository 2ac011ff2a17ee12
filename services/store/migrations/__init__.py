"""The store's schema migrations (Alembic): env.py, the revision template and versions/. How to add a
revision: README.md beside this file; the code that runs them: services/store/schema.py."""
