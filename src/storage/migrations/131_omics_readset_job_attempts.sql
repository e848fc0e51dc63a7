-- How many times a read-set job item has been started: an item found IN_PROGRESS at start-up
-- (the server stopped mid-item) runs again once; interrupted a second time it fails saying so,
-- so a file that brings the server down cannot do it at every start.
ALTER TABLE omics_readset_job_items ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
