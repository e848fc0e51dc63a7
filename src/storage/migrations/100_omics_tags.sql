-- HealthOmics tags of every resource type, keyed by the resource's ARN (TagResource,
-- UntagResource, ListTagsForResource, creation-time tags, aws:ResourceTag conditions).
CREATE TABLE omics_tags (
  arn TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (arn, key)
) WITHOUT ROWID;
