-- map: the keyed hash of every id of one table ({{table}}, its key {{key}}), computed once per export
-- into the temporary table {{map}}; the datasets whose columns reference that table read their hashes
-- from it instead of hashing the same id once per row (`vigie export`). Identifiers come from the
-- extract specification.
CREATE OR REPLACE TEMP TABLE {{map}} AS
SELECT {{key}} AS id, vigie_hmac({{key}}) AS h FROM {{table}};
