-- Process: server (team server). Each item version carries its writer's signature
-- (docs/design.md "The team chain", signed item versions), stored as the writer sent it and
-- copied into the history, so a client can check who wrote a version instead of trusting
-- updated_by. Rows written before this migration have none, and show no checked author.
ALTER TABLE items ADD COLUMN signature text;
ALTER TABLE item_versions ADD COLUMN signature text;
