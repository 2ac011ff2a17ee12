-- The query API's read-only login (compose's api service; on Kubernetes a DBA makes the same role).
-- Run by the newsflow owner before the migrations: it may read every table they make, now and later.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'newsflow_reader') THEN
    CREATE ROLE newsflow_reader LOGIN PASSWORD 'newsflow_reader';
  END IF;
END
$$;
GRANT CONNECT ON DATABASE newsflow TO newsflow_reader;
GRANT USAGE ON SCHEMA public TO newsflow_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO newsflow_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE newsflow IN SCHEMA public GRANT SELECT ON TABLES TO newsflow_reader;
