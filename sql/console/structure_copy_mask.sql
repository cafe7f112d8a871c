-- console structure copy (mask): after structure_copy.sql, TER-01's detail in
-- the copy's findings loses the other structures it names (rules.md writes
-- them; console.md forbids a structure-scoped account to read another
-- structure's code), as controls.StructureDetail does for the pages.
-- $1 the pattern up to the list (controls.OthersPattern)   $2 what replaces the
-- list (controls.OthersText)   $3 the whole detail when the pattern does not match
UPDATE findings SET detail = CASE WHEN regexp_matches(detail, $1) THEN regexp_replace(detail, $1, '\1' || $2) ELSE $3 END
WHERE rule = 'TER-01';
UPDATE findings_resolved SET detail = CASE WHEN regexp_matches(detail, $1) THEN regexp_replace(detail, $1, '\1' || $2) ELSE $3 END
WHERE rule = 'TER-01';
