-- Pending object-store work that start-up recovery could not carry out is set aside here
-- instead of stopping the server: the row stays (for an operator to see, fix or delete; clearing
-- set_aside_at makes the next start try it again), and /health counts such rows.
ALTER TABLE s3_pending_work ADD COLUMN set_aside_at INTEGER;
ALTER TABLE s3_pending_work ADD COLUMN set_aside_reason TEXT;
