-- Each sync looks for newest record versions that have no page yet (a sync stopped between
-- fetching and rendering): without this index that is a scan of every page for every study,
-- half a second a sync at 1,000 watched studies.
CREATE INDEX page_versions_by_record ON page_versions (record_version_id);
