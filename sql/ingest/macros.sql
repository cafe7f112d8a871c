-- ingest/macros: how the extract format's values are read (extract-format.md,
-- "Files and values"). Every staging query of `vigie ingest` calls these
-- macros on the raw text of a cell; a NULL result for a non-empty cell means
-- the value does not parse and the row is quarantined. The Go parsers of
-- pipelines/values implement the same grammar and are checked against these
-- macros by a differential test.

-- An empty cell (or only spaces) is NULL.
CREATE OR REPLACE TEMP MACRO vigie_null(v) AS nullif(trim(v), '');

-- A date written dd/mm/yyyy turned into yyyy-mm-dd, so that DuckDB's own
-- cast reads it (a cast is ten times cheaper than try_strptime).
CREATE OR REPLACE TEMP MACRO vigie_iso_order(t) AS
    regexp_replace(t, '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})', '\3-\2-\1');

-- date: dd/mm/yyyy or yyyy-mm-dd (the cast refuses days that do not exist).
CREATE OR REPLACE TEMP MACRO vigie_date(v) AS
    CASE WHEN regexp_full_match(trim(v), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}')
         THEN TRY_CAST(vigie_iso_order(trim(v)) AS DATE) END;

-- date-time: dd/mm/yyyy hh:mm[:ss], yyyy-mm-dd hh:mm[:ss], yyyy-mm-ddThh:mm[:ss]
-- (fractions of a second accepted), local time Europe/Paris, kept naive.
-- Hours 0 to 23 only (the cast would read 24:00 as the next midnight).
CREATE OR REPLACE TEMP MACRO vigie_datetime(v) AS
    CASE WHEN regexp_full_match(trim(v), '([0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[ T]([01]?[0-9]|2[0-3]):[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?')
         THEN TRY_CAST(vigie_iso_order(replace(trim(v), 'T', ' ')) AS TIMESTAMP) END;

-- date or date-time (evenements.date_evenement): a date means midnight.
CREATE OR REPLACE TEMP MACRO vigie_date_or_time(v) AS
    coalesce(vigie_datetime(v), vigie_date(v)::TIMESTAMP);

-- decimal: 1234,56 or 1234.56, no thousands separator.
CREATE OR REPLACE TEMP MACRO vigie_decimal(v) AS
    CASE WHEN regexp_full_match(trim(v), '[-+]?[0-9]+([.,][0-9]+)?')
         THEN TRY_CAST(replace(trim(v), ',', '.') AS DECIMAL(12, 2)) END;

-- boolean: oui/non, o/n, vrai/faux, true/false, 1/0, any case.
CREATE OR REPLACE TEMP MACRO vigie_bool(v) AS
    CASE WHEN lower(trim(v)) IN ('oui', 'o', 'vrai', 'true', '1') THEN true
         WHEN lower(trim(v)) IN ('non', 'n', 'faux', 'false', '0') THEN false END;

-- code: lower-case, accents removed, spaces and dashes turned into _.
CREATE OR REPLACE TEMP MACRO vigie_code(v) AS
    regexp_replace(lower(strip_accents(trim(v))), '[ -]', '_', 'g');

-- list: values separated by |, each trimmed, empty ones dropped.
CREATE OR REPLACE TEMP MACRO vigie_list(v) AS
    list_filter(list_transform(string_split(v, '|'), x -> trim(x)), x -> x <> '');

-- list of codes.
CREATE OR REPLACE TEMP MACRO vigie_code_list(v) AS
    list_transform(vigie_list(v), x -> vigie_code(x));

-- month: yyyy-mm.
CREATE OR REPLACE TEMP MACRO vigie_month(v) AS
    CASE WHEN regexp_full_match(trim(v), '[0-9]{4}-(0[1-9]|1[0-2])') THEN trim(v) END;

-- identifier (structure codes): letters, digits, - and _ only.
CREATE OR REPLACE TEMP MACRO vigie_identifier(v) AS
    CASE WHEN regexp_full_match(trim(v), '[A-Za-z0-9_-]+') THEN trim(v) END;

-- digits with spaces allowed in input (SIRET): spaces removed; any other
-- character is kept so that the SIRET control can name the bad value.
CREATE OR REPLACE TEMP MACRO vigie_spaced_digits(v) AS
    nullif(regexp_replace(v, '\s', '', 'g'), '');
